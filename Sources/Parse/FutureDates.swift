public import FeedModel

/// Dates in the future are mistakes (a wrong time zone, a scheduled post published early, a
/// year typed wrong): beyond a small skew between clocks, they become the fetch time, so that a
/// feed cannot pin its items above every other in a date-sorted site.
public enum FutureDates {
    /// Clocks disagree by a few minutes; more than this ahead is a mistake.
    public static let allowedSkewSeconds: Int64 = 10 * 60

    /// `feed` with every published/updated date later than `now` + skew set to `now`.
    public static func clamped(_ feed: Feed, now: Timestamp) -> Feed {
        let limit = Timestamp(secondsSince1970: now.secondsSince1970 + allowedSkewSeconds)
        guard feed.items.contains(where: { ($0.published ?? now) > limit || ($0.updated ?? now) > limit }) else { return feed }
        var feed = feed
        for index in feed.items.indices {
            let written = feed.items[index].published ?? feed.items[index].updated
            if let date = feed.items[index].published, date > limit {
                feed.items[index].published = now
                feed.items[index].publishedWasInFuture = true
            }
            if let date = feed.items[index].updated, date > limit { feed.items[index].updated = now }
            if let written, written > limit { feed.items[index].futureDateAsWritten = written }
        }
        return feed
    }
}
