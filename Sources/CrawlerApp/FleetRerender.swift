public import FeedModel
public import Fleet
internal import Convert
internal import Store

/// `crawler store rerender` with a shared database: every documents row rendered again from the
/// source values kept in it, with the current settings, exactly as `StoreRerender` does for a
/// folder. Rows are rewritten in the database (a batch per statement, compare-and-set on the
/// version each was rendered from); the files follow at the next `posts sync`, which writes each
/// rewritten row over its file (moving it when its place changed) with the store's crash-safe
/// rewrite. Killed, it is simply run again: rows already as they should be are left alone.
public struct FleetRerender {
    public let config: CrawlerConfig
    public let database: FleetDatabase
    public var feed: String?
    public var dryRun = false

    public init(config: CrawlerConfig, database: FleetDatabase, feed: String? = nil, dryRun: Bool = false) {
        self.config = config
        self.database = database
        self.feed = feed
        self.dryRun = dryRun
    }

    public func run(progress: (StoreRerender.Report) -> Void = { _ in }) throws -> StoreRerender.Report {
        let format = try OutputFormat(config.output)
        let layout = DocumentLayout(pattern: config.documentPath) ?? .standard
        var feeds: [String: FeedConfig] = [:]
        for feed in config.feeds + config.disabledFeeds { feeds[feed.name] = feed }
        var report = StoreRerender.Report()
        var after = ""
        while true {
            let rows = try database.sourceRows(feed: feed, after: after, limit: StoreRerender.batchSize)
            guard let last = rows.last else { break }
            after = last.hash16
            var renderable: [(shortHash: String, path: String, source: SourceValues, feed: FeedConfig)] = []
            var byHash: [String: FleetSourceRow] = [:]
            for row in rows {
                report.examined += 1
                guard let source = row.source else {
                    report.withoutSource += 1
                    continue
                }
                guard let feedConfig = feeds[row.feed] else {
                    report.unknownFeeds[row.feed, default: 0] += 1
                    continue
                }
                renderable.append((row.hash16, row.path, source, feedConfig))
                byHash[row.hash16] = row
            }
            let changing = StoreRerender.render(renderable, format: format, layout: layout, defaultImage: config.defaultImage)
                .compactMap { rewrite -> FleetRerendered? in
                    guard let row = byHash[rewrite.shortHash], row.body != rewrite.text || row.path != rewrite.path else { return nil }
                    return FleetRerendered(hash16: row.hash16, version: row.version, body: rewrite.text, date: rewrite.date,
                                           path: rewrite.path)
                }
            report.rewritten += dryRun ? changing.count : try database.rerender(changing)
            report.moved += changing.filter { byHash[$0.hash16]?.path != $0.path }.count
            report.unchanged += renderable.count - changing.count
            progress(report)
        }
        return report
    }
}
