public import FeedModel

/// A row of the `documents` table: everything about a document its file can tell again.
public struct IndexedDocument: Sendable, Hashable {
    public var shortHash: String
    public var path: String
    public var date: Timestamp
    public var bytes: Int
}

/// The dedupe index and feed state, in SQLite (WAL, synchronous=FULL). Lookups are B-tree
/// lookups, O(log n) at any size. Not Sendable: one owner, the store.
final class DocumentIndex {
    let database: SQLiteDatabase
    private let containsShort: SQLiteStatement
    private let insertDocument: SQLiteStatement
    private let insertProvenance: SQLiteStatement
    private let feedState: FeedStateTable
    /// FULL normally; OFF in benchmarks measuring what durability costs.
    var synchronousMode = "FULL"

    init(path: String) throws(StoreError) {
        let database = try SQLiteDatabase(path: path)
        self.database = database
        // A 64 MB page cache keeps the hash B-trees' upper levels in memory at millions of rows.
        // Checkpoints every 16,384 WAL pages (64 MB) rather than 1,000: hashes are random keys, so
        // every batch dirties pages all over the B-trees, and checkpointing after each batch wrote
        // (and synced) the same pages into the database again and again.
        try database.execute("""
            PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;
            PRAGMA wal_autocheckpoint=16384;
            """)
        var version = try database.integer("PRAGMA user_version")
        while version > 0, version < Int64(IndexSchema.version), let step = IndexSchema.migrations[Int(version)] {
            try database.transaction { () throws(StoreError) in
                try database.execute(step + "PRAGMA user_version = \(version + 1);")
            }
            version += 1
        }
        guard version == 0 || version == Int64(IndexSchema.version) else {
            throw .index(path: path, message: "schema version \(version) is not \(IndexSchema.version); "
                         + "run `crawler store rebuild-index` to rebuild it from the documents")
        }
        if version == 0 {
            // Only a new index is written to here: opening an existing one must work on a full disk.
            try database.execute(IndexSchema.create + "PRAGMA user_version = \(IndexSchema.version);")
        }
        containsShort = try database.prepare("SELECT 1 FROM documents WHERE short = ?1")
        insertDocument = try database.prepare(
            "INSERT OR REPLACE INTO documents (short, path, date, bytes, pending) VALUES (?1, ?2, ?3, ?4, ?5)")
        insertProvenance = try database.prepare("""
            INSERT OR REPLACE INTO provenance (short, hash, feed, item, stored_at) VALUES (?1, ?2, ?3, ?4, ?5)
            """)
        feedState = try FeedStateTable(database: database)
    }

    func contains(shortHash: String) throws(StoreError) -> Bool {
        var found = false
        try containsShort.run([.text(shortHash)]) { _ in found = true }
        return found
    }

    /// The hashes among `shorts` that are stored (or pending), looked up in one transaction
    /// rather than taking and dropping SQLite's file locks for every lookup.
    func storedHashes(among shorts: [String]) throws(StoreError) -> Set<String> {
        try database.transaction { () throws(StoreError) in
            var stored: Set<String> = []
            for short in shorts where try contains(shortHash: short) { stored.insert(short) }
            return stored
        }
    }

    /// Step 1 of a batch: the documents are durable in temp files and about to be renamed.
    /// This commit need not survive a power cut (synchronous=NORMAL: no fsync of its own): if it
    /// is lost, a renamed file is merely unindexed, rewritten identically when its item is seen
    /// again, and reported by `verify`. The fsync of `markStored`'s commit covers both.
    func recordPending(_ prepared: [PreparedDocument], storedAt: Timestamp) throws(StoreError) {
        try database.execute("PRAGMA synchronous=NORMAL")
        defer { try? database.execute("PRAGMA synchronous=\(synchronousMode)") }
        try database.transaction { () throws(StoreError) in
            for entry in prepared {
                let document = entry.document
                try insertDocument.run([.text(document.shortHash), .text(entry.relativePath),
                                        .integer(document.date.secondsSince1970), .integer(Int64(entry.bytes)),
                                        .integer(1)])
                try insertProvenance.run([.text(document.shortHash), .text(document.contentHash), .text(document.feed),
                                          .text(document.itemIdentity), .integer(storedAt.secondsSince1970)])
            }
        }
    }

