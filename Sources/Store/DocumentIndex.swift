public import FeedModel

/// A row of the `documents` table: everything about a document its file can tell again.
public struct IndexedDocument: Sendable, Hashable {
    public var shortHash: String
    public var path: String
    public var date: Timestamp
    public var bytes: Int
    /// SHA-256 of the file's bytes, hex; nil for documents stored before it was recorded.
    public var digest: String? = nil
}

/// The dedupe index and feed state, in SQLite (WAL, synchronous=FULL). Lookups are B-tree
/// lookups, O(log n) at any size. Not Sendable: one owner, the store.
final class DocumentIndex {
    let database: SQLiteDatabase
    private let containsShort: SQLiteStatement
    private let insertDocument: SQLiteStatement
    private let insertProvenance: SQLiteStatement
    private let recordLatest: SQLiteStatement
    private let insertPending: SQLiteStatement
    private let deletePending: SQLiteStatement
    private let feedState: FeedStateTable
    /// Revisions, kept source values, rewrites and the output profile.
    let revisions: RevisionIndex
    /// FULL normally; OFF in benchmarks measuring what durability costs.
    var synchronousMode = "FULL"

    /// An index of this schema, read through a read-only connection (`DocumentStore(readingOnly:)`).
    /// `immutable`: see `IndexFile.needsImmutableRead`.
    convenience init(readingOnly path: String, immutable: Bool) throws(StoreError) {
        let database = try SQLiteDatabase(path: path, readOnly: true, immutable: immutable)
        let version = try database.integer("PRAGMA user_version")
        guard version == Int64(IndexSchema.version) else {
            throw .index(path: path, message: version > Int64(IndexSchema.version) ? IndexSchema.newer(version)
                         : "schema version \(version) is not \(IndexSchema.version); a run that may write to the store "
                         + "(a crawl, or this command without --dry-run) brings it up to date first")
        }
        try database.execute("PRAGMA cache_size=-8192;")
        try self.init(opened: database)
    }

    /// `exclusive`: SQLite's exclusive locking mode, which keeps the WAL's index in memory rather
    /// than in the `-shm` file, for a store on a full disk (`DocumentStore.init`'s `roomless`).
    convenience init(path: String, exclusive: Bool = false) throws(StoreError) {
        let database = try SQLiteDatabase(path: path)
        if exclusive { try database.execute("PRAGMA locking_mode=EXCLUSIVE;") }
        // An 8 MB page cache keeps the hash B-trees' upper levels in memory at millions of rows
        // (lookups at 1M documents: p50 5.2–5.3 µs, as with 16 MB and 64 MB). A larger one filled
        // up during a cold pass with pages written once (kept item sources): at 64 MB a third of
        // its peak memory, at 16 MB still 8 MB more than now.
        // Checkpoints every 16,384 WAL pages (64 MB) rather than 1,000: hashes are random keys, so
        // every batch dirties pages all over the B-trees, and checkpointing after each batch wrote
        // (and synced) the same pages into the database again and again.
        var version = try database.integer("PRAGMA user_version")
        // Before anything is set: switching to WAL would write to another program's database.
        if version == 0 { try Self.refuseForeignTables(database, path: path) }
        try database.execute("""
            PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-8192;
            PRAGMA wal_autocheckpoint=16384;
            """)
        while version > 0, version < Int64(IndexSchema.version), let step = IndexSchema.migrations[Int(version)] {
            try database.transaction { () throws(StoreError) in
                try database.execute(step + "PRAGMA user_version = \(version + 1);")
            }
            version += 1
        }
        guard version <= Int64(IndexSchema.version) else { throw .index(path: path, message: IndexSchema.newer(version)) }
        guard version == 0 || version == Int64(IndexSchema.version) else {
            throw .index(path: path, message: "schema version \(version) is not \(IndexSchema.version); "
                         + "run `crawler store rebuild-index` to rebuild it from the documents")
        }
        if version == 0 {
            // Only a new index is written to here: opening an existing one must work on a full disk.
            // One transaction: a crawler killed here leaves no tables, or all of them and the version.
            try database.transaction { () throws(StoreError) in
                try database.execute(IndexSchema.create)
                try ForgetSchema.add(to: database)
                try database.execute("PRAGMA user_version = \(IndexSchema.version);")
            }
        }
        try self.init(opened: database)
    }

