internal import FeedModel
internal import Logging
internal import Store

extension Pipeline {
    /// `keep:` once per pass, for each feed the pass reported: its documents past the bound are
    /// forgotten (and tombstoned, so an old item still in the feed is not stored again). A feed
    /// the store cannot prune is logged and pruned on a later pass; the pass is not failed for it.
    func applyRetention(to reports: [FeedReport], feeds: [String: FeedConfig], store: any CrawlStore) {
        let now = clock()
        for report in reports {
            guard let feed = feeds[report.feed], let keep = config.retention(for: feed) else { continue }
            do {
                let forgotten = try store.applyRetention(keep, feed: feed.name, now: now)
                guard !forgotten.isEmpty else { continue }
                logger.info("retention", metadata: ["feed": "\(feed.name)", "keep": "\(keep.description)",
                                                    "forgotten": "\(forgotten.count)"])
            } catch {
                logger.error("retention", metadata: ["feed": "\(feed.name)", "keep": "\(keep.description)",
                                                     "error": "\(error)"])
            }
        }
    }
}
