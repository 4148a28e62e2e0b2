public import FeedModel
internal import Convert

/// The documents a parsed feed would be stored as, in the configured output profile, for
/// `crawler parse --render`. Nothing is stored, no dedupe is asked.
public enum DocumentPreview {
    /// `source` picks the feed's own settings (categories, author, image) when feeds.yaml lists
    /// it; other sources are rendered with a feed's defaults.
    public static func render(_ feed: Feed, source: String, config: CrawlerConfig,
                              now: Timestamp) throws -> (documents: [Document], blank: Int) {
        let format = try OutputFormat(config.output)
        let settings = (config.feeds + config.disabledFeeds).first { $0.url == source }
            ?? FeedConfig(name: "parse", url: source)
        let renderer = DocumentRenderer(feed: settings, channelTitle: feed.title, defaultImage: config.defaultImage,
                                        format: format)
        // As a crawl: an item with nothing to show is no post (`items_blank`).
        let shown = feed.items.filter { !BlankItem.isBlank($0, pageWillFill: settings.article.fullContent) }
        return (shown.map { renderer.render($0, firstSeen: now) }, feed.items.count - shown.count)
    }
}