    /// The statements of an index opened and brought to this schema.
    private init(opened database: SQLiteDatabase) throws(StoreError) {
        self.database = database
        containsShort = try database.prepare("SELECT 1 FROM documents WHERE short = ?1")
        insertDocument = try database.prepare(
            "INSERT OR REPLACE INTO documents (short, path, date, bytes, digest) VALUES (?1, ?2, ?3, ?4, ?5)")
        // The revision link is read from `items` before `recordLatest` moves it on.
        insertProvenance = try database.prepare("""
            INSERT OR REPLACE INTO provenance (feed, item, short, hash, stored_at, revises) VALUES (?1, ?2, ?3, ?4, ?5,
                (SELECT short FROM items WHERE feed = ?1 AND item = ?2 AND short != ?3))
            """)
        recordLatest = try database.prepare("""
            INSERT INTO items (feed, item, short) VALUES (?1, ?2, ?3)
            ON CONFLICT (feed, item) DO UPDATE SET short = excluded.short
            """)
        insertPending = try database.prepare(
            "INSERT OR REPLACE INTO pending (short, feed, item, position) VALUES (?1, ?2, ?3, ?4)")
        deletePending = try database.prepare("DELETE FROM pending WHERE short = ?1")
        feedState = try FeedStateTable(database: database)
        revisions = try RevisionIndex(database: database)
    }

    /// A database of version 0 is new or was left half created by a crawler killed while creating
    /// it (before that was one transaction). One with other tables is another program's: the
    /// crawler's tables must not go into it.
    static func refuseForeignTables(_ database: SQLiteDatabase, path: String) throws(StoreError) {
        let own = Set(IndexSchema.tableNames)
        var foreign: [String] = []
        try database.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")
            .run([]) { row in
                if let name = row.text(0), !own.contains(name) { foreign.append(name) }
            }
        guard !foreign.isEmpty else { return }
        throw .refused(path: path, reason: "is not a crawler index (it holds \(foreign.sorted().prefix(5).joined(separator: ", "))): "
                       + "another program's database? Move it away, or run `crawler store rebuild-index`, "
                       + "which keeps it beside as index.sqlite.broken and indexes the documents anew")
    }

    func contains(shortHash: String) throws(StoreError) -> Bool {
        var found = false
        try containsShort.run([.text(shortHash)]) { _ in found = true }
        return found
    }

    /// The hashes among `shorts` that are stored (or pending).
    func storedHashes(among shorts: [String]) throws(StoreError) -> Set<String> {
        try StoredHashes.among(shorts, in: database)
    }

    /// Step 1 of a batch: the documents are durable but not yet under their final names. Records
    /// them in full (revision links and latest items too) and lists them in `pending`.
    /// This commit need not survive a power cut (synchronous=NORMAL: no fsync of its own): if it
    /// is lost, a renamed file is merely unindexed, rewritten identically when its item is seen
    /// again, and reported by `verify`. The fsync of `markStored`'s commit covers both.
    func recordPending(_ prepared: [PreparedDocument], storedAt: Timestamp) throws(StoreError) {
        try database.execute("PRAGMA synchronous=NORMAL")
        defer { try? database.execute("PRAGMA synchronous=\(synchronousMode)") }
        try database.transaction { () throws(StoreError) in
            for (position, entry) in prepared.enumerated() {
                let document = entry.document
                let short = SQLiteStatement.Value.text(document.shortHash)
                let feed = SQLiteStatement.Value.text(document.feed), item = SQLiteStatement.Value.text(document.itemIdentity)
                try insertDocument.run([short, .text(entry.relativePath), .integer(document.date.secondsSince1970),
                                        .integer(Int64(entry.bytes)), .text(entry.digest)])
                try insertProvenance.run([feed, item, short, .text(document.contentHash), .integer(storedAt.secondsSince1970)])
                try recordLatest.run([feed, item, short])
                try insertPending.run([short, feed, item, .integer(Int64(position))])
                try revisions.recordNew(document, source: entry.source)
            }
        }
    }

    /// Step 2: the files are in place; only `pending` changes.
    func markStored(_ shorts: [String]) throws(StoreError) {
        try database.transaction { () throws(StoreError) in
            for short in shorts { try deletePending.run([.text(short)]) }
        }
    }

    /// Pending documents a crash left, found whole in place: stored, and counted in their feeds'
    /// states, which the crash came before saving (`status` said 6,501 documents of 9,000).
    /// A feed without a state yet (its first pass) counts from its next one.
    func markRecovered(_ shorts: [String]) throws(StoreError) {
        let wanted = Set(shorts)
        var counts: [String: Int64] = [:]
        for row in try pendingRows() where wanted.contains(row.short) { counts[row.feed, default: 0] += 1 }
        try database.transaction { () throws(StoreError) in
            let count = try database.prepare("UPDATE feed_state SET documents = documents + ?2 WHERE feed = ?1")
            for (feed, added) in counts { try count.run([.text(feed), .integer(added)]) }
            for short in shorts { try deletePending.run([.text(short)]) }
        }
    }

