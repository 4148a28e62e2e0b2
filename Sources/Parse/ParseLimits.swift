public import FeedModel

/// How much of one document a parse may read: items up to `maxItems` (the first ones, in
/// document order), and only until `deadline` or the caller's shutdown. Parsing stays pure: the
/// clock and the shutdown flag are the caller's, asked between chunks of the document and
/// between items, never inside libxml2.
public struct ParseLimits: Sendable {
    public var maxItems: Int
    /// On `now`'s clock (milliseconds); nil: no time limit.
    public var deadline: Int64?
    public var now: @Sendable () -> Int64
    public var isCancelled: @Sendable () -> Bool

    public init(maxItems: Int = .max, deadline: Int64? = nil, now: @escaping @Sendable () -> Int64 = { 0 },
                isCancelled: @escaping @Sendable () -> Bool = { false }) {
        self.maxItems = max(0, maxItems)
        self.deadline = deadline
        self.now = now
        self.isCancelled = isCancelled
    }

    public static let unlimited = ParseLimits()

    /// Why reading must stop now (out of time, or shut down); nil to go on. The item cap is
    /// checked where items arrive: it cuts only a feed that has more.
    public func stopReason() -> ParseCut? {
        if isCancelled() { return .shutdown }
        if let deadline, now() >= deadline { return .timeLimit }
        return nil
    }
}

/// Why a feed's items were not all read.
public enum ParseCut: String, Sendable, Hashable {
    /// More items than `max_items`: the first ones were kept.
    case maxItems = "max_items"
    /// `parse_time_limit` passed: the items read by then were kept.
    case timeLimit = "time_limit"
    /// The crawler is shutting down.
    case shutdown
    /// An item of more elements than any real item holds (`StartTagGuard`): the items before it
    /// were kept, it and those after it were not read.
    case oversizedItem = "oversized_item"
}

/// A feed, and whether it holds only part of the document's items.
public struct LimitedFeed: Sendable {
    public var feed: Feed
    public var cut: ParseCut?
    public var notes = ParseNotes()
}

/// The limits asked at every `interval`-th call only, the first included, and after every
/// `weightInterval` of work (an item's body bytes, which its conversion's time follows). Asked per
/// item: the time limit's clock (the reading thread's CPU time) is a system call each time, ~90 of
/// them a feed, where eight ordinary items take well under a millisecond to read or convert; eight
/// heavy ones took seconds each, past the limit.
public struct PacedLimitCheck {
    private let limits: ParseLimits
    private let interval: Int
    private let weightInterval: Int
    private var calls = 0
    private var weight = 0

    public init(_ limits: ParseLimits, every interval: Int = 8, orEvery weightInterval: Int = 32 << 10) {
        self.limits = limits
        self.interval = max(1, interval)
        self.weightInterval = max(1, weightInterval)
    }

    /// `weight`: the work done since the last call.
    public mutating func stopReason(after weight: Int = 0) -> ParseCut? {
        defer { calls += 1 }
        self.weight += weight
        guard calls.isMultiple(of: interval) || self.weight >= weightInterval else { return nil }
        self.weight = 0
        return limits.stopReason()
    }
}
