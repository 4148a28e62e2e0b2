internal import FeedModel
internal import Convert
internal import Store
internal import Logging

/// `images: local`: feeds whose new documents wait for their images. Each distinct image of a
/// feed's documents not stored yet (the `<img src>` of the body, after sanitizing, and the
/// header image) is fetched through the flow's fetch session (see `ImageFetch`), unless the
/// store already keeps a copy for its URL. Once the feed's last image is back, the images are
/// stored (`DocumentStore.keep`) and then the documents, pointing at them.
///
/// Failures: an image refused for good (too large, not an image, a refused address, 404) leaves
/// its post with the remote URL, logged. One that failed for now (a network or server error,
/// every Referer refused) leaves its item out, unseen, with the feed's validators unsaved, as
/// an article page does: the feed's next fetch tries again; once the item is a day old (or has
/// no date to tell) it is stored with the remote URL. Nothing is ever rewritten in place later,
/// so a crash can only cost an image fetched twice. Images not back by the feed's deadline
/// (`SetAsideDeadline`) fail for now.
struct ImageWork {
    struct Job {
        var entry: FullContentWork.Entry
        let fetcher: ImageFetch
        /// Distinct image URLs, numbered by their place here in the requests' keys.
        var urls: [String] = []
        /// Each URL's article, the Referer of the last attempt.
        var articles: [String: String] = [:]
        /// Each document's image URLs, by its index.
        var uses: [Int: [String]] = [:]
        var fetched: [String: DocumentStore.NewAsset] = [:]
        /// URLs the store keeps a copy of already → its asset name.
        var kept: [String: String] = [:]
        var refused: [String: String] = [:]
        var failed: [String: String] = [:]
        var pending = 0
        /// When its images still out are given up on.
        var deadline: ContinuousClock.Instant
        /// Documents with more images than `perDocument`, and how many stayed remote.
        var capped: [Int: Int] = [:]

        var fetchedBytes: Int { fetched.values.reduce(0) { $0 + $1.bytes.count } }
    }

    private var jobs: [Int: Job] = [:]
    private var nextID = 0
    /// Bytes of fetched images waiting, across jobs, for their feed's last image; at most `limit`
    /// (`max_backlog_bytes`): past it, an image fails for now and its post waits for the feed's
    /// next fetch, which finds the images kept this time and fetches the next ones.
    private var heldBytes = 0
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    var isEmpty: Bool { jobs.isEmpty }

    /// Feed names never start with a control character: an image's key cannot be a feed's.
    private static let prefix = "\u{1}image/"

    /// Images kept of one document, at most: an item is someone else's text, and 3,000 `<img>`
    /// in one were 3,000 requests to whatever host it named. The rest stay remote.
    static let perDocument = 64

    static func isImage(_ result: FetchResult) -> Bool {
        result.request.feed.hasPrefix(prefix)
    }

    /// Sets a feed aside until its documents' images are back; `kept` tells which URLs the store
    /// has a copy of already. Returns the requests, or the job itself when it needs none.
    mutating func add(_ entry: FullContentWork.Entry, deadline: ContinuousClock.Instant,
                      kept: ([String]) -> [String: String]) -> (requests: [FetchRequest], ready: Job?) {
        var job = Job(entry: entry, fetcher: ImageFetch(feed: entry.processor.feed), deadline: deadline)
        let rules = ItemRuleSet(entry.processor.feed.rules)
        for index in Self.documentsToKeep(entry) {
            let item = entry.source.items[index]
            let fields = entry.source.renderer.fields(for: item, firstSeen: entry.source.firstSeen,
                                                      rewrites: rules.rewrites, article: entry.articles[index])
            var urls = ImageReferences.sources(in: fields.body)
            // The header image first: it heads the post, and stays among the ones kept (wherever the
            // sanitizer put it in the body).
            if let image = fields.image {
                urls.removeAll { $0 == image }
                urls.insert(image, at: 0)
            }
            if urls.count > Self.perDocument {
                job.capped[index] = urls.count - Self.perDocument
                urls = Array(urls.prefix(Self.perDocument))
            }
            guard !urls.isEmpty else { continue }
            job.uses[index] = urls
            for url in urls where job.articles[url] == nil {
                job.articles[url] = entry.articles[index]?.url ?? item.link
                job.urls.append(url)
            }
        }
        job.kept = kept(job.urls)
        let id = nextID
        var requests: [FetchRequest] = []
        for (number, url) in job.urls.enumerated() where job.kept[url] == nil {
            requests.append(job.fetcher.request(key: "\(Self.prefix)\(id)/\(number)/0", url: url, attempt: .noReferer,
                                                article: job.articles[url]))
        }
        job.pending = requests.count
        guard !requests.isEmpty else { return ([], job) }
        nextID += 1
        jobs[id] = job
        return (requests, nil)
    }

