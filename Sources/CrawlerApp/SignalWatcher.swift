internal import Dispatch
internal import Glibc
internal import Synchronization

/// Turns SIGTERM/SIGINT into a shutdown request and SIGHUP into a reload request, as flags the
/// daemon's loop reads; nothing runs inside a signal handler.
public final class SignalWatcher: Sendable {
    private let flags = SignalFlags()
    // Only kept alive, never touched again after init: no shared mutation to guard.
    nonisolated(unsafe) private let sources: [any DispatchSourceSignal]

    public init() {
        let queue = DispatchQueue(label: "crawler.signals")
        let flags = self.flags
        var installed: [any DispatchSourceSignal] = []
        for (number, isReload) in [(SIGTERM, false), (SIGINT, false), (SIGHUP, true)] {
            signal(number, SIG_IGN)  // let the dispatch source, not the default action, see it
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if isReload { flags.reload.store(true, ordering: .releasing) } else { flags.shutdown.store(true, ordering: .releasing) }
            }
            source.resume()
            installed.append(source)
        }
        // A full disk under a file-size limit must be an error to handle, not a kill.
        signal(SIGXFSZ, SIG_IGN)
        sources = installed
    }

    /// For `run` and `once`, from `main`'s first line (`ignoreEarlySignals`): a closed pipe (`crawler run | tee`, tee
    /// gone; `crawler once | head`) loses output, not the crawl, nor its exit status; the user
    /// signals mean nothing here, and their default action would end it without a word.
    static func ignoreSignalsThatWouldEndACrawl() {
        for number in [SIGPIPE, SIGUSR1, SIGUSR2] { signal(number, SIG_IGN) }
    }

    /// At the very start of the process, for a command that is a crawl: what would end it before
    /// its watcher is up (`run` takes SIGHUP for a reload) is ignored from the first instruction.
    public static func ignoreEarlySignals(of command: String?) {
        guard command == "run" || command == "once" else { return }
        ignoreSignalsThatWouldEndACrawl()
        if command == "run" { signal(SIGHUP, SIG_IGN) }
    }

    public var shutdownRequested: Bool { flags.shutdown.load(ordering: .acquiring) }

    public func requestShutdown() { flags.shutdown.store(true, ordering: .releasing) }

    /// True once per SIGHUP received.
    public func takeReloadRequest() -> Bool {
        flags.reload.exchange(false, ordering: .acquiringAndReleasing)
    }
}

private final class SignalFlags: Sendable {
    let shutdown = Atomic<Bool>(false)
    let reload = Atomic<Bool>(false)
}
