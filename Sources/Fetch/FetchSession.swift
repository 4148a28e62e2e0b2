public import FeedModel
internal import Foundation
internal import Synchronization

/// One long-lived libcurl multi handle on a thread of its own, taking requests as they come:
/// a daemon submits feeds as they fall due, for as long as it runs, and its connections (and
/// TLS sessions) are reused across polls. Results arrive on `events` as transfers finish.
/// `close()` says nothing more will come: the session ends once what was submitted is done.
public final class FetchSession: Sendable {
    public let settings: FetchSettings
    /// The results, and (for a consumer with timed work of its own) ticks asked for with `tick()`.
    public let events: FetchResults
    private let inbox = RequestInbox()
    private let waker: CurlWaker
    private let continuation: AsyncStream<Delivery>.Continuation
    private let tickPending: TickFlag
    private let published = LoadBoard()

    init(settings: FetchSettings, isCancelled: @escaping @Sendable () -> Bool) {
        self.settings = settings
        let (stream, continuation) = AsyncStream.makeStream(of: Delivery.self)
        let cancelled = CancellationFlag()
        let waker = CurlWaker()
        let backlog = Backlog(limit: settings.maxBacklog, byteLimit: settings.maxBacklogBytes, waker: waker)
        let tickPending = TickFlag()
        self.waker = waker
        self.continuation = continuation
        self.tickPending = tickPending
        events = FetchResults(stream: stream, backlog: backlog, tickPending: tickPending)
        continuation.onTermination = { _ in
            cancelled.set()
            waker.wake()
        }
        let inbox = self.inbox, published = self.published
        let thread = Thread {
            if let multi = CurlMulti(settings: settings, waker: waker) {
                multi.run(inbox, isCancelled: { cancelled.isSet || isCancelled() },
                          backlogIsFull: { backlog.isFull(inFlightBytes: $0) },
                          publish: { published.post($0) }) { results in
                    for result in results { backlog.added(bytes: result.heldBytes) }
                    continuation.yield(.results(results))
                }
            } else {
                // Nothing can be fetched: every request, now and later, fails at once.
                while case let (requests, closed) = inbox.takeWaiting(), !(closed && requests.isEmpty) {
                    guard !requests.isEmpty else { continue }
                    let failed = requests.map { FetchResult.failed($0, .other, "libcurl could not create a multi handle") }
                    for _ in failed { backlog.added(bytes: 0) }
                    continuation.yield(.results(failed))
                }
            }
            continuation.finish()
        }
        thread.name = "crawler-fetch"
        thread.start()
    }

    deinit {
        close()
    }

    /// Queues requests; each starts as the global cap and its host's politeness allow.
    public func submit(_ requests: [FetchRequest]) {
        guard !requests.isEmpty else { return }
        inbox.add(requests)
        waker.wake()
    }

    /// The requests of `feeds`, and those whose key starts with one of `keyPrefixes` (the pages
    /// and images of a feed), are not fetched, or stop if started (each comes back as cancelled).
    /// For feeds a reload removed.
    public func withdraw(_ feeds: Set<String>, keyPrefixes: Set<String> = []) {
        let withdrawal = Withdrawal(keys: feeds, prefixes: keyPrefixes)
        guard !withdrawal.isEmpty else { return }
        inbox.withdraw(withdrawal)
        waker.wake()
    }

    /// No more requests: the session finishes once the submitted ones are done.
    public func close() {
        inbox.close()
        waker.wake()
    }

    /// Puts one `.tick` on `events` (none while one is still unread), so a consumer waiting
    /// for results also wakes for its own timers.
    public func tick() {
        guard tickPending.raise() else { return }
        continuation.yield(.tick)
    }

    /// What the engine was doing at its last look (published at most every half second).
    public var load: EngineLoad { published.last }
}

/// What the engine's thread puts on the stream: the results of one turn of its loop together,
/// so a consumer waiting for them wakes once for all of them.
enum Delivery: Sendable {
    case results([FetchResult])
    case tick
}

/// What a session's consumer receives.
public enum FetchEvent: Sendable {
    case result(FetchResult)
    /// Asked for with `FetchSession.tick()`: nothing arrived, but the consumer's timers may be due.
    case tick
}

