public import FeedModel
public import Logging
internal import Fetch
internal import Foundation
internal import Glibc
internal import Synchronization

/// Sends alert digests where `notify:` says: a command's stdin and/or a webhook's POST body,
/// the same JSON for both. Without `notify:` it does nothing (the log has the events already).
/// Owned by one task (the daemon's loop, or `once`), which calls it between passes.
public final class AlertNotifier {
    private var settings: NotifySettings?
    private var fetch: FetchSettings
    private var digest: AlertDigest
    private let logger: Logger

    public init(config: CrawlerConfig, logger: Logger) {
        settings = config.notify
        fetch = FetchSettings(config)
        digest = AlertDigest(interval: config.notify?.interval ?? 3600)
        self.logger = logger
    }

    /// A reload's new `notify:` settings; events already pending stay.
    public func update(_ config: CrawlerConfig) {
        settings = config.notify
        fetch = FetchSettings(config)
        digest.interval = config.notify?.interval ?? 3600
    }

    /// Notes what a pass had to say; nothing is sent here.
    public func record(_ summary: PassSummary, now: Timestamp = WallClock.now()) {
        record(summary.reports, now: now)
    }

    /// The same for reports as they come (the daemon's flow has no passes).
    public func record(_ reports: [FeedReport], now: Timestamp = WallClock.now()) {
        guard settings != nil, !reports.isEmpty else { return }
        digest.record(reports, now: now)
    }

    /// Notes a store that failed outside a pass (it could not be opened).
    public func record(storeError: String, now: Timestamp = WallClock.now()) {
        guard settings != nil else { return }
        digest.record(storeError: storeError, now: now)
    }

    /// Starts sending the pending events if a digest is due, and returns: a command or webhook
    /// that hangs (until `timeout:`) must not hold up the crawl. One digest is sent at a time; what
    /// the last one failed to deliver goes with this one.
    public func sendIfDue(now: Timestamp = WallClock.now()) async {
        guard settings != nil else { return }
        if let sending {
            guard sending.isDone else { return }
            await settle(sending)
            self.sending = nil
        }
        guard digest.isDue(at: now) else { return }
        sending = start(now: now)
    }

    /// At shutdown the send in flight and the last digest together take at most this long:
    /// crawler.service's TimeoutStopSec is 15 s, and the flow's own stop comes first.
    public static let shutdownBudget: Duration = .seconds(5)
    /// The part of `shutdownBudget` the send in flight may take; the last digest has the rest.
    static let inFlightShare: Duration = .seconds(2)

    /// Sends what is pending now (at the end of `once`, or at shutdown), after the digest still
    /// being sent; the events that one failed to deliver go along. From the moment `stopping`
    /// says so (at once for a shutdown; when a signal comes for `once`, whose last digest ignored
    /// SIGTERM for as long as its webhook stalled), both have `shutdownBudget` and are then cut
    /// short (logged as notify_failed); what they did not deliver is lost with the process.
    public func flush(stopping: @escaping @Sendable () -> Bool = { false }, now: Timestamp = WallClock.now()) async {
        let deadline = FlushDeadline(stopping: stopping)
        if let sending {
            await settle(sending) { deadline.end().map { $0 - (Self.shutdownBudget - Self.inFlightShare) } }
            self.sending = nil
        }
        guard settings != nil, digest.hasEvents, let last = start(now: now) else { return }
        await settle(last) { deadline.end() }
    }

    /// The digest being sent.
    private var sending: DigestSend?

