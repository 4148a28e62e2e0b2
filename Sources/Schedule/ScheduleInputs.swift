// Schedule: when each feed is due next, and why. The policy is a pure function of values
// (no clock, no randomness of its own) so every decision can be logged and explained.
public import FeedModel

/// How often an operator allows a feed to be polled.
public struct PollBounds: Sendable, Hashable {
    /// The configured interval, in seconds.
    public var interval: Double
    /// Adaptive polling never goes below this...
    public var minimum: Double
    /// ...nor above this; server hints are capped here too, so a feed is never forgotten.
    public var maximum: Double
    /// Poll busy feeds more often and quiet ones less, within the bounds.
    public var adaptive: Bool
    /// Longest wait after repeated failures.
    public var maxBackoff: Double
    /// Consecutive failures after which a feed counts as failing (still retried at the cap).
    public var failingAfter: Int

    public init(interval: Double, minimum: Double? = nil, maximum: Double? = nil, adaptive: Bool = false,
                maxBackoff: Double = 6 * 3600, failingAfter: Int = 5) {
        self.interval = interval
        self.minimum = minimum ?? min(interval, 300)
        self.maximum = maximum ?? max(interval, 86_400)
        self.adaptive = adaptive
        self.maxBackoff = maxBackoff
        self.failingAfter = failingAfter
    }
}

/// What the server and the document said about how often to come back.
public struct ServerHints: Sendable, Hashable {
    /// Cache-Control max-age, seconds.
    public var maxAge: Double?
    /// Expires, as an absolute time.
    public var expires: Timestamp?
    /// Retry-After (seconds or date), as an absolute time.
    public var retryAfter: Timestamp?
    /// RSS <ttl>, minutes.
    public var ttlMinutes: Int?
    /// sy:updatePeriod / sy:updateFrequency, as seconds between updates.
    public var updatePeriod: Double?
    /// RSS <skipHours> (0–23, UTC) and <skipDays> (0 = Sunday).
    public var skipHours: Set<Int>
    public var skipDays: Set<Int>

    public init(maxAge: Double? = nil, expires: Timestamp? = nil, retryAfter: Timestamp? = nil,
                ttlMinutes: Int? = nil, updatePeriod: Double? = nil, skipHours: Set<Int> = [], skipDays: Set<Int> = []) {
        self.maxAge = maxAge
        self.expires = expires
        self.retryAfter = retryAfter
        self.ttlMinutes = ttlMinutes
        self.updatePeriod = updatePeriod
        self.skipHours = skipHours
        self.skipDays = skipDays
    }
}

/// How a fetch went, as far as scheduling cares.
public enum FetchOutcome: Sendable, Hashable {
    /// A 200 that was stored; `newItems` documents were new.
    case updated(newItems: Int)
    /// 304, or a body identical to the last one.
    case unchanged
    /// 410 Gone.
    case gone
    /// Anything else that did not work (status, transport, parse, store).
    case failed
    /// Not fetched: the feed's host asked every client to wait (Retry-After on its other feeds).
    case deferred
}