    /// Undoes pending documents whose file never made it into place, last first: the item's
    /// latest document and any revision link go back to what they were before.
    func forget(_ shorts: [String]) throws(StoreError) {
        let wanted = Set(shorts)
        let rows = try pendingRows().filter { wanted.contains($0.short) }
        let revises = try database.prepare("SELECT revises FROM provenance WHERE feed = ?1 AND item = ?2 AND short = ?3")
        let restoreLatest = try database.prepare("UPDATE items SET short = ?4 WHERE feed = ?1 AND item = ?2 AND short = ?3")
        let dropLatest = try database.prepare("DELETE FROM items WHERE feed = ?1 AND item = ?2 AND short = ?3")
        let relink = try database.prepare("UPDATE provenance SET revises = ?4 WHERE feed = ?1 AND item = ?2 AND revises = ?3")
        let deleteProvenance = try database.prepare("DELETE FROM provenance WHERE feed = ?1 AND item = ?2 AND short = ?3")
        let deleteDocument = try database.prepare("DELETE FROM documents WHERE short = ?1")
        try database.transaction { () throws(StoreError) in
            var undone: [(feed: String, item: String, short: String, revised: String?)] = []
            for row in rows.reversed() {
                let key: [SQLiteStatement.Value] = [.text(row.feed), .text(row.item), .text(row.short)]
                var previous: String?
                try revises.run(key) { previous = $0.text(0) }
                if let previous {
                    try restoreLatest.run(key + [.text(previous)])
                } else {
                    try dropLatest.run(key)
                }
                try relink.run(key + [.text(previous)])
                try deleteProvenance.run(key)
                try deleteDocument.run([.text(row.short)])
                try deletePending.run([.text(row.short)])
                undone.append((row.feed, row.item, row.short, previous))
            }
            try revisions.forget(undone)
        }
    }

    private func pendingRows() throws(StoreError) -> [(short: String, feed: String, item: String)] {
        var rows: [(String, String, String)] = []
        try database.prepare("SELECT short, feed, item FROM pending ORDER BY position").run([]) { row in
            rows.append((row.text(0) ?? "", row.text(1) ?? "", row.text(2) ?? ""))
        }
        return rows
    }

    func pendingDocuments() throws(StoreError) -> [IndexedDocument] {
        try documents(where: "short IN (SELECT short FROM pending)")
    }

    /// Every document, in hash order (for verify and rebuild comparisons).
    func documents(where condition: String = "1") throws(StoreError) -> [IndexedDocument] {
        try Self.documents(where: condition, in: database)
    }

    /// The same through any connection (a read-only one for `verify`).
    static func documents(where condition: String = "1", in database: SQLiteDatabase) throws(StoreError) -> [IndexedDocument] {
        let statement = try database.prepare(
            "SELECT short, path, date, bytes, digest FROM documents WHERE \(condition) ORDER BY short")
        var rows: [IndexedDocument] = []
        try statement.run([]) { row in
            rows.append(IndexedDocument(shortHash: row.text(0) ?? "", path: row.text(1) ?? "",
                                        date: Timestamp(secondsSince1970: row.integer(2) ?? 0),
                                        bytes: Int(row.integer(3) ?? 0), digest: row.text(4)))
        }
        return rows
    }

    func replaceDocuments(with rows: [IndexedDocument]) throws(StoreError) {
        try database.transaction { () throws(StoreError) in
            try database.execute("DELETE FROM documents; DELETE FROM pending;")
            for row in rows {
                try insertDocument.run([.text(row.shortHash), .text(row.path), .integer(row.date.secondsSince1970),
                                        .integer(Int64(row.bytes)), .text(row.digest)])
            }
            try database.execute("""
                DELETE FROM provenance WHERE short NOT IN (SELECT short FROM documents);
                DELETE FROM items WHERE short NOT IN (SELECT short FROM documents);
                """ + RevisionIndex.dropOrphans)
        }
    }

    /// Scans provenance (ordered by feed): for inspection and tests, not for a crawl.
    func revisionOf(shortHash: String) throws(StoreError) -> String? {
        let statement = try database.prepare("SELECT revises FROM provenance WHERE short = ?1")
        var revises: String?
        try statement.run([.text(shortHash)]) { revises = $0.text(0) }
        return revises
    }

    func documentCount() throws(StoreError) -> Int {
        Int(try database.integer(IndexSchema.storedDocumentCount))
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

    func states(of feeds: Set<String>) throws(StoreError) -> [String: FeedState] {
        try feedState.states(of: feeds)
    }
}

/// Dedupe lookups for a batch, through any connection to the index (the store's own, or staging's).
enum StoredHashes {
    /// The hashes among `shorts` that are stored (or pending), looked up in one transaction
    /// rather than taking and dropping SQLite's file locks for every lookup.
    /// A text a replaced document holds, or held, counts as stored: a post two feeds carry,
    /// corrected in both, was rewritten by one and stored anew by the other (and a feed a poll
    /// behind brought the version before).
    static func among(_ shorts: [String], in database: SQLiteDatabase) throws(StoreError) -> Set<String> {
        let lookup = try database.prepare("""
            SELECT 1 FROM documents WHERE short = ?1 UNION ALL SELECT 1 FROM held_versions WHERE short = ?1 LIMIT 1
            """)
        return try database.reading { () throws(StoreError) in
            var stored: Set<String> = []
            for short in shorts {
                var found = false
                try lookup.run([.text(short)]) { _ in found = true }
                if found { stored.insert(short) }
            }
            return stored
        }
    }
}
