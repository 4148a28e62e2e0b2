internal import FeedModel
internal import Logging
internal import Store

extension Pipeline {
    /// `keep:` for feeds just reported: their documents past the bound are forgotten (and
    /// tombstoned, so an old item still in the feed is not stored again). A feed the store cannot
    /// prune is logged and pruned after its next fetch; the fetch is not failed for it. The store
    /// must have no batch in flight (the flow calls this when its writer is idle).
    func applyRetention(to feeds: [FeedConfig], store: any CrawlStore) {
        let now = clock()
        for feed in feeds {
            guard let keep = config.retention(for: feed) else { continue }
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
