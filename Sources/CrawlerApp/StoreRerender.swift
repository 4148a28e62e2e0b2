public import FeedModel
public import Store
internal import Convert
internal import Dispatch

/// `crawler store rerender`: every document written again from its kept source values with the
/// current output profile, template, document_path and feed settings. Works through the store
/// in hash order, a batch at a time, each batch rewritten durably (`DocumentStore.rewrite`):
/// killed, it is simply run again; documents already as they should be are left alone.
public struct StoreRerender {
    public let config: CrawlerConfig
    public let store: DocumentStore
    public var feed: String?
    public var dryRun = false
    /// `--missing`: documents whose file is gone from the whole store (deleted, or lost with a
    /// backup of the posts put back) are written again at their place.
    public var restoresMissing = false
    static let batchSize = 500

    public init(config: CrawlerConfig, store: DocumentStore, feed: String? = nil, dryRun: Bool = false,
                restoresMissing: Bool = false) {
        self.config = config
        self.store = store
        self.feed = feed
        self.dryRun = dryRun
        self.restoresMissing = restoresMissing
    }

    public struct Report: Sendable {
        public var examined = 0
        public var rewritten = 0
        /// Of those rewritten, the documents that changed path.
        public var moved = 0
        public var unchanged = 0
        /// Documents stored before source values were kept: left as they are.
        public var withoutSource = 0
        /// Documents of feeds no longer in the configuration, by feed: left as they are.
        public var unknownFeeds: [String: Int] = [:]
        /// Files edited by hand, or of someone else's where a document moved to, kept beside it as
        /// `.NAME.edited`, relative to the store.
        public var keptAside: [String] = []
        /// Documents edited by hand, left as they are: the output settings are the ones they were
        /// written with, so nothing requires taking the edit away. Relative to the store.
        public var keptEdited: [String] = []
        /// `--dry-run` under changed output settings: the documents edited by hand that a run would
        /// set aside as `.NAME.edited`, writing the crawler's version in their place.
        public var wouldSetAside: [String] = []
        /// Documents not at their indexed path (deleted or moved by hand): left so, not written
        /// again, relative to the store.
        public var missing: [String] = []
        /// With `restoresMissing`: documents whose file was gone, written again (relative to the store).
        public var restored: [String] = []
        /// The new settings were not recorded as the store's: documents of feeds no longer
        /// configured, or stored before source values were kept, are still in the old ones.
        public var profileNotRecorded = false
    }

    public func run(progress: (Report) -> Void = { _ in }) throws -> Report {
        let format = try OutputFormat(config.output)
        if !dryRun, feed == nil { try store.markRerendering(StoreProfile.fingerprint(of: config)) }
        var feeds: [String: FeedConfig] = [:]
        for feed in config.feeds + config.disabledFeeds { feeds[feed.name] = feed }
        var report = Report()
        var after = ""
        // Under the `document_path:` the documents were placed with, a replaced one stays where its
        // first version was put; a new pattern places every document anew.
        let samePattern = (try store.recordedProfile()).map {
            StoreProfile.documentPath(in: $0) == config.documentPath
        } ?? true
        let replacedDocuments = try store.replacedDocuments()
        let keepsPlace = samePattern ? replacedDocuments : []
        // A store in other output settings must be rewritten whole, edits and all (each kept as
        // `.NAME.edited`); under the same settings an edit wins over the crawler's version.
        let outputChanges = try store.recordedProfile().map { $0 != StoreProfile.fingerprint(of: config) } ?? false
        let restorable = restoresMissing
            ? Set(try store.missing(among: store.indexedDocuments(), nothingDone: "nothing was rewritten").missing.map(\.shortHash))
            : []
        while true {
            let rows = try store.storedSources(feed: feed, after: after, limit: Self.batchSize)
            guard let last = rows.last else { break }
            after = last.document.shortHash
            var renderable: [(DocumentStore.StoredSource, SourceValues, FeedConfig)] = []
            for row in rows {
                report.examined += 1
                guard let source = row.source, let name = row.feed else {
                    report.withoutSource += 1
                    continue
                }
                guard let feedConfig = feeds[name] else {
                    report.unknownFeeds[name, default: 0] += 1
                    continue
                }
                renderable.append((row, source, feedConfig))
            }
            let images = try keptImages(renderable.map { ($0.0.document.shortHash, $0.2) })
            let rewrites = Self.render(renderable.map { ($0.0.document.shortHash, $0.0.document.path, $0.1, $0.2) },
                                       format: format, layout: store.layout, defaultImage: config.defaultImage,
                                       images: images, keepingPlaceOf: keepsPlace,
                                       published: Dictionary(renderable.filter { replacedDocuments.contains($0.0.document.shortHash) }
                                                                .map { ($0.0.document.shortHash, $0.0.document.date) },
                                                             uniquingKeysWith: { first, _ in first }))
            // A post the site owner deleted stays deleted, and one moved by hand is not written
            // again at its old place beside the moved copy (which `verify` reports as moved).
            var present: [DocumentStore.DocumentRewrite] = []
            var restoring: [DocumentStore.DocumentRewrite] = []
            for rewrite in rewrites {
                if store.hasFile(at: rewrite.oldPath) {
                    present.append(rewrite)
                } else if restorable.contains(rewrite.shortHash) {
                    restoring.append(rewrite)
                } else {
                    report.missing.append(rewrite.oldPath)
                }
            }
            if !dryRun { report.keptAside += try store.rewrite(restoring) }
            report.restored += restoring.map(\.path)
            let changing = store.changing(present)
            var writing: [DocumentStore.DocumentRewrite] = []
            for rewrite in changing {
                guard try store.isEditedByHand(rewrite) else { writing.append(rewrite); continue }
                if !outputChanges { report.keptEdited.append(rewrite.oldPath); continue }
                if dryRun { report.wouldSetAside.append(rewrite.oldPath) }
                writing.append(rewrite)
            }
            if !dryRun { report.keptAside += try store.rewrite(writing) }
            report.rewritten += writing.count
            report.moved += writing.filter { $0.path != $0.oldPath }.count
            report.unchanged += present.count - changing.count
            progress(report)
        }
        // Only a whole store rewritten is in the new profile: one with documents of a feed no longer
        // configured, or without the source values to write them anew, left in the old one stays
        // marked as half rewritten, and `once` refuses it.
        let profile = StoreProfile.fingerprint(of: config)
        let recorded = try store.recordedProfile()
        report.profileNotRecorded = (!report.unknownFeeds.isEmpty || report.withoutSource > 0)
            && recorded != nil && recorded != profile
        if !dryRun, feed == nil, !report.profileNotRecorded {
            try store.recordProfile(profile)
            try store.markRerendering(nil)
        }
        return report
    }

