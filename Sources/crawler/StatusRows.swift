import CrawlerApp
import FeedModel
import Store

/// One line of `crawler status`: a configured feed, with its state if it has one, or a feed the
/// store still remembers that is no longer configured.
struct StatusRow {
    var name: String
    var url: String
    var state: FeedState?
    var health: FeedHealth
    /// The documents of a feed whose url changed in feeds.yaml since its last fetch: its state is
    /// no longer its own (it is fetched anew), its documents are.
    var keptDocuments: Int?
    /// What it is doing in the running daemon, if it was handed to the fetch engine.
    var activity: FeedActivity?

    /// When the feed is fetched next: never, for a feed disabled or removed in feeds.yaml, whatever
    /// its state says ("now" for a removed feed made an operator wait for a fetch that never came).
    var nextDue: Timestamp? {
        switch health {
        case .disabled, .removed: return nil
        default: return state?.nextDue
        }
    }

    var nextReason: String? {
        switch health {
        case .disabled: return "disabled in feeds.yaml (enabled: false)"
        case .removed: return "no longer in feeds.yaml"
        default: return state?.nextReason
        }
    }
}

enum StatusRows {
    /// The configured feeds in the file's order (then the disabled ones), then the removed ones.
    /// A feed renamed in the file shows the state of its old name, which the next crawl moves to it.
    static func build(_ config: CrawlerConfig, states: [FeedState], now: Timestamp) -> [StatusRow] {
        let configuredNames = Set((config.feeds + config.disabledFeeds).map(\.name))
        let byName = Dictionary(states.map { ($0.feed, $0) }, uniquingKeysWith: { first, _ in first })
        var orphans = states.filter { !configuredNames.contains($0.feed) }
        func state(of feed: FeedConfig) -> FeedState? {
            if let own = byName[feed.name] { return own.belongs(to: feed.url) ? own : nil }
            guard let found = orphans.firstIndex(where: { $0.belongs(to: feed.url) }) else { return nil }
            return orphans.remove(at: found)
        }
        var rows = config.feeds.map { feed in
            let state = state(of: feed)
            return StatusRow(name: feed.name, url: feed.url, state: state, health: FeedHealth.of(state, now: now),
                             keptDocuments: state == nil ? byName[feed.name]?.documents : nil)
        }
        rows += config.disabledFeeds.map { feed in
            StatusRow(name: feed.name, url: feed.url, state: state(of: feed), health: .disabled)
        }
        rows += orphans.map { StatusRow(name: $0.feed, url: $0.url, state: $0, health: .removed) }
        return rows
    }
}
