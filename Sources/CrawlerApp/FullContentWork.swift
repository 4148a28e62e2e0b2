internal import FeedModel
internal import Fetch
internal import Convert
internal import Store
internal import Logging
internal import Synchronization

/// The pass's `full_content: true` feeds, set aside once read: their new items' pages are fetched
/// after every feed's own transfer has finished, so article requests (one per new item, 50 for a
/// busy feed) never hold a feed up; they still wait their turn at each host like any request.
/// A page that fails leaves its item out of this pass, unseen, with the feed's validators unsaved,
/// so a later pass fetches the feed and tries the page again; once the item is a day old (or
/// when it has no date to tell), the feed's own body is stored instead.
struct FullContentWork {
    struct Entry {
        var prepared: FeedProcessor.Prepared
        var processor: FeedProcessor
        var source: FeedReader.Source
    }

    private(set) var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }

    /// How long an item's page is retried before the feed's body is stored in its place.
    static let retryWindow: Int64 = 86_400

    mutating func add(_ prepared: FeedProcessor.Prepared, processor: FeedProcessor, source: FeedReader.Source) {
        entries.append(Entry(prepared: prepared, processor: processor, source: source))
    }

    /// Fetches and extracts the new items' pages and renders their documents again; the store
    /// must have no batch in flight (its lookups run on this thread). `heartbeat` is called every
    /// 100 ms while the pages are fetched, as while a feed is parsed (a daemon's watchdog).
    func complete(store: any CrawlStore, config: CrawlerConfig, logger: Logger, now: Timestamp,
                  isCancelled: @escaping @Sendable () -> Bool, heartbeat: () -> Void) async -> [Entry] {
        var entries = self.entries
        var requests: [FetchRequest] = []
        var readers: [String: ArticleFetch] = [:]
        for (entryIndex, entry) in entries.enumerated() {
            let documents = entry.prepared.documents
            let stored = (try? store.storedHashes(among: documents.map(\.shortHash))) ?? []
            let fetcher = ArticleFetch(feed: entry.processor.feed, config: config)
            for (index, document) in documents.enumerated() where !stored.contains(document.shortHash) {
                guard let link = entry.source.items[index].link, URLAuthority.isWeb(link) else { continue }
                let key = "\(entryIndex)/\(index)"
                requests.append(fetcher.request(key: key, link: link))
                readers[key] = fetcher
            }
        }
        guard !requests.isEmpty else { return entries }
        let results = await Self.fetch(requests, config: config, isCancelled: isCancelled, heartbeat: heartbeat)
        var failed: [Int: Set<Int>] = [:]
        for result in results {
            let key = result.request.feed
            guard let reader = readers[key], let slash = key.firstIndex(of: "/"),
                  let entryIndex = Int(key[..<slash]), let index = Int(key[key.index(after: slash)...]) else { continue }
            if case .failure(let failure) = result.outcome, failure.kind == .cancelled { continue }
            let entry = entries[entryIndex]
            let item = entry.source.items[index]
            switch reader.read(result) {
            case .article(let article):
                let rules = ItemRuleSet(entry.processor.feed.rules)
                entries[entryIndex].prepared.documents[index] = entry.source.renderer.render(
                    item, firstSeen: entry.source.firstSeen, rewrites: rules.rewrites, article: article)
            case .failed(let reason):
                let age = now.secondsSince1970 - (item.published ?? item.updated ?? now).secondsSince1970
                let retries = (item.published ?? item.updated) != nil && age < Self.retryWindow
                logger.warning("article_failed", metadata: [
                    "feed": "\(entry.processor.feed.name)", "item": "\(item.identity)", "url": "\(result.request.url)",
                    "error": "\(reason)", "kept": "\(retries ? "retry_later" : "feed_body")",
                ])
                if retries { failed[entryIndex, default: []].insert(index) }
            }
        }
        for (entryIndex, indices) in failed {
            // Left out unseen; without the validators the next fetch reads the feed again.
            entries[entryIndex].prepared.documents = entries[entryIndex].prepared.documents.enumerated()
                .filter { !indices.contains($0.offset) }.map(\.element)
            entries[entryIndex].prepared.response = nil
        }
        return entries
    }

    private static func fetch(_ requests: [FetchRequest], config: CrawlerConfig,
                              isCancelled: @escaping @Sendable () -> Bool, heartbeat: () -> Void) async -> [FetchResult] {
        let engine = FetchEngine(settings: FetchSettings(config))
        let done = FinishedFlag()
        let fetching = Task {
            var results: [FetchResult] = []
            for await result in engine.fetch(requests, isCancelled: isCancelled) { results.append(result) }
            done.set()
            return results
        }
        while !done.isSet {
            heartbeat()
            try? await Task.sleep(for: .milliseconds(100))
        }
        return await fetching.value
    }
}

/// Set once the pages' transfers are all done.
private final class FinishedFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .releasing) }
    var isSet: Bool { flag.load(ordering: .acquiring) }
}
