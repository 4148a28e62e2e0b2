internal import FeedModel
internal import Fetch
internal import Convert
internal import Store
internal import Logging
internal import Synchronization

/// The pass's `full_content: true` feeds, set aside once read: their new items' pages are fetched
/// after every feed's own transfer has finished, so article requests (one per new item, 50 for a
/// busy feed) never hold a feed up; they still wait their turn at each host like any request.
/// Each feed goes on to be stored as soon as its own pages are back.
/// A page that fails leaves its item out of this pass, unseen, with the feed's validators unsaved,
/// so a later pass fetches the feed and tries the page again; once the item is a day old (or
/// when it has no date to tell), the feed's own body is stored instead.
struct FullContentWork {
    struct Entry {
        var prepared: FeedProcessor.Prepared
        var processor: FeedProcessor
        var source: FeedReader.Source
        /// Pages not back yet, and items to leave out for a later pass.
        var pending = 0
        var retried: Set<Int> = []
    }

    private(set) var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }

    /// How long an item's page is retried before the feed's body is stored in its place.
    static let retryWindow: Int64 = 86_400

    mutating func add(_ prepared: FeedProcessor.Prepared, processor: FeedProcessor, source: FeedReader.Source) {
        entries.append(Entry(prepared: prepared, processor: processor, source: source))
    }

    /// Fetches and extracts the new items' pages, renders their documents again, and hands each
    /// feed to `ready` once its pages are back. The store must have no batch in flight when this
    /// starts (its lookups run on this thread). `tick` is called every 100 ms meanwhile (a
    /// daemon's watchdog, and reporting the feeds stored since).
    func complete(store: any CrawlStore, config: CrawlerConfig, logger: Logger, now: Timestamp,
                  isCancelled: @escaping @Sendable () -> Bool, tick: () async -> Void,
                  ready: (Entry) async -> Void) async {
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
                entries[entryIndex].pending += 1
            }
        }
        for entry in entries where entry.pending == 0 { await ready(entry) }
        guard !requests.isEmpty else { return }
        let inbox = ResultInbox()
        let engine = FetchEngine(settings: FetchSettings(config))
        let fetching = Task {
            for await result in engine.fetch(requests, isCancelled: isCancelled) { inbox.add(result) }
            inbox.finish()
        }
        defer { fetching.cancel() }
        while true {
            let finished = inbox.isFinished
            for result in inbox.take() {
                let key = result.request.feed
                guard let reader = readers[key], let slash = key.firstIndex(of: "/"),
                      let entryIndex = Int(key[..<slash]), let index = Int(key[key.index(after: slash)...]) else { continue }
                if case .failure(let failure) = result.outcome, failure.kind == .cancelled { continue }
                apply(reader.read(result), to: &entries[entryIndex], index: index, url: result.request.url,
                      logger: logger, now: now)
                entries[entryIndex].pending -= 1
                if entries[entryIndex].pending == 0 { await ready(Self.finished(entries[entryIndex])) }
            }
            if finished { return }
            await tick()
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    private func apply(_ outcome: ArticleFetch.Outcome, to entry: inout Entry, index: Int, url: String,
                       logger: Logger, now: Timestamp) {
        let item = entry.source.items[index]
        switch outcome {
        case .article(let article):
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
    private static func finished(_ entry: Entry) -> Entry {
        guard !entry.retried.isEmpty else { return entry }
        var entry = entry
        entry.prepared.documents = entry.prepared.documents.enumerated()
            .filter { !entry.retried.contains($0.offset) }.map(\.element)
        entry.prepared.response = nil
        return entry
    }
}

/// Results handed over from the task that reads the engine's stream.
private final class ResultInbox: Sendable {
    private let results = Mutex<[FetchResult]>([])
    private let done = Atomic<Bool>(false)

    func add(_ result: FetchResult) { results.withLock { $0.append(result) } }
    func finish() { done.store(true, ordering: .releasing) }
    /// Read before `take`, so that a result added just before the end is not missed.
    var isFinished: Bool { done.load(ordering: .acquiring) }

    func take() -> [FetchResult] {
        results.withLock { taken in
            defer { taken = [] }
            return taken
        }
    }
}
