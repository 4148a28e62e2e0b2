internal import FeedModel
internal import Store

/// Feeds read in one pass wait here so their documents are stored together: one durable batch
/// (two syncfs and one index commit) for many feeds instead of one per feed, then their states
/// in one transaction.
struct StoreBatch {
    /// Flush once this many documents, or this many feeds, are waiting. Index commits cost by the
    /// pages they touch, and random hashes touch pages everywhere, so fewer, larger commits write less.
    static let documentLimit = 2000
    static let feedsWithDocumentsLimit = 32
    /// Feeds with nothing to store (a 304, an unchanged body, an error) cost only their state's
    /// row, so they count against a higher limit: 5,000 304s took 156 transactions at 32 each.
    static let feedLimit = 512
    /// ...or once the oldest has waited this long: a daemon's fetch is durable within about two
    /// seconds (this, plus the store's own time), however few feeds come with it.
    static let waitLimitMilliseconds: Int64 = 1000

    private var waiting: [(processor: FeedProcessor, prepared: FeedProcessor.Prepared)] = []
    private var documentCount = 0
    private var feedsWithDocuments = 0
    private var oldest: Int64?
    private var staged: Result<StagedDocuments, StoreError>?
    private var budgetsApplied = false

    var isEmpty: Bool { waiting.isEmpty }
    var hasDocuments: Bool { documentCount > 0 }

    var isFull: Bool {
        documentCount >= Self.documentLimit || feedsWithDocuments >= Self.feedsWithDocumentsLimit
            || waiting.count >= Self.feedLimit
            || oldest.map { WallClock.milliseconds() - $0 >= Self.waitLimitMilliseconds } ?? false
    }

    mutating func add(_ prepared: FeedProcessor.Prepared, processor: FeedProcessor) {
        // Room for a full batch at once: a waiting feed is a kilobyte, and growing the list
        // step by step to 512 of them copied it nine times over.
        if waiting.isEmpty { waiting.reserveCapacity(Self.feedLimit) }
        waiting.append((processor, prepared))
        documentCount += prepared.documents.count
        if !prepared.documents.isEmpty { feedsWithDocuments += 1 }
        if oldest == nil { oldest = WallClock.milliseconds() }
    }

    /// Readies the waiting documents for `flush` (see `CrawlStore.stage`); a failure is kept
    /// for `flush` to report against every feed of the batch.
    mutating func stage(in store: any CrawlStore) {
        do {
            try applyDailyBudgets(in: store)
        } catch {
            staged = .failure(error)
            return
        }
        let documents = waiting.flatMap(\.prepared.documents)
        guard !documents.isEmpty else { return }
        staged = Result { () throws(StoreError) in try store.stage(documents) }
    }

    /// Holds back, feed by feed, the new documents past its `max_documents_per_day`: the newest are
    /// kept, by date (in document order among equal dates), whatever order the feed lists them in.
    /// They are neither stored nor marked seen, and the feed keeps no validators
    /// (`FeedProcessor.complete`), so a later fetch offers them again, on a later day.
    /// The store is asked which documents it has only for a feed that could pass its budget.
    private mutating func applyDailyBudgets(in store: any CrawlStore) throws(StoreError) {
        guard !budgetsApplied else { return }
        budgetsApplied = true
        for index in waiting.indices {
            let (processor, prepared) = waiting[index]
            let room = max(0, processor.bounds.maxDocumentsPerDay - (prepared.state.storedToday?.documents(on: processor.now) ?? 0))
            guard prepared.documents.count > room else { continue }
            // A correction of a post the store holds is no new document: it passes, uncounted.
            let stored = try store.storedHashes(among: prepared.documents.map(\.shortHash))
                .union(store.revisingDocuments(among: prepared.documents))
            let fresh = prepared.documents.enumerated().filter { !stored.contains($0.element.shortHash) }
            let newest = fresh.sorted { ($0.element.date, -$0.offset) > ($1.element.date, -$1.offset) }.prefix(room)
            let chosen = Set(newest.map(\.offset))
            let kept = prepared.documents.enumerated().filter { stored.contains($0.element.shortHash) || chosen.contains($0.offset) }
                .map(\.element)
            waiting[index].prepared.documents = kept
            waiting[index].prepared.held = max(0, fresh.count - room)
            documentCount -= prepared.documents.count - kept.count
        }
    }