    /// `images: local`: the kept copies of each document's images (remote URL → their URL), read
    /// from the store, so the documents point at them again without fetching anything. Source
    /// values keep the remote URLs; an image never kept stays remote.
    private func keptImages(_ rows: [(short: String, feed: FeedConfig)]) throws -> [[String: String]] {
        try rows.map { row in
            guard row.feed.article.localImages else { return [:] }
            return try store.keptAssets(forDocument: row.short).mapValues { config.assetsURL + $0 }
        }
    }

    /// Renders a batch on every core: rendering (sanitizing above all) is most of a rerender's CPU.
    /// Each row: the document's short hash and path now, its source values and its feed's settings;
    /// `images`, by row, the kept copies of its images (none: the remote URLs stay).
    /// `published`: the dates replaced documents were published with (the index's), which they keep.
    static func render(_ rows: [(shortHash: String, path: String, source: SourceValues, feed: FeedConfig)],
                       format: OutputFormat, layout: DocumentLayout, defaultImage: String?,
                       images: [[String: String]] = [], keepingPlaceOf replaced: Set<String> = [],
                       published: [String: Timestamp] = [:]) -> [DocumentStore.DocumentRewrite] {
        let results = RenderedBatch(count: rows.count)
        DispatchQueue.concurrentPerform(iterations: rows.count) { index in
            let (shortHash, oldPath, source, feed) = rows[index]
            let renderer = DocumentRenderer(feed: feed, channelTitle: source.channelTitle, defaultImage: defaultImage,
                                            format: format)
            let kept = images.indices.contains(index) ? images[index] : [:]
            let document = renderer.render(source.item, firstSeen: source.firstSeen, images: kept)
            // A replaced document keeps the date it was published with, which its URL may be made
            // of (`FrontMatterDate`), in any output and layout: a new `document_path:` places it by
            // that date too.
            var (text, date) = (document.text, document.date)
            if let first = published[shortHash], let redated = FrontMatterDate.keeping(first, in: text, written: date) {
                (text, date) = (redated, first)
            }
            // And under the same `document_path:`, its first version's place: its URL never changes with its text.
            let placed = layout.relativePath(date: date, shortHash: shortHash)
            let path = placed != oldPath && replaced.contains(shortHash) && layout.holds(oldPath, shortHash: shortHash)
                ? oldPath : placed
            results.set(index, DocumentStore.DocumentRewrite(shortHash: shortHash, oldPath: oldPath,
                                                             path: path, text: text, date: date))
        }
        return results.values
    }
}

/// The slots of a batch rendered in parallel: each index is written once, by one iteration,
/// and read only after `concurrentPerform` returns. Unchecked for that reason alone; a buffer,
/// not an array property, so the writes are not exclusive accesses to one value.
private final class RenderedBatch: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<DocumentStore.DocumentRewrite?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func set(_ index: Int, _ value: DocumentStore.DocumentRewrite) {
        slots[index] = value
    }

    var values: [DocumentStore.DocumentRewrite] { slots.compactMap { $0 } }
}
