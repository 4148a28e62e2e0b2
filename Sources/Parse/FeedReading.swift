public import FeedModel

/// What a crawl reads of a parsed feed, the same in `once`, `run`, `preview` and `parse`: an
/// Atom entry's older versions left out (`AtomEntryVersions`), dates in the future brought to
/// now (`FutureDates`). `preview` and `parse --render` showed both as the parser gave them.
public enum FeedReading {
    public static func settled(_ feed: Feed, now: Timestamp) -> Feed {
        FutureDates.clamped(AtomEntryVersions.newest(in: feed), now: now)
    }
}