    /// One image's answer: the request for its next Referer, or its job once that was its last image.
    mutating func accept(_ result: FetchResult) -> (requests: [FetchRequest], done: Job?) {
        let parts = result.request.feed.dropFirst(Self.prefix.count).split(separator: "/").compactMap { Int($0) }
        guard parts.count == 3, var job = jobs[parts[0]], job.urls.indices.contains(parts[1]),
              let attempt = ImageFetch.Attempt(rawValue: parts[2]) else { return ([], nil) }
        let url = job.urls[parts[1]]
        switch job.fetcher.read(result, attempt: attempt) {
        case .image(let bytes, _) where heldBytes + bytes.count > limit:
            job.failed[url] = "images waiting to be stored reached max_backlog_bytes (\(limit) bytes); "
                + "the next fetch of the feed takes it"
        case .image(let bytes, let fileExtension):
            heldBytes += bytes.count
            job.fetched[url] = DocumentStore.NewAsset(bytes: bytes, fileExtension: fileExtension)
        case .tryNextReferer:
            if let next = ImageFetch.Attempt(rawValue: attempt.rawValue + 1) {
                jobs[parts[0]] = job
                let key = "\(Self.prefix)\(parts[0])/\(parts[1])/\(next.rawValue)"
                return ([job.fetcher.request(key: key, url: url, attempt: next, article: job.articles[url])], nil)
            }
            job.failed[url] = "refused whatever the Referer"
        case .refused(let reason):
            job.refused[url] = reason
        case .failed(let reason):
            job.failed[url] = reason
        }
        job.pending -= 1
        guard job.pending == 0 else {
            jobs[parts[0]] = job
            return ([], nil)
        }
        jobs[parts[0]] = nil
        heldBytes -= job.fetchedBytes
        return ([], job)
    }

    /// Jobs past their deadline, each image still out failed for now, and the start of their
    /// images' keys, so the images still waiting for a slot are withdrawn.
    mutating func overdue(at instant: ContinuousClock.Instant, patience: Duration, logger: Logger) -> (jobs: [Job], keyPrefixes: [String]) {
        let ids = jobs.filter { $0.value.deadline <= instant }.map(\.key).sorted()
        var late: [Job] = []
        for id in ids {
            guard var job = jobs.removeValue(forKey: id) else { continue }
            let out = job.urls.filter {
                job.kept[$0] == nil && job.fetched[$0] == nil && job.refused[$0] == nil && job.failed[$0] == nil
            }
            logger.warning("images_overdue", metadata: [
                "feed": "\(job.entry.processor.feed.name)", "waiting": "\(out.count)",
                "error": "\(SetAsideDeadline.reason(patience, what: "its posts' images"))",
            ])
            for url in out { job.failed[url] = SetAsideDeadline.reason(patience, what: "the image") }
            job.pending = 0
            heldBytes -= job.fetchedBytes
            late.append(job)
        }
        return (late, ids.map { "\(Self.prefix)\($0)/" })
    }

