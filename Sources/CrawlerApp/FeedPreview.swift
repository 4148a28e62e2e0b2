public import FeedModel
internal import Fetch
internal import Parse
internal import Convert

/// `crawler preview FEED`: one fetch of a feed taken through the same rules, extraction and
/// conversion as a crawl, with nothing stored and no state saved. Says what would be stored and
/// what the rules drop, and why.
public struct FeedPreview: Sendable {
    public let feed: FeedConfig
    public let config: CrawlerConfig

    public init(feed: FeedConfig, config: CrawlerConfig) {
        self.feed = feed
        self.config = config
    }

    public struct Entry: Sendable {
        public var title: String
        public var link: String?
        /// The document as it would be written; nil when the rules drop the item.
        public var document: Document?
        /// Why the rules drop it (or why it is no post: `isBlank`).
        public var dropped: String?
        /// Nothing to show: no title, text, image, video, audio or enclosure.
        public var isBlank = false
        static let blankReason = "no title, text, image, video, audio or enclosure: nothing to post, not stored (items_blank)"
        /// `full_content`: why the page could not be used (the feed's body stands in).
        public var articleProblem: String?
        /// A crawl would leave the item out for now and ask for its page again (`document` is nil).
        public var waitsForPage: WaitForPage?

        public enum WaitForPage: Sendable {
            /// Until the item is a day old; then the feed's body is stored.
            case untilADayOld
            /// However long: the feed's body is nothing to store.
            case untilThePageIsRead
            /// Its page was not asked for (its host held it back): at the next fetch, however old.
            case nextFetch
        }
    }

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case fetch(String)
        case parse(String)

        public var description: String {
            switch self {
            case .fetch(let reason): return "fetch: \(reason)"
            case .parse(let reason): return "parse: \(reason)"
            }
        }
    }

    /// The first `limit` items of the feed, in its order.
    public func run(limit: Int, now: Timestamp) async throws(Failure) -> [Entry] {
        let access = NetworkAccess.operatorURL(feed.url, allowsPrivateNetworks: feed.allowPrivateNetworks)
        let request = FetchRequest(feed: feed.name, url: feed.url, verifyTLS: feed.verifyTLS, access: access,
                                   settings: feed.request)
        guard let result = await FetchEngine(settings: FetchSettings(config)).fetchAll([request]).first else {
            throw .fetch("no result")
        }
        let response: FetchResponse
        switch result.outcome {
        case .failure(let failure): throw .fetch(failure.message)
        case .response(let got): response = got
        }
        guard (200..<300).contains(response.status) else { throw .fetch("HTTP \(response.status)") }
        let parsed: Feed
        do {
            parsed = FeedReading.settled(try FeedParser.parse(response.body, url: URLUserInfo.removed(from: response.finalURL),
                                                              httpCharset: response.charset), now: now)
        } catch {
            throw .parse("\(error)")
        }
        let items = Array(parsed.items.prefix(limit))
        let rules = ItemRuleSet(feed.rules)
        var entries = items.map { item in
            Entry(title: item.title, link: item.link, document: nil, dropped: rules.drop(item)?.reason)
        }
        // As a crawl: an item with nothing to show is no post (`items_blank`).
        for (index, item) in items.enumerated()
        where entries[index].dropped == nil && BlankItem.isBlank(item, pageWillFill: feed.article.fullContent) {
            entries[index].dropped = Entry.blankReason
            entries[index].isBlank = true
        }
        var articles: [String: ArticleFetch.Outcome] = [:]
        if feed.article.fullContent {
            let links = items.indices.compactMap { index in
                entries[index].dropped == nil ? items[index].link.map { (key: "\(index)", url: $0) } : nil
            }
            articles = await ArticleFetch(feed: feed, config: config).fetch(links)
        }
        let renderer = DocumentRenderer(feed: feed, channelTitle: parsed.title, defaultImage: config.defaultImage,
                                        format: try format())
        for (index, item) in items.enumerated() where entries[index].dropped == nil {
            var article: ArticleBody?
            if feed.article.fullContent {
                switch articles["\(index)"] {
                case .article(let body): article = body
                case .failed(let reason):
                    entries[index].articleProblem = reason
                    // A fresh item with nothing of its own waits a day, then on: for its page either way.
                    switch FullContentWork.kept(item, pageFailedAt: now) {
                    case .retryLater where BlankItem.isBlank(item, pageWillFill: false), .nothingUntilThePageIsRead:
                        entries[index].waitsForPage = .untilThePageIsRead
                    case .retryLater: entries[index].waitsForPage = .untilADayOld
                    case .feedBody: break
                    }
                case .notAsked(let reason):
                    entries[index].articleProblem = reason
                    entries[index].waitsForPage = .nextFetch
                case nil: entries[index].articleProblem = "the item has no link"
                }
            }
            guard entries[index].waitsForPage == nil else { continue }
            entries[index].document = renderer.render(item, firstSeen: now, rewrites: rules.rewrites, article: article)
        }
        return entries
    }

    private func format() throws(Failure) -> OutputFormat {
        do {
            return try OutputFormat(config.output)
        } catch {
            throw .parse("output template: \(error)")
        }
    }
}
