internal import FeedModel

/// The dedupe index and feed state, in SQLite (WAL, synchronous=FULL): hash → document,
/// (feed, item identity) → latest hash, feed → state. B-tree lookups stay O(log n) at any size.
final class DocumentIndex {
    private let database: SQLiteDatabase
    private let containsHash: SQLiteStatement
    private let insertDocument: SQLiteStatement
    private let latestForItem: SQLiteStatement
    private let upsertItem: SQLiteStatement
    private let selectState: SQLiteStatement
    private let upsertState: SQLiteStatement

    static let schemaVersion = 1

    init(path: String) throws(StoreError) {
        database = try SQLiteDatabase(path: path)
        try database.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
        try database.execute("""
            CREATE TABLE IF NOT EXISTS documents (
                hash TEXT PRIMARY KEY, path TEXT NOT NULL, feed TEXT NOT NULL, item TEXT NOT NULL,
                date INTEGER NOT NULL, stored_at INTEGER NOT NULL, revises TEXT) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS items (
                feed TEXT NOT NULL, item TEXT NOT NULL, hash TEXT NOT NULL,
                PRIMARY KEY (feed, item)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS feed_state (
                feed TEXT PRIMARY KEY, url TEXT NOT NULL, etag TEXT, last_modified TEXT,
                last_fetch INTEGER, last_status INTEGER, last_error TEXT,
                consecutive_errors INTEGER NOT NULL DEFAULT 0, next_due INTEGER,
                documents INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
            PRAGMA user_version = \(Self.schemaVersion);
            """)
        containsHash = try database.prepare("SELECT 1 FROM documents WHERE hash = ?1")
        insertDocument = try database.prepare("""
            INSERT INTO documents (hash, path, feed, item, date, stored_at, revises)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
            """)
        latestForItem = try database.prepare("SELECT hash FROM items WHERE feed = ?1 AND item = ?2")
        upsertItem = try database.prepare("""
            INSERT INTO items (feed, item, hash) VALUES (?1, ?2, ?3)
            ON CONFLICT (feed, item) DO UPDATE SET hash = excluded.hash
            """)
        selectState = try database.prepare("""
            SELECT url, etag, last_modified, last_fetch, last_status, last_error, consecutive_errors,
                   next_due, documents FROM feed_state WHERE feed = ?1
            """)
        upsertState = try database.prepare("""
            INSERT INTO feed_state (feed, url, etag, last_modified, last_fetch, last_status, last_error,
                                    consecutive_errors, next_due, documents)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            ON CONFLICT (feed) DO UPDATE SET url = excluded.url, etag = excluded.etag,
                last_modified = excluded.last_modified, last_fetch = excluded.last_fetch,
                last_status = excluded.last_status, last_error = excluded.last_error,
                consecutive_errors = excluded.consecutive_errors, next_due = excluded.next_due,
                documents = excluded.documents
            """)
    }

    func contains(hash: String) throws(StoreError) -> Bool {
        var found = false
        try containsHash.run([.text(hash)]) { _ in found = true }
        return found
    }

    /// Records documents already durable on disk, in one transaction. An item whose identity
    /// already maps to another hash is recorded as a revision of it.
    func record(_ entries: [(document: Document, path: String)], storedAt: Timestamp) throws(StoreError) {
        try database.transaction { () throws(StoreError) in
            for (document, path) in entries {
                var previous: String?
                try latestForItem.run([.text(document.feed), .text(document.itemIdentity)]) { previous = $0.text(0) }
                try insertDocument.run([.text(document.contentHash), .text(path), .text(document.feed),
                                        .text(document.itemIdentity), .integer(document.date.secondsSince1970),
                                        .integer(storedAt.secondsSince1970), .text(previous)])
                try upsertItem.run([.text(document.feed), .text(document.itemIdentity), .text(document.contentHash)])
            }
        }
    }

    func revisionOf(hash: String) throws(StoreError) -> String? {
        let statement = try database.prepare("SELECT revises FROM documents WHERE hash = ?1")
        var revises: String?
        try statement.run([.text(hash)]) { revises = $0.text(0) }
        return revises
    }

    func documentCount() throws(StoreError) -> Int {
        let statement = try database.prepare("SELECT count(*) FROM documents")
        var count = 0
        try statement.run([]) { count = Int($0.integer(0) ?? 0) }
        return count
    }

    func state(of feed: String) throws(StoreError) -> FeedState? {
        var state: FeedState?
        try selectState.run([.text(feed)]) { row in
            state = FeedState(
                feed: feed, url: row.text(0) ?? "",
                validators: ConditionalHeaders(etag: row.text(1), lastModified: row.text(2)),
                lastFetch: row.integer(3).map(Timestamp.init(secondsSince1970:)),
                lastStatus: row.integer(4).map { Int($0) }, lastError: row.text(5),
                consecutiveErrors: Int(row.integer(6) ?? 0),
                nextDue: row.integer(7).map(Timestamp.init(secondsSince1970:)),
                documents: Int(row.integer(8) ?? 0))
        }
        return state
    }

    func save(_ state: FeedState) throws(StoreError) {
        try upsertState.run([
            .text(state.feed), .text(state.url), .text(state.validators.etag), .text(state.validators.lastModified),
            .integer(state.lastFetch?.secondsSince1970), .integer(state.lastStatus.map { Int64($0) }),
            .text(state.lastError), .integer(Int64(state.consecutiveErrors)),
            .integer(state.nextDue?.secondsSince1970), .integer(Int64(state.documents)),
        ])
    }
}
