internal import FeedModel

/// How long a feed set aside for its items' pages (`full_content`) or images (`images: local`)
/// waits for them: five times `timeout`, from when they were asked for. Each transfer is bounded
/// by `timeout`, but they wait their turn for their host's slots: a post of 64 images that all
/// stall, or 2,000 items whose pages do, held their feed (and `once`, with the store's lock) for
/// hours. What is not back by then fails for now, as a page or image that failed: its item waits
/// for the feed's next fetch, which finds what did come back kept.
enum SetAsideDeadline {
    static func patience(_ config: CrawlerConfig) -> Duration {
        .milliseconds(Int64(config.timeout * 5_000))
    }

    static func from(now: ContinuousClock.Instant, config: CrawlerConfig) -> ContinuousClock.Instant {
        now + patience(config)
    }

    static func reason(_ patience: Duration, what: String) -> String {
        "\(what) not back within \(patience.components.seconds) s of being asked for (five times timeout)"
    }
}
