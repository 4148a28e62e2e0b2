public import FeedModel

/// What a crawl pass needs from persistence: feed state in, documents and feed state out.
/// `DocumentStore` (files + SQLite, one machine) and the fleet's PostgreSQL store both provide it,
/// so the pipeline never knows which one it writes to.
public protocol CrawlStore: AnyObject {
    func revisingDocuments(among documents: [Document]) throws(StoreError) -> Set<String>
    func feedState(_ feed: String) throws(StoreError) -> FeedState?
    /// The states of `feeds` that have one; a store that can should read them at once.
    func feedStates(_ feeds: [String]) throws(StoreError) -> [String: FeedState]
    func save(_ state: FeedState) throws(StoreError)
    /// Saves the states of the feeds of one batch; a store that can should do it in one transaction.
    func save(_ states: [FeedState]) throws(StoreError)
    /// Stores the documents whose content hash is not stored yet, durably, as one batch.
    func store(_ documents: [Document], storedAt: Timestamp) throws(StoreError) -> DocumentStore.Outcome
    /// Does for a batch what can be done before the batch ahead of it is stored. True
    /// `stagesAhead` promises that `stage` may run on one thread while `store(_:storedAt:)` of an
    /// earlier batch runs on another; false, that the two are never apart.
    var stagesAhead: Bool { get }
    func stage(_ documents: [Document]) throws(StoreError) -> StagedDocuments
    /// Which of these short hashes are stored already. May be asked where `stage` may run.
    func storedHashes(among shorts: [String]) throws(StoreError) -> Set<String>
    /// Stores a batch made ready by `stage`, durably.
    func store(_ staged: StagedDocuments, storedAt: Timestamp) throws(StoreError) -> DocumentStore.Outcome
    /// Forgets the feed's documents past `keep:` (but those edited by hand).
    func applyRetention(_ keep: Retention, feed: String, now: Timestamp) throws(StoreError) -> RetentionOutcome
}

extension CrawlStore {
    /// Which of `documents` are later versions of an item the store holds (corrections, not new
    /// documents), by short hash. None, for a store that keeps no revisions.
    public func revisingDocuments(among documents: [Document]) throws(StoreError) -> Set<String> {
        []
    }

    /// One read after another, for a store without a cheaper way.
    public func feedStates(_ feeds: [String]) throws(StoreError) -> [String: FeedState] {
        var states: [String: FeedState] = [:]
        for feed in feeds { states[feed] = try feedState(feed) }
        return states
    }

    /// Nothing to do ahead: a store without files stores the documents as they are.
    public var stagesAhead: Bool { false }

    public func stage(_ documents: [Document]) throws(StoreError) -> StagedDocuments {
        StagedDocuments(documents: documents)
    }

    public func store(_ staged: StagedDocuments, storedAt: Timestamp) throws(StoreError) -> DocumentStore.Outcome {
        try store(staged.documents, storedAt: storedAt)
    }

    /// A store without files of its own (the fleet's) keeps everything.
    public func applyRetention(_ keep: Retention, feed: String, now: Timestamp) throws(StoreError) -> RetentionOutcome {
        RetentionOutcome()
    }

    /// One save after another, for a store without a cheaper way.
    public func save(_ states: [FeedState]) throws(StoreError) {
        for state in states { try save(state) }
    }
}

extension DocumentStore: CrawlStore {
    public var stagesAhead: Bool { true }
}
