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
    /// that hangs (until `timeout:`) must not hold up the crawl. One digest is sent at a time.
    public func sendIfDue(now: Timestamp = WallClock.now()) async {
        guard settings != nil, digest.isDue(at: now), !(sending?.done.isSet == false) else { return }
        sending = start(now: now)
    }

    /// At shutdown the send in flight and the last digest together take at most this long:
    /// crawler.service's TimeoutStopSec is 15 s, and the flow's own stop comes first.
    public static let shutdownBudget: Duration = .seconds(5)
    /// The part of `shutdownBudget` the send in flight may take; the last digest has the rest.
    static let inFlightShare: Duration = .seconds(2)

    /// Sends the pending events now (at the end of `once`, or at shutdown), after the digest
    /// still being sent. Within `budget`, if given, both are cut short (logged as notify_failed).
    public func flush(within budget: Duration? = nil, now: Timestamp = WallClock.now()) async {
        let end = budget.map { ContinuousClock.now + $0 }
        if let sending { await settle(sending, before: end.map { min($0, ContinuousClock.now + Self.inFlightShare) }) }
        sending = nil
        guard settings != nil, !digest.pending.isEmpty, let started = start(now: now) else { return }
        await settle(started, before: end)
    }

    /// The digest being sent, and whether it is done.
    private var sending: (task: Task<Void, Never>, done: SendFlag)?

    /// Waits for a send to end, stopping it at `deadline`.
    private func settle(_ send: (task: Task<Void, Never>, done: SendFlag), before deadline: ContinuousClock.Instant?) async {
        if let deadline {
            while !send.done.isSet && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
            send.task.cancel()
        }
        await send.task.value
    }

    private func start(now: Timestamp) -> (task: Task<Void, Never>, done: SendFlag)? {
        guard let settings else { return nil }
        let (events, dropped) = digest.take(at: now)
        let payload = AlertPayload.json(events, dropped: dropped, now: now)
        let fetch = self.fetch, logger = self.logger, count = events.count
        let done = SendFlag()
        let task = Task.detached {
            await AlertNotifier.deliver(payload, events: count, settings: settings, fetch: fetch, logger: logger)
            done.set()
        }
        return (task, done)
    }

    private static func deliver(_ payload: String, events: Int, settings: NotifySettings, fetch: FetchSettings,
                                logger: Logger) async {
        if let command = settings.command {
            report(await AlertCommand.run(command, input: payload, timeout: fetch.timeout), to: "command",
                   events: events, logger: logger)
        }
        if let webhook = settings.webhook {
            report(await post(payload, to: webhook, settings: settings, fetch: fetch),
                   to: SecretRedaction.redact(webhook), events: events, logger: logger)
        }
    }

    private static func report(_ problem: String?, to target: String, events: Int, logger: Logger) {
        if let problem {
            logger.error("notify_failed", metadata: ["to": "\(target)", "events": "\(events)", "error": "\(problem)"])
        } else {
            logger.info("notify_sent", metadata: ["to": "\(target)", "events": "\(events)"])
        }
    }

    /// POSTs through the fetch engine, with the crawl's transfer settings and address rules.
    private static func post(_ payload: String, to url: String, settings: NotifySettings,
                             fetch: FetchSettings) async -> String? {
        let access = NetworkAccess.operatorURL(url, allowsPrivateNetworks: settings.allowPrivateNetworks,
                                               hint: "set allow_private_networks: true under notify: to allow it")
        var own = RequestSettings()
        // No "Expect: 100-continue" round trip: many webhook receivers never answer it.
        own.headers = [HeaderField(name: "Content-Type", value: "application/json"), HeaderField(name: "Expect", value: "")]
        var request = FetchRequest(feed: "notify", url: url, access: access, settings: own)
        request.postBody = payload
        // Cancelling this task (the shutdown's deadline) ends the stream, which stops the transfer.
        let result = await FetchEngine(settings: fetch).fetchAll([request]).first
        if Task.isCancelled { return "no answer by shutdown; stopped" }
        guard let result else { return "no result" }
        switch result.outcome {
        case .failure(let failure): return failure.message
        case .response(let response):
            return (200..<300).contains(response.status) ? nil : "HTTP \(response.status)"
        }
    }
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
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// This machine's name as gethostname(2) says, without a DNS lookup (which
    /// `ProcessInfo.hostName` may make) that could stall a digest.
    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