    /// Waits for a send to end, stopping it at `deadline` (nil: none yet), and keeps what it
    /// failed to deliver for the next digest.
    private func settle(_ send: DigestSend, deadline: () -> ContinuousClock.Instant? = { nil }) async {
        while !send.isDone {
            if let end = deadline(), ContinuousClock.now >= end {
                send.task.cancel()
                break
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        for (target, batch) in await send.task.value { digest.keep(batch, for: target) }
    }

    private func start(now: Timestamp) -> DigestSend? {
        guard let settings else { return nil }
        let targets = AlertTarget.allCases.filter { $0 == .command ? settings.command != nil : settings.webhook != nil }
        let batches = digest.take(for: targets, at: now)
        guard !batches.isEmpty else { return nil }
        let fetch = self.fetch, logger = self.logger
        return DigestSend {
            await AlertNotifier.deliver(batches, now: now, settings: settings, fetch: fetch, logger: logger)
        }
    }

    /// Sends each target its batch, side by side (a hanging command does not hold up the
    /// webhook); returns the batches that did not get through.
    private static func deliver(_ batches: [AlertTarget: AlertBatch], now: Timestamp, settings: NotifySettings,
                                fetch: FetchSettings, logger: Logger) async -> [AlertTarget: AlertBatch] {
        await withTaskGroup(of: (AlertTarget, AlertBatch)?.self) { group in
            for (target, batch) in batches {
                group.addTask {
                    let payload = AlertPayload.json(batch.events, dropped: batch.dropped, now: now)
                    let outcome = await send(payload, to: target, settings: settings, fetch: fetch)
                    let name = target == .command ? "command" : AlertWebhook.shown(settings.webhook ?? "")
                    report(outcome, to: name, events: batch.events.count, logger: logger)
                    return outcome.problem == nil ? nil : (target, batch)
                }
            }
            var failed: [AlertTarget: AlertBatch] = [:]
            for await case let (target, batch)? in group { failed[target] = batch }
            return failed
        }
    }

    private static func send(_ payload: String, to target: AlertTarget, settings: NotifySettings,
                             fetch: FetchSettings) async -> AlertCommand.Outcome {
        switch target {
        case .command:
            guard let command = settings.command else { return AlertCommand.Outcome() }
            return await AlertCommand.run(command, input: payload, timeout: fetch.timeout)
        case .webhook:
            guard let webhook = settings.webhook else { return AlertCommand.Outcome() }
            return AlertCommand.Outcome(problem: await AlertWebhook.post(payload, to: webhook, settings: settings, fetch: fetch))
        }
    }

    private static func report(_ outcome: AlertCommand.Outcome, to target: String, events: Int, logger: Logger) {
        var metadata: Logger.Metadata = ["to": "\(target)", "events": "\(events)"]
        if !outcome.stderr.isEmpty { metadata["stderr"] = "\(outcome.stderr)" }
        if let problem = outcome.problem {
            metadata["error"] = "\(problem)"
            logger.error("notify_failed", metadata: metadata)
        } else {
            logger.info("notify_sent", metadata: metadata)
        }
    }
}

/// When a flush gives up: `shutdownBudget` after `stopping` first says so.
private final class FlushDeadline: Sendable {
    private let stopping: @Sendable () -> Bool
    private let fixed = Mutex<ContinuousClock.Instant?>(nil)

    init(stopping: @escaping @Sendable () -> Bool) {
        self.stopping = stopping
    }

    func end() -> ContinuousClock.Instant? {
        fixed.withLock { end in
            if end == nil, stopping() { end = ContinuousClock.now + AlertNotifier.shutdownBudget }
            return end
        }
    }
}

/// A digest on its way, on a task of its own; the task's value is what did not get through.
private final class DigestSend: Sendable {
    let task: Task<[AlertTarget: AlertBatch], Never>
    private let done = SendFlag()

    init(_ deliver: @escaping @Sendable () async -> [AlertTarget: AlertBatch]) {
        let done = self.done
        task = Task.detached {
            let failed = await deliver()
            done.set()
            return failed
        }
    }

    var isDone: Bool { done.isSet }
}

/// Set by a digest's sending task when it is done.
private final class SendFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .releasing) }
    var isSet: Bool { flag.load(ordering: .acquiring) }
}

/// The digest's JSON (README, "Alerts").
enum AlertPayload {
    static func json(_ events: [AlertEvent], dropped: Int, now: Timestamp) -> String {
        let object: [String: Any] = [
            "crawler": hostName, "time": now.rfc3339,
            "events": events.map(\.fields), "dropped": dropped,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        // JSON lets C1 controls and bidi overrides stand raw in a string; a mail body or a
        // terminal that shows the digest would act on them. `\u009b` is the same JSON.
        return TerminalText.escapingControls(String(decoding: data, as: UTF8.self)) + "\n"
    }

    /// This machine's name as gethostname(2) says, without a DNS lookup (which
    /// `ProcessInfo.hostName` may make) that could stall a digest.
    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
