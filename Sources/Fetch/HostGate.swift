internal import FeedModel

/// The politeness state of one host budget: transfers in flight, a token bucket for the gap
/// between request starts, and a back-off when the host asked every client to wait.
/// Pure bookkeeping on a millisecond clock passed in, so it is tested without a network.
struct HostGate {
    let rule: HostRule
    private(set) var inFlight = 0
    private var tokens: Double
    private var refilledAt: Int64
    /// Set once the host throttled enough distinct feeds: nothing starts before it.
    private(set) var pausedUntil: Int64?
    /// Feeds answered 429/503 since the host last answered normally.
    private var throttledFeeds: Set<String> = []
    /// Feeds whose throttling made the host wait, since it last answered normally, and those of
    /// them throttled again since. Alone, they are their own trouble (each waits for its own
    /// Retry-After): counted as before, a few feeds a server keeps limiting held its other feeds
    /// back for good (round 64). Once another feed is throttled too, the host throttles more
    /// than them, and they count again.
    private var madeItWait: Set<String> = []
    private var throttledAgain: Set<String> = []

    init(rule: HostRule, now: Int64) {
        self.rule = rule
        tokens = Double(max(1, rule.burst))
        refilledAt = now
    }

    /// Milliseconds until a request may start (0: now), or nil while every slot is taken.
    mutating func delayBeforeStart(now: Int64) -> Int64? {
        if let pausedUntil, pausedUntil > now { return pausedUntil - now }
        guard inFlight < max(1, rule.concurrency) else { return nil }
        refill(now: now)
        guard rule.gap > 0, tokens < 1 else { return 0 }
        return Int64(((1 - tokens) * rule.gap * 1000).rounded(.up))
    }

    mutating func started(now: Int64) {
        refill(now: now)
        inFlight += 1
        if rule.gap > 0 { tokens -= 1 }
    }

    mutating func finished() {
        inFlight = max(0, inFlight - 1)
    }

    /// A feed of this host was answered 429 or 503. One feed's trouble stays that feed's (an RSSHub
    /// route failing must not freeze its siblings); only when `threshold` distinct feeds are throttled
    /// in a row does the host as a whole wait. Returns true when that just happened.
    mutating func throttled(feed: String, retryAfter: Int?, threshold: Int, now: Int64) -> Bool {
        if madeItWait.contains(feed) { throttledAgain.insert(feed) } else { throttledFeeds.insert(feed) }
        guard !throttledFeeds.isEmpty, throttledFeeds.count + throttledAgain.count >= max(1, threshold) else { return false }
        let wait = Int64(min(max(1, retryAfter ?? 60), ServerNumber.maxSeconds)) * 1000
        pausedUntil = max(pausedUntil ?? 0, now + wait)
        madeItWait.formUnion(throttledFeeds)
        throttledFeeds.removeAll()
        throttledAgain.removeAll()
        return true
    }

    /// Any ordinary answer shows the host serves its feeds again.
    mutating func answered() {
        throttledFeeds.removeAll()
        madeItWait.removeAll()
        throttledAgain.removeAll()
    }

    var isPaused: Bool { pausedUntil != nil }

    private mutating func refill(now: Int64) {
        guard rule.gap > 0 else { return }
        let elapsed = Double(now - refilledAt) / 1000
        tokens = min(Double(max(1, rule.burst)), tokens + elapsed / rule.gap)
        refilledAt = now
    }
}
