public import FeedModel
public import Store
public import Logging

extension DocumentStore {
    /// Opens the store a configuration names, laid out as it says.
    public convenience init(config: CrawlerConfig, setAsideBrokenIndex: Bool = false, roomless: Bool = false) throws(StoreError) {
        // Config validated the pattern; fall back to the standard layout if it somehow did not.
        let layout = DocumentLayout(pattern: config.documentPath) ?? .standard
        try self.init(path: config.storePath, layout: layout, checksHexoGrammar: config.output == .hexo,
                      setAsideBrokenIndex: setAsideBrokenIndex, roomless: roomless)
    }

    /// The store a configuration names, to read only (`init(readingOnly:)`): for dry runs.
    public convenience init(readingOnlyFor config: CrawlerConfig) throws(StoreError) {
        let layout = DocumentLayout(pattern: config.documentPath) ?? .standard
        try self.init(readingOnly: config.storePath, layout: layout, checksHexoGrammar: config.output == .hexo)
    }
}

extension DocumentStore {
    /// Moves renamed feeds' state to their new names, saying so in the log. Should that fail, the
    /// renamed feeds start afresh (their items are deduplicated by content still).
    /// `disabled`: the configuration's disabled feeds, whose documents are theirs still (see
    /// `configuredFeeds`).
    @discardableResult
    public func adoptRenamedFeeds(_ feeds: [FeedConfig], disabled: [FeedConfig], logger: Logger) -> [FeedRenames.Rename] {
        configuredFeeds = Set((feeds + disabled).map(\.name))
        enabledFeeds = Set(feeds.map(\.name))
        do {
            let renames = try adoptRenamedFeeds(feeds, disabled: disabled)
            for rename in renames {
                logger.notice("feed_renamed", metadata: ["feed": "\(rename.to)", "from": "\(rename.from)"])
            }
            try dropReaders(notIn: configuredFeeds ?? [])
            return renames
        } catch {
            // Named: the warning said only the store's error, and the rename silently became a removal and an addition.
            let planned = (try? adoptRenamedFeeds(feeds, disabled: disabled, applying: false)) ?? []
            let reason = "not renamed in the store: each renamed feed starts afresh under its new name (its items are "
                + "still told apart by content), and its old name stays in the store as a removed feed"
            var metadata: Logger.Metadata = ["error": "\(error)", "reason": "\(reason)"]
            if !planned.isEmpty {
                metadata["feed"] = "\(planned.map(\.to).joined(separator: ","))"
                metadata["from"] = "\(planned.map(\.from).joined(separator: ","))"
            }
            logger.warning("feed_renamed", metadata: metadata)
            return []
        }
    }
}