    /// Shut down with images outstanding: these feeds are neither stored nor reported.
    mutating func abandon() -> [Job] {
        defer {
            jobs = [:]
            heldBytes = 0
        }
        return Array(jobs.values)
    }

    /// Feeds a reload removed or changed: their jobs go (with the bytes of their images), and the
    /// start of their images' keys is returned, so the images still waiting for a slot are withdrawn.
    mutating func abandon(feeds: Set<String>) -> (feeds: Set<String>, keyPrefixes: [String]) {
        let ids = jobs.filter { feeds.contains($0.value.entry.processor.feed.name) }.map(\.key)
        var names: Set<String> = []
        for id in ids {
            guard let job = jobs.removeValue(forKey: id) else { continue }
            heldBytes -= job.fetchedBytes
            names.insert(job.entry.processor.feed.name)
        }
        return (names, ids.map { "\(Self.prefix)\($0)/" })
    }

    /// What a finished job stores: the images its kept documents use, the rows naming them, and
    /// the entry with those documents pointing at `assetsURL` + their names.
    struct Finished {
        var entry: FullContentWork.Entry
        var assets: [DocumentStore.NewAsset] = []
        var references: [DocumentStore.AssetReference] = []
    }

    static func finish(_ job: Job, assetsURL: String, logger: Logger, now: Timestamp) -> Finished {
        var finished = Finished(entry: job.entry)
        let feed = job.entry.processor.feed
        let rules = ItemRuleSet(feed.rules)
        for (index, urls) in job.uses.sorted(by: { $0.key < $1.key }) {
            let item = job.entry.source.items[index]
            let document = job.entry.prepared.documents[index]
            if let remote = job.capped[index] {
                logger.info("images_capped", metadata: [
                    "feed": "\(feed.name)", "item": "\(document.itemIdentity)", "kept": "\(perDocument)",
                    "remote": "\(remote)",
                ])
            }
            for url in urls {
                guard let reason = job.refused[url] ?? job.failed[url] else { continue }
                logger.warning(job.refused[url] != nil ? "image_refused" : "image_failed", metadata: [
                    "feed": "\(feed.name)", "item": "\(document.itemIdentity)", "url": "\(url)", "error": "\(reason)",
                ])
            }
            if urls.contains(where: { job.failed[$0] != nil }), Self.retries(item, now: now) {
                logger.info("images_retry_later", metadata: ["feed": "\(feed.name)", "item": "\(document.itemIdentity)"])
                finished.entry.retried.insert(index)
                continue
            }
            var map: [String: String] = [:]
            for url in urls {
                if let asset = job.fetched[url] {
                    map[url] = asset.name
                    finished.assets.append(asset)
                } else if let name = job.kept[url] {
                    map[url] = name
                }
            }
            guard !map.isEmpty else { continue }
            finished.references += map.map {
                DocumentStore.AssetReference(feed: document.feed, item: document.itemIdentity, url: $0.key, asset: $0.value)
            }
            let rendered = job.entry.source.renderer.render(
                item, firstSeen: job.entry.source.firstSeen, rewrites: rules.rewrites,
                article: job.entry.articles[index], images: map.mapValues { assetsURL + $0 })
            finished.entry.prepared.documents[index].text = rendered.text
        }
        return finished
    }

    /// Documents not stored yet and not already left out for their page.
    private static func documentsToKeep(_ entry: FullContentWork.Entry) -> [Int] {
        entry.prepared.documents.indices.filter { index in
            !entry.retried.contains(index) && !entry.stored.contains(entry.prepared.documents[index].shortHash)
        }
    }

    private static func retries(_ item: Item, now: Timestamp) -> Bool {
        let dated = item.published ?? item.updated
        return dated.map { now.secondsSince1970 - $0.secondsSince1970 < FullContentWork.retryWindow } ?? false
    }
}
