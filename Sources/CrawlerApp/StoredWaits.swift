internal import FeedModel
internal import Logging

/// Waits a feed's stored state holds that no crawler with a right clock could have set: a
/// machine that booted years ahead (a board before NTP) saved due times and Retry-After holds
/// there, and with the clock right again its feeds went unpolled for years while `status` said
/// they were fine. Such a wait is dropped (the feed is due now) and said once.
enum StoredWaits {
    /// Clocks disagree by minutes; a wait ten minutes past the longest is no rounding.
    static let slackSeconds = 600.0

    static func sane(_ state: FeedState?, feed: FeedConfig, config: CrawlerConfig, now: Timestamp,
                     logger: Logger) -> FeedState? {
        guard var state else { return nil }
        // The longest a poll can be put off: the feed's interval, its adaptive bound, a server's
        // hint (at most a day) or a back-off or Retry-After (`max_backoff`), with their jitter,
        // then moved past up to six days `skipDays` skip (round 21: `interval: 7d` and six
        // skipped days made twelve and a half, dropped as a clock's mistake).
        let longest = max(feed.interval, feed.maxInterval ?? 0, config.maxBackoff, 86_400) * 1.25
            + 7 * 86_400 + slackSeconds
        if let due = state.nextDue, due > now.adding(longest) {
            drop("next_due", until: due, feed: feed, logger: logger)
            state.nextDue = nil
            state.nextReason = nil
        }
        if let notBefore = state.notBefore, notBefore > now.adding(config.maxBackoff + slackSeconds) {
            drop("retry_after_until", until: notBefore, feed: feed, logger: logger)
            state.notBefore = nil
        }
        return state
    }

    private static func drop(_ what: String, until: Timestamp, feed: FeedConfig, logger: Logger) {
        logger.warning("stored_wait_dropped", metadata: [
            "feed": "\(feed.name)", "wait": "\(what)", "until": "\(until.rfc3339)",
            "reason": .string("the store holds a wait longer than any this configuration gives (max_backoff or an interval "
                + "lowered since, or saved while the clock ran ahead); due now"),
        ])
    }
}
