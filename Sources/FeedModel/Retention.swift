/// `keep:` (global or per feed): how long a feed's documents stay in the store. Past it they are
/// forgotten as `crawler store forget` forgets them (file removed, tombstone kept), so an item
/// still in the feed is not stored again.
public enum Retention: Sendable, Hashable, Codable {
    /// `keep: 500`: the feed's newest documents by date.
    case newest(Int)
    /// `keep: 90d`: documents dated within this many seconds of now.
    case within(seconds: Double)

    public var description: String {
        switch self {
        case .newest(let count): return "\(count)"
        case .within(let seconds):
            return seconds.truncatingRemainder(dividingBy: 86400) == 0 ? "\(Int(seconds / 86400))d" : "\(Int(seconds))s"
        }
    }
}

extension CrawlerConfig {
    /// The feed's own `keep:`, else the global one; nil keeps everything.
    public func retention(for feed: FeedConfig) -> Retention? {
        feed.keep ?? keep
    }
}
