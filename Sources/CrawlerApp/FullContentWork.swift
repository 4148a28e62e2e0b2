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
/// when it has no date to tell), the feed's own body is stored instead. Pages not back by the
/// feed's deadline (`SetAsideDeadline`) fail the same way.
struct FullContentWork {
    struct Entry {
        var prepared: FeedProcessor.Prepared
        var processor: FeedProcessor
        var source: FeedReader.Source
        var fetcher: ArticleFetch
        /// Items whose pages are not back yet, and items to leave out for a later fetch.
        var pending: Set<Int> = []
        var retried: Set<Int> = []
        /// The pages read, by item: a document rendered again (its images kept) keeps its page.
        var articles: [Int: ArticleBody] = [:]
        /// Short hashes of the feed's documents the store held when the feed was set aside.
        var stored: Set<String> = []
        /// When its pages still out are given up on.
        var deadline = ContinuousClock.now
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
                          fetcher: ArticleFetch(feed: processor.feed, config: config), stored: stored,
                          deadline: SetAsideDeadline.from(now: .now, config: config))
        let id = nextID
        var requests: [FetchRequest] = []
        for (index, document) in prepared.documents.enumerated() where !stored.contains(document.shortHash) {
            guard let link = source.items[index].link, URLAuthority.isWeb(link) else { continue }
            requests.append(entry.fetcher.request(key: "\(Self.prefix)\(id)/\(index)", link: link))
            entry.pending.insert(index)
        }
        guard !requests.isEmpty else { return ([], entry) }
        nextID += 1
        entries[id] = entry
        return (requests, nil)
    }

    /// A page read (and its item rendered with the article) off the flow's task: a page may be
    /// tens of megabytes, and reading it must not stop the flow's other feeds.
    struct Page: Sendable {
        var id: Int
        var index: Int
        var url: String
        var outcome: Outcome

        enum Outcome: Sendable {
            /// `reduced`: the page's body was too costly to parse as HTML and is stored as its text.
            case document(Document, ArticleBody, reduced: Bool)
            case failed(String)
            /// Its host held it back: the item waits for the next fetch, however old.
            case notAsked(String)
        }
    }

    /// The work of reading one page's result, for the concurrency pool; nil when no feed waits
    /// for it (its feed was abandoned).
    func reading(_ result: FetchResult) -> (@Sendable () -> Page)? {
        let key = result.request.feed.dropFirst(Self.prefix.count)
        guard let slash = key.firstIndex(of: "/"), let id = Int(key[..<slash]),
              let index = Int(key[key.index(after: slash)...]), let entry = entries[id],
              entry.source.items.indices.contains(index) else { return nil }
        let fetcher = entry.fetcher, item = entry.source.items[index], source = entry.source
        let rules = entry.processor.feed.rules
        return {
            switch fetcher.read(result) {
            case .article(let article):
                let rendered = source.renderer.rendering(item, firstSeen: source.firstSeen,
                                                         rewrites: ItemRuleSet(rules).rewrites, article: article)
                return Page(id: id, index: index, url: result.request.url,
                            outcome: .document(rendered.document, article, reduced: rendered.bodyReducedToText))
            case .failed(let reason):
                return Page(id: id, index: index, url: result.request.url, outcome: .failed(reason))
            case .notAsked(let reason):
                return Page(id: id, index: index, url: result.request.url, outcome: .notAsked(reason))
            }
        }
    }

    /// One page read into its item's document; returns its feed's entry once that was the
    /// feed's last page (its items to retry still in it: see `finished`).
    mutating func accept(_ page: Page, logger: Logger, now: Timestamp) -> Entry? {
        guard var entry = entries[page.id] else { return nil }
        guard entry.pending.remove(page.index) != nil else { return nil }
        apply(page, to: &entry, logger: logger, now: now)
        guard entry.pending.isEmpty else {
            entries[page.id] = entry
            return nil
        }
        entries[page.id] = nil
        return entry
    }

    /// Shut down with pages outstanding: these feeds are neither stored nor reported, like a
    /// transfer cut by shutdown.
    mutating func abandon() -> [Entry] {
        defer { entries = [:] }
        return Array(entries.values)
    }

    /// Feeds a reload removed or changed: their entries go, and the start of their pages' keys is
    /// returned, so the pages still out are withdrawn (waiting for a slot or under way).
    mutating func abandon(feeds: Set<String>) -> (feeds: Set<String>, keyPrefixes: [String]) {
        let ids = entries.filter { feeds.contains($0.value.processor.feed.name) }.map(\.key)
        let names = Set(ids.compactMap { entries.removeValue(forKey: $0)?.processor.feed.name })
        return (names, ids.map { "\(Self.prefix)\($0)/" })
    }

    /// Entries past their deadline, each page still out failed as a page that failed for now, and
    /// the start of their pages' keys, so the pages still waiting for a slot are withdrawn.
    mutating func overdue(at instant: ContinuousClock.Instant, patience: Duration, logger: Logger,
                          now: Timestamp) -> (entries: [Entry], keyPrefixes: [String]) {
        let ids = entries.filter { $0.value.deadline <= instant }.map(\.key).sorted()
        var late: [Entry] = []
        for id in ids {
            guard var entry = entries.removeValue(forKey: id) else { continue }
            logger.warning("articles_overdue", metadata: [
                "feed": "\(entry.processor.feed.name)", "waiting": "\(entry.pending.count)",
                "error": "\(SetAsideDeadline.reason(patience, what: "its items' pages"))",
            ])
            for index in entry.pending.sorted() {
                let url = entry.source.items[index].link ?? ""
                let page = Page(id: id, index: index, url: url, outcome: .failed(SetAsideDeadline.reason(patience, what: "the page")))
                apply(page, to: &entry, logger: logger, now: now)
            }
            entry.pending = []
            late.append(entry)
        }
        return (late, ids.map { "\(Self.prefix)\($0)/" })
    }

    private func apply(_ page: Page, to entry: inout Entry, logger: Logger, now: Timestamp) {
        let item = entry.source.items[page.index]
        switch page.outcome {
        case .document(let document, let article, let reduced):
            if reduced {
                logger.warning("body_reduced_to_text", metadata: [
                    "feed": "\(entry.processor.feed.name)", "count": "1", "item": "\(item.identity)", "url": "\(page.url)",
                    "reason": "\(Pipeline.reducedReason)",
                ])
            }
            entry.articles[page.index] = article
            entry.prepared.documents[page.index] = document
        case .failed(let reason):
            leave(item, at: page, reason: reason, kept: Self.kept(item, pageFailedAt: now), in: &entry, logger: logger)
        case .notAsked(let reason):
            leave(item, at: page, reason: reason, kept: .retryLater, in: &entry, logger: logger)
        }
    }

    /// An item without its page: said, and left out for a later fetch unless it keeps the feed's body.
    private func leave(_ item: Item, at page: Page, reason: String, kept: Kept, in entry: inout Entry, logger: Logger) {
        logger.warning("article_failed", metadata: [
            "feed": "\(entry.processor.feed.name)", "item": "\(item.identity)", "url": "\(page.url)",
            "error": "\(reason)", "kept": "\(kept.rawValue)",
        ])
        if kept != .feedBody { entry.retried.insert(page.index) }
    }

    /// What becomes of an item whose page failed: a fresh one waits for it (asked for again at each
    /// fetch) until it is a day old; a feed body of nothing (an item of only a link) is no post and
    /// waits for it however old; any other keeps the feed's body. `crawler preview` says the same.
    enum Kept: String, Sendable {
        case retryLater = "retry_later"
        case nothingUntilThePageIsRead = "nothing_until_the_page_is_read"
        case feedBody = "feed_body"
    }

    static func kept(_ item: Item, pageFailedAt now: Timestamp) -> Kept {
        let dated = item.published ?? item.updated
        if let dated, now.secondsSince1970 - dated.secondsSince1970 < retryWindow { return .retryLater }
        return BlankItem.isBlank(item, pageWillFill: false) ? .nothingUntilThePageIsRead : .feedBody
    }

    /// Items whose page is to be retried are left out, unseen; without the validators the next
    /// fetch reads the feed again.
    static func finished(_ entry: Entry) -> Entry {
        guard !entry.retried.isEmpty else { return entry }
        var entry = entry
        entry.prepared.report.waiting = entry.retried.count
        entry.prepared.documents = entry.prepared.documents.enumerated()
            .filter { !entry.retried.contains($0.offset) }.map(\.element)
        entry.prepared.response = nil
        return entry
    }
}