    /// Stores every waiting document at once and completes each feed; returns their reports.
    mutating func flush(into store: any CrawlStore, at now: Timestamp) -> [FeedReport] {
        defer { waiting = []; documentCount = 0; feedsWithDocuments = 0; oldest = nil; staged = nil; budgetsApplied = false }
        if staged == nil { stage(in: store) }
        var storeError: StoreError?
        var stored: Set<String> = []
        var revised = Revised()
        var refused: [String: StoreError] = [:]
        var churned: [String: [(document: Document, earlier: String)]] = [:]
        do {
            if let staged = try staged?.get() {
                let outcome = try store.store(staged, storedAt: now)
                stored = Set(outcome.stored.map(\.shortHash))
                revised = Revised(outcome)
                refused = outcome.refused
                churned = Dictionary(grouping: outcome.churned, by: \.document.feed)
            }
        } catch {
            storeError = error
        }
        // Each new document counts for the first feed in the batch that carried it. A feed with a
        // document the store refused fails alone (its state keeps no validators, so it is fetched
        // whole again); the rest of the batch is stored.
        var reports = waiting.map { entry in
            let new = entry.prepared.documents.filter { stored.remove($0.shortHash) != nil }
            let refusal = entry.prepared.documents.lazy.compactMap { refused[$0.shortHash] }.first
            var report = entry.processor.complete(entry.prepared, newDocuments: new, storeError: storeError ?? refusal,
                                                  documentRefused: storeError == nil && refusal != nil)
            if storeError == nil && refusal == nil { revised.count(entry.prepared.documents, into: &report) }
            if let found = churned.removeValue(forKey: entry.processor.feed.name), let first = found.first {
                report.churnedIdentity = (first.document.itemIdentity, first.earlier, found.count)
            }
            return report
        }
        // After the documents, never before: validators must not outlive the content they describe.
        do {
            try store.save(reports.compactMap(\.state))
        } catch {
            // The documents are safe; losing the state only costs an unconditional fetch next time.
            for index in reports.indices where reports[index].succeeded {
                let stored = reports[index].new > 0 ? "documents stored, but " : ""
                reports[index].status = .failed(stored + "feed state not saved: \(error)")
            }
        }
        return reports
    }
}

/// A batch's revisions, counted for the feed that carried each.
private struct Revised {
    var replaced: Set<String> = []
    var recorded: Set<String> = []
    var adopted: Set<String> = []
    var contested: Set<String> = []
    var heldByEdit: [String: String] = [:]
    var awaiting: Set<String> = []

    init() {}

    init(_ outcome: DocumentStore.Outcome) {
        replaced = Set(outcome.replaced.map { $0.feed + "\n" + $0.shortHash })
        recorded = Set(outcome.recorded.map { $0.feed + "\n" + $0.shortHash })
        adopted = Set(outcome.adopted.map { $0.feed + "\n" + $0.shortHash })
        contested = Set(outcome.contested.map { $0.feed + "\n" + $0.shortHash })
        for (document, path) in outcome.heldByEdit { heldByEdit[document.feed + "\n" + document.shortHash] = path }
        awaiting = Set(outcome.awaitingAdoption.map { $0.feed + "\n" + $0.shortHash })
    }

    /// Replaced documents are not duplicates: they are moved from that count to `replaced`.
    mutating func count(_ documents: [Document], into report: inout FeedReport) {
        guard !replaced.isEmpty || !recorded.isEmpty || !adopted.isEmpty || !contested.isEmpty else { return }
        report.heldByEdit = documents.compactMap { heldByEdit[$0.feed + "\n" + $0.shortHash] }
        let adoptedHere = documents.filter { adopted.remove($0.feed + "\n" + $0.shortHash) != nil }.count
        report.adopted = adoptedHere
        report.state?.documents += adoptedHere
        report.contested = documents.filter { contested.remove($0.feed + "\n" + $0.shortHash) != nil }.count
        report.replaced = documents.filter { replaced.remove($0.feed + "\n" + $0.shortHash) != nil }.count
        report.versionsRecorded = documents.filter { recorded.remove($0.feed + "\n" + $0.shortHash) != nil }.count
        // A correction held until an adoption is confirmed is read again at the next poll (round 21:
        // with the validators kept, the unchanged body was never read again, the post never corrected).
        report.awaitingOthers = documents.filter { awaiting.contains($0.feed + "\n" + $0.shortHash) }.count
        if report.awaitingOthers > 0 {
            report.state?.validators = ConditionalHeaders()
            report.state?.bodyFingerprint = nil
        }
        report.duplicates = max(0, report.duplicates - report.replaced)
    }
}
