public import FeedModel
public import Fleet
internal import Fetch

/// The configured feeds as the fleet keeps them: each with the politeness budget (host or host
/// rule) it draws from and that budget's gap, computed as the fetch engine computes them.
public enum FleetFeedList {
    public static func from(_ config: CrawlerConfig) -> [FleetFeed] {
        let settings = FetchSettings(config)
        return config.feeds.map { feed in
            let budget = settings.politenessBudget(forURL: feed.url)
            return FleetFeed(config: feed, host: budget.key, hostGap: budget.gap)
        }
    }
}
