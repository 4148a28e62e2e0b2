public import FeedModel

/// Reads a store while another process (the daemon) owns it: no lock, no recovery, no writes.
/// SQLite's WAL lets this see the last committed state at any moment.
public final class StoreReader {
    public let root: String
    let folder: StoreFolder
    let database: SQLiteDatabase
    private let feedStates: FeedStateTable?
    /// The index has no tables yet: nothing was ever stored.
    let isNew: Bool

    /// A document as `crawler explain` lists it.
    public struct RecentDocument: Sendable, Hashable {
        public var path: String
        public var storedAt: Timestamp
        public var revises: String?
    }

    public init(path: String) throws(StoreError) {
        root = path
        let indexPath = path + "/" + IndexFile.name
        guard let opened = try? StoreFolder.root(path, creating: false) else {
            throw .index(path: indexPath, message: "no store here yet (run `crawler once` or `crawler run` first)")
        }
        folder = opened
        guard opened.kind(of: IndexFile.name) != nil else {
            // A crawler stopped before it created the index: nothing was stored.
            database = try SQLiteDatabase(path: ":memory:", readOnly: true)
            isNew = true
            feedStates = nil
            return
        }
        let version: Int64
        (database, version) = try Self.openIndex(try IndexFile.path(in: folder), in: folder)
        // Version 0: a crawler stopped while creating the index; its version is written in the
        // same transaction as its tables, so nothing was stored yet.
        isNew = version == 0
        // Another program's database, as crawls refuse it: read as a new index, `verify` called
        // every document unknown (round 59).
        if isNew { try DocumentIndex.refuseForeignTables(database, path: indexPath) }
        guard version <= IndexSchema.readableVersions.upperBound else { throw .index(path: indexPath, message: IndexSchema.newer(version)) }
        guard IndexSchema.readableVersions.contains(version) || isNew else {
            throw .index(path: indexPath, message: "the index is schema version \(version), not \(IndexSchema.version); "
                         + "it is upgraded when the crawler next opens the store (`crawler once`, or a restart of `crawler run`)")
        }
        feedStates = isNew ? nil : try FeedStateTable(database: database)
    }

    /// The index, read-only, and its schema version. On a full disk SQLite's first reader cannot
    /// reset the shared-memory file (`status` and `verify` exited 3, "No space left on device"):
    /// with nothing in the write-ahead log and no crawler holding the store, the file is whole
    /// as it is, and is read so.
    private static func openIndex(_ path: String, in folder: StoreFolder) throws(StoreError) -> (SQLiteDatabase, Int64) {
        do throws(StoreError) {
            let database = try SQLiteDatabase(path: path, readOnly: true, immutable: IndexFile.needsImmutableRead(in: folder))
            return (database, try database.integer("PRAGMA user_version"))
        } catch {
            guard error.isOutOfSpace, IndexFile.holdsNothingUnwritten(in: folder), canTellLockHolders,
                  lockHolder(root: folder.path) == nil else { throw error }
            let database = try SQLiteDatabase(path: path, readOnly: true, immutable: true)
            return (database, try database.integer("PRAGMA user_version"))
        }
    }

    /// Refuses, as crawls do, an index that knows no document beside documents (lost or
    /// replaced): read as it is, every feed looked never fetched, and a monitoring check passed.
    public func checkIndexKnowsItsDocuments() throws(StoreError) {
        guard let document = try LostIndex.unindexedDocument(in: folder, database: isNew ? nil : database) else { return }
        throw LostIndex.refusal(indexPath: root + "/" + IndexFile.name, document: document)
    }

    public func allFeedStates() throws(StoreError) -> [FeedState] {
        try feedStates?.all() ?? []
    }

    public func feedState(_ feed: String) throws(StoreError) -> FeedState? {
        try feedStates?.state(of: feed)
    }

    public func documentCount() throws(StoreError) -> Int {
        isNew ? 0 : Int(try database.integer(IndexSchema.storedDocumentCount))
    }

    public func recentDocuments(feed: String, limit: Int = 5) throws(StoreError) -> [RecentDocument] {
        guard !isNew else { return [] }
        let statement = try database.prepare("""
            SELECT documents.path, provenance.stored_at, provenance.revises FROM provenance
            JOIN documents ON documents.short = provenance.short
            WHERE provenance.feed = ?1 AND provenance.short NOT IN (SELECT short FROM pending)
            ORDER BY provenance.stored_at DESC, documents.date DESC LIMIT ?2
            """)
        var rows: [RecentDocument] = []
        try statement.run([.text(feed), .integer(Int64(limit))]) { row in
            rows.append(RecentDocument(path: row.text(0) ?? "", storedAt: Timestamp(secondsSince1970: row.integer(1) ?? 0),
                                       revises: row.text(2)))
        }
        return rows
    }
}
