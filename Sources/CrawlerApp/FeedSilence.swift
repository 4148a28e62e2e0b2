public import FeedModel

/// A feed that still answers (200 or 304) but has brought nothing new for far longer than its own
/// rhythm: a site that moved its feed, a CMS that froze, a blog that quietly ended. Pure: judged
/// from the state the store keeps (`lastNew`, `newItemGaps`).
public struct FeedSilence: Sendable, Hashable {
    /// Seconds since the last fetch that brought new documents.
    public var quietSeconds: Int64
    /// The median gap between fetches that brought new documents; nil until there are two.
    public var usualGapSeconds: Int64?
    public var lastNew: Timestamp

    /// However regular a feed, a week without news is not yet worth an alert.
    public static let minimumQuiet: Int64 = 7 * 86_400
    /// How many of its usual gaps a feed may stay quiet.
    public static let gapsBeforeSilent: Int64 = 4

    /// The silence of the feed whose state this is, if it is silent at `now`; a failing or gone
    /// feed is not silent (it has its own alerts), nor is a feed that never brought anything.
    public static func of(_ state: FeedState, now: Timestamp) -> FeedSilence? {
        guard let lastNew = state.lastNew, !state.gone, state.consecutiveErrors == 0 else { return nil }
        let quiet = now.secondsSince1970 - lastNew.secondsSince1970
        let usual = median(state.newItemGaps)
        guard quiet > max(minimumQuiet, gapsBeforeSilent * (usual ?? 0)) else { return nil }
        return FeedSilence(quietSeconds: quiet, usualGapSeconds: usual, lastNew: lastNew)
    }

    static func median(_ values: [Int64]) -> Int64? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