    /// Step 2: the files are in place. Links each to the item's previous document (a revision).
    func markStored(_ shorts: [String]) throws(StoreError) {
        let link = try database.prepare("""
            UPDATE provenance SET revises = (SELECT items.short FROM items
                WHERE items.feed = provenance.feed AND items.item = provenance.item AND items.short != provenance.short)
            WHERE short = ?1
            """)
        let latest = try database.prepare("""
            INSERT INTO items (feed, item, short) SELECT feed, item, short FROM provenance WHERE short = ?1
            ON CONFLICT (feed, item) DO UPDATE SET short = excluded.short
            """)
        let done = try database.prepare("UPDATE documents SET pending = 0 WHERE short = ?1")
        try database.transaction { () throws(StoreError) in
            for short in shorts {
                try link.run([.text(short)])
                try latest.run([.text(short)])
                try done.run([.text(short)])
            }
        }
    }

    /// Forgets pending documents whose file never made it into place.
    func forget(_ shorts: [String]) throws(StoreError) {
        let deleteDocument = try database.prepare("DELETE FROM documents WHERE short = ?1 AND pending = 1")
        let deleteProvenance = try database.prepare("DELETE FROM provenance WHERE short = ?1")
        try database.transaction { () throws(StoreError) in
            for short in shorts {
                try deleteDocument.run([.text(short)])
                try deleteProvenance.run([.text(short)])
            }
        }
    }

    func pendingDocuments() throws(StoreError) -> [IndexedDocument] {
        try documents(where: "pending = 1")
    }

    /// Every document, in hash order (for verify and rebuild comparisons).
    func documents(where condition: String = "1") throws(StoreError) -> [IndexedDocument] {
        let statement = try database.prepare("SELECT short, path, date, bytes FROM documents WHERE \(condition) ORDER BY short")
        var rows: [IndexedDocument] = []
        try statement.run([]) { row in
            rows.append(IndexedDocument(shortHash: row.text(0) ?? "", path: row.text(1) ?? "",
                                        date: Timestamp(secondsSince1970: row.integer(2) ?? 0),
                                        bytes: Int(row.integer(3) ?? 0)))
        }
        return rows
    }

    func replaceDocuments(with rows: [IndexedDocument]) throws(StoreError) {
        try database.transaction { () throws(StoreError) in
            try database.execute("DELETE FROM documents")
            for row in rows {
                try insertDocument.run([.text(row.shortHash), .text(row.path), .integer(row.date.secondsSince1970),
                                        .integer(Int64(row.bytes)), .integer(0)])
            }
            try database.execute("""
                DELETE FROM provenance WHERE short NOT IN (SELECT short FROM documents);
                DELETE FROM items WHERE short NOT IN (SELECT short FROM documents);
                """)
        }
    }

    func revisionOf(shortHash: String) throws(StoreError) -> String? {
        let statement = try database.prepare("SELECT revises FROM provenance WHERE short = ?1")
        var revises: String?
        try statement.run([.text(shortHash)]) { revises = $0.text(0) }
        return revises
    }

    func documentCount() throws(StoreError) -> Int {
        Int(try database.integer("SELECT count(*) FROM documents WHERE pending = 0"))
    }

    func state(of feed: String) throws(StoreError) -> FeedState? {
        try feedState.state(of: feed)
    }

    /// Feed state is not what a crawl reports as stored: a save lost to a power cut costs one
    /// refetch, so it is written without an fsync of its own (synchronous=NORMAL; the next
    /// FULL commit makes it durable). A 304 pass then costs no sync at all. The states of a
    /// whole batch of feeds share one transaction: one lock and one WAL commit instead of one each.
    func save(_ states: [FeedState]) throws(StoreError) {
        guard !states.isEmpty else { return }
        try database.execute("PRAGMA synchronous=NORMAL")
        defer { try? database.execute("PRAGMA synchronous=\(synchronousMode)") }
        try database.transaction { () throws(StoreError) in
            for state in states { try feedState.save(state) }
        }
    }

    func allStates() throws(StoreError) -> [FeedState] {
        try feedState.all()
    }
}
