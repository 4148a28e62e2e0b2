internal import FeedModel
internal import Fetch
internal import Convert
internal import Logging

/// The `full_content: true` feeds the flow has read and set aside until their new items' pages
/// are back. The pages go through the flow's own fetch session (its connections, its politeness
/// per host, its private-address rules), keyed so their results are told from feeds'; each feed
/// goes on to be stored as soon as its own pages are back, while other feeds keep moving.
/// A page that fails leaves its item out, unseen, with the feed's validators unsaved, so the
/// feed's next fetch reads it again and tries the page again; once the item is a day old (or
/// when it has no date to tell), the feed's own body is stored instead.
struct FullContentWork {
    struct Entry {
        var prepared: FeedProcessor.Prepared
        var processor: FeedProcessor
        var source: FeedReader.Source
        var fetcher: ArticleFetch
        /// Pages not back yet, and items to leave out for a later fetch.
        var pending = 0
        var retried: Set<Int> = []
        /// The pages read, by item: a document rendered again (its images kept) keeps its page.
        var articles: [Int: ArticleBody] = [:]
        /// Short hashes of the feed's documents the store held when the feed was set aside.
        var stored: Set<String> = []
    }

    private var entries: [Int: Entry] = [:]
    private var nextID = 0

    var isEmpty: Bool { entries.isEmpty }

    /// How long an item's page is retried before the feed's body is stored in its place.
    static let retryWindow: Int64 = 86_400

    /// Feed names never start with a control character: a page's key cannot be a feed's.
    private static let prefix = "\u{1}article/"

    static func isPage(_ result: FetchResult) -> Bool {
        result.request.feed.hasPrefix(prefix)
    }

    /// Sets a feed aside until the pages of its documents not `stored` yet are back. Returns the
    /// requests for those pages, or the entry itself when it needs none.
    mutating func add(_ prepared: FeedProcessor.Prepared, processor: FeedProcessor, source: FeedReader.Source,
                      stored: Set<String>, config: CrawlerConfig) -> (requests: [FetchRequest], ready: Entry?) {
        var entry = Entry(prepared: prepared, processor: processor, source: source,
                          fetcher: ArticleFetch(feed: processor.feed, config: config), stored: stored)
        let id = nextID
        var requests: [FetchRequest] = []
        for (index, document) in prepared.documents.enumerated() where !stored.contains(document.shortHash) {
            guard let link = source.items[index].link, URLAuthority.isWeb(link) else { continue }
            requests.append(entry.fetcher.request(key: "\(Self.prefix)\(id)/\(index)", link: link))
            entry.pending += 1
        }
        guard !requests.isEmpty else { return ([], entry) }
        nextID += 1
        entries[id] = entry
        return (requests, nil)
    }

    /// One page's result, read into its item's document; returns its feed's entry once that was
    /// the feed's last page (its items to retry still in it: see `finished`).
    mutating func accept(_ result: FetchResult, logger: Logger, now: Timestamp) -> Entry? {
        let key = result.request.feed.dropFirst(Self.prefix.count)
        guard let slash = key.firstIndex(of: "/"), let id = Int(key[..<slash]),
              let index = Int(key[key.index(after: slash)...]), var entry = entries[id] else { return nil }
        apply(entry.fetcher.read(result), to: &entry, index: index, url: result.request.url, logger: logger, now: now)
        entry.pending -= 1
        guard entry.pending == 0 else {
            entries[id] = entry
            return nil
        }
        entries[id] = nil
        return entry
    }

    /// Shut down with pages outstanding: these feeds are neither stored nor reported, like a
    /// transfer cut by shutdown.
    mutating func abandon() -> [Entry] {
        defer { entries = [:] }
        return Array(entries.values)
    }

    private func apply(_ outcome: ArticleFetch.Outcome, to entry: inout Entry, index: Int, url: String,
                       logger: Logger, now: Timestamp) {
        let item = entry.source.items[index]
        switch outcome {
        case .article(let article):
            entry.articles[index] = article
            let rules = ItemRuleSet(entry.processor.feed.rules)
            entry.prepared.documents[index] = entry.source.renderer.render(
                item, firstSeen: entry.source.firstSeen, rewrites: rules.rewrites, article: article)
        case .failed(let reason):
            let dated = item.published ?? item.updated
            let retries = dated.map { now.secondsSince1970 - $0.secondsSince1970 < Self.retryWindow } ?? false
            logger.warning("article_failed", metadata: [
                "feed": "\(entry.processor.feed.name)", "item": "\(item.identity)", "url": "\(url)",
                "error": "\(reason)", "kept": "\(retries ? "retry_later" : "feed_body")",
            ])
            if retries { entry.retried.insert(index) }
        }
    }

    /// Items whose page is to be retried are left out, unseen; without the validators the next
    /// fetch reads the feed again.
    static func finished(_ entry: Entry) -> Entry {
        guard !entry.retried.isEmpty else { return entry }
        var entry = entry
        entry.prepared.documents = entry.prepared.documents.enumerated()
            .filter { !entry.retried.contains($0.offset) }.map(\.element)
        entry.prepared.response = nil
        return entry
    }
}