/// The engine's queue as seen from outside: transfers running, requests waiting, and which hosts
/// hold requests back (their politeness budget or their slots are taken).
public struct EngineLoad: Sendable, Hashable {
    public var inFlight = 0
    public var waiting = 0
    /// Hosts with requests waiting, most waiting first, then hosts held back (at most `HostWait.shown`).
    public var hosts: [HostWait] = []
    /// The transfers running, by their request's key (a feed's name): how many milliseconds each
    /// has run. At most `concurrency` of them: a feed's own status can say it is being fetched.
    public var running: [String: Int64] = [:]

    public init(inFlight: Int = 0, waiting: Int = 0, hosts: [HostWait] = [], running: [String: Int64] = [:]) {
        self.inFlight = inFlight
        self.waiting = waiting
        self.hosts = hosts
        self.running = running
    }
}

public struct HostWait: Sendable, Hashable {
    /// The politeness budget's key: the host, or the host rule's pattern.
    public var host: String
    public var waiting: Int
    /// How long the oldest of them has waited.
    public var oldestMilliseconds: Int64
    /// How much longer the host is held back, having throttled several feeds (0: it is not).
    public var heldMilliseconds: Int64
    /// Its host would let them start: they wait for one of the `concurrency` slots, which other
    /// hosts' transfers hold (round 60: a healthy host was listed as holding its feeds back).
    public var forSlot: Bool

    public init(host: String, waiting: Int, oldestMilliseconds: Int64, heldMilliseconds: Int64 = 0, forSlot: Bool = false) {
        self.host = host
        self.waiting = waiting
        self.oldestMilliseconds = oldestMilliseconds
        self.heldMilliseconds = heldMilliseconds
        self.forSlot = forSlot
    }

    static let shown = 10
}

/// Requests handed from any thread to the engine's thread.
final class RequestInbox: Sendable {
    private let state = Mutex<(requests: [FetchRequest], closed: Bool)>(([], false))
    private let withdrawn = Mutex<Withdrawal>(Withdrawal())

    func add(_ requests: [FetchRequest]) {
        state.withLock { $0.requests += requests }
    }

    func withdraw(_ withdrawal: Withdrawal) {
        withdrawn.withLock { $0.add(withdrawal) }
    }

    /// What was withdrawn since the last call.
    func takeWithdrawn() -> Withdrawal {
        withdrawn.withLock { withdrawal in
            defer { withdrawal = Withdrawal() }
            return withdrawal
        }
    }

    func close() {
        state.withLock { $0.closed = true }
    }

    /// What was submitted since the last call, and whether the inbox is closed; both read at
    /// once, so requests added just before `close` are never missed.
    func takeWaiting() -> (requests: [FetchRequest], closed: Bool) {
        state.withLock { state in
            defer { state.requests = [] }
            return (state.requests, state.closed)
        }
    }
}

/// The engine's last published load, read from any thread.
final class LoadBoard: Sendable {
    private let value = Mutex(EngineLoad())
    func post(_ load: EngineLoad) { value.withLock { $0 = load } }
    var last: EngineLoad { value.withLock { $0 } }
}

/// Set while a tick waits unread, so ticks never pile up behind a busy consumer.
final class TickFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    /// True if it was down (the caller should send a tick).
    func raise() -> Bool { !flag.exchange(true, ordering: .acquiringAndReleasing) }
    func lower() { flag.store(false, ordering: .releasing) }
}

/// Requests to take out of the queue: by key (a feed's name), or by the start of their key
/// (the pages and images of one feed's items, keyed by item).
struct Withdrawal: Sendable {
    var keys: Set<String> = []
    var prefixes: Set<String> = []

    var isEmpty: Bool { keys.isEmpty && prefixes.isEmpty }

    mutating func add(_ other: Withdrawal) {
        keys.formUnion(other.keys)
        prefixes.formUnion(other.prefixes)
    }

    func covers(_ request: FetchRequest) -> Bool {
        keys.contains(request.feed) || prefixes.contains { request.feed.hasPrefix($0) }
    }
}
