public import FeedModel

/// Turns passes into alert events and holds them until a digest is due: one message per
/// `notify: interval:` at most, however many passes and feeds had something to say. Pure: the
/// caller gives the time and sends what `take` returns.
public struct AlertDigest: Sendable {
    /// Seconds between two digests.
    public var interval: Double
    public private(set) var pending: [AlertEvent] = []
    /// Events dropped because `pending` was full (a network outage fails every feed at once).
    public private(set) var dropped = 0
    /// Each target's events whose send failed: feed_failing and feed_gone are told once, so they
    /// go to that target again, first, with its next digest.
    private var unsent: [AlertTarget: AlertBatch] = [:]
    private var lastSent: Timestamp?

    /// A digest holds at most this many events; the rest are counted.
    static let maximumEvents = 1000
    let failingAfter = PollBoundsDefaults.failingAfter

    public init(interval: Double) {
        self.interval = interval
    }

    /// The events in one pass's reports: the same transitions the log tells (feed_failing,
    /// feed_recovered, feed_gone), silences, and one store_error for the store failures of the pass.
    public mutating func record(_ reports: [FeedReport], now: Timestamp) {
        var storeFailures: [FeedReport] = []
        for report in reports {
            if let error = report.error, error.hasPrefix("store:") { storeFailures.append(report) }
            guard let event = transition(report, now: now) ?? silence(report, now: now) else { continue }
            add(event)
        }
        if let first = storeFailures.first {
            addStoreError(AlertEvent(kind: .storeError, time: now, error: first.error, count: storeFailures.count))
        }
    }

    /// A store that fails keeps failing: under `run` every batch (often one feed each) would be
    /// an event of its own, a thousand a digest. The digest holds one, counting every feed.
    private mutating func addStoreError(_ event: AlertEvent) {
        guard let index = pending.firstIndex(where: { $0.kind == .storeError }) else { return add(event) }
        pending[index].count = (pending[index].count ?? 0) + (event.count ?? 0)
    }

    /// The store could not be opened or written outside a pass (the daemon cannot start).
    public mutating func record(storeError: String, now: Timestamp) {
        add(AlertEvent(kind: .storeError, time: now, error: storeError, count: 0))
    }

    private func transition(_ report: FeedReport, now: Timestamp) -> AlertEvent? {
        let errors = report.state?.consecutiveErrors ?? 0
        var event = AlertEvent(kind: .feedFailing, feed: report.feed, url: report.url, time: now, error: report.error)
        if report.state?.gone == true {
            guard report.httpStatus == 410 else { return nil }
            event.kind = .feedGone
        } else if errors == failingAfter {
            event.count = errors
        } else if errors == 0 && report.previousErrors >= failingAfter {
            event.kind = .feedRecovered
            event.count = report.previousErrors
        } else {
            return nil
        }
        return event
    }

    /// A silence is told once: by the fetch that finds the feed silent when the fetch before did
    /// not. Judged from the state alone, so neither a restart nor a `once` run each half hour
    /// tells it again.
    private func silence(_ report: FeedReport, now: Timestamp) -> AlertEvent? {
        guard let state = report.state, report.succeeded, let silence = FeedSilence.of(state, now: now) else { return nil }
        if let before = report.previousFetch, FeedSilence.of(state, now: before) != nil { return nil }
        return AlertEvent(kind: .feedSilent, feed: report.feed, url: report.url, time: now, silence: silence)
    }

    private mutating func add(_ event: AlertEvent) {
        if pending.count < Self.maximumEvents { pending.append(event) } else { dropped += 1 }
    }

    /// Whether there is anything to send: new events, or events a target did not take.
    public var hasEvents: Bool { !pending.isEmpty || !unsent.isEmpty }

    /// Whether events should go now: the first digest at once, later ones an interval apart (a
    /// failed send counts, so a webhook that is down is tried once an interval, not in a loop).
    public func isDue(at now: Timestamp) -> Bool {
        guard hasEvents else { return false }
        guard let lastSent else { return true }
        return Double(now.secondsSince1970 - lastSent.secondsSince1970) >= interval
    }

    /// What each of `targets` gets now: what its last send failed to deliver, then the pending
    /// events, at most `maximumEvents`; a target with nothing to get is left out. The pending
    /// events are now considered sent; the unsent ones of a target no longer configured are dropped.
    public mutating func take(for targets: [AlertTarget], at now: Timestamp) -> [AlertTarget: AlertBatch] {
        let new = AlertBatch(events: pending, dropped: dropped)
        var batches: [AlertTarget: AlertBatch] = [:]
        for target in targets {
            let batch = AlertBatch.merging(unsent[target] ?? AlertBatch(), new, limit: Self.maximumEvents)
            if !batch.isEmpty { batches[target] = batch }
        }
        pending = []
        dropped = 0
        unsent = [:]
        lastSent = now
        return batches
    }

    /// A target's send failed: its batch goes to it again with its next digest, before anything
    /// newer (within the same cap).
    public mutating func keep(_ batch: AlertBatch, for target: AlertTarget) {
        unsent[target] = AlertBatch.merging(batch, unsent[target] ?? AlertBatch(), limit: Self.maximumEvents)
    }
}
