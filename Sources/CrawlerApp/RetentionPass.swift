internal import FeedModel
internal import Logging
internal import Store

extension Pipeline {
    /// `keep:` for feeds just reported: their documents past the bound are forgotten (and
    /// tombstoned, so an old item still in the feed is not stored again). A feed the store cannot
    /// prune is logged and pruned after its next fetch; the fetch is not failed for it. The store
    /// must have no batch in flight (the flow calls this when its writer is idle).
    /// Returns how many documents were forgotten.
    @discardableResult
    func applyRetention(to feeds: [FeedConfig], store: any CrawlStore) -> Int {
        let now = clock()
        var forgotten = 0
        for feed in feeds {
            guard let keep = config.retention(for: feed) else { continue }
            do {
                let outcome = try store.applyRetention(keep, feed: feed.name, now: now)
                forgotten += outcome.forgotten.count
                guard !outcome.forgotten.isEmpty || !outcome.keptEdited.isEmpty else { continue }
                var metadata: Logger.Metadata = ["feed": "\(feed.name)", "keep": "\(keep.description)",
                                                 "forgotten": "\(outcome.forgotten.count)"]
                if let first = outcome.keptEdited.first {
                    metadata["kept_edited"] = "\(outcome.keptEdited.count)"
                    metadata["reason"] = "edited by hand since stored (e.g. \(first)): kept; crawler store forget removes it"
                }
                logger.info("retention", metadata: metadata)
            } catch {
                logger.error("retention", metadata: ["feed": "\(feed.name)", "keep": "\(keep.description)",
                                                     "error": "\(error)"])
            }
        }
        return forgotten
    }
}
