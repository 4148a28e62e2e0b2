/// The index's tables. `documents` holds only what can be read back from the document files
/// (so `rebuild-index` can recreate it); `provenance` and `items` record where each came from;
/// `pending` lists the documents of the batch being stored whose files may not be in place yet.
///
/// Hashes are random keys: a table ordered by hash has every batch dirty pages all over it, and
/// each commit writes every dirty page to the WAL again. So only small indexes are in hash order
/// (documents' and provenance's `short`); documents go in by rowid (appended) and provenance by
/// feed (a feed's items sit together), and the second commit of a batch touches only `pending`.
enum IndexSchema {
    static let version = 18
    /// The versions `StoreReader` reads as they are, before a crawl upgrades them: versions 15 to
    /// 18 added only indexes, tables and a column its queries do without (`status` after a new
    /// build is installed).
    static let readableVersions: ClosedRange<Int64> = 14...18

    /// An index a newer crawler wrote (an operator went back a version): rebuilding it would set
    /// its feed state aside, so the message says to use that crawler.
    static func newer(_ version: Int64) -> String {
        "schema version \(version) was written by a newer crawler (this one knows \(IndexSchema.version)); "
            + "run that crawler, or a newer one, on this store"
    }

    /// Every table the index may hold, read from the statements that create them.
    static var tableNames: [String] {
        (create + ForgetSchema.tables).components(separatedBy: "CREATE TABLE IF NOT EXISTS ").dropFirst().map { part in
            String(part.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
        }
    }

    static let storedDocumentCount = "SELECT (SELECT count(*) FROM documents) - (SELECT count(*) FROM pending)"

    static let create = """
        CREATE TABLE IF NOT EXISTS documents (
            id INTEGER PRIMARY KEY,          -- insertion order
            short TEXT NOT NULL UNIQUE,      -- first 16 hex digits of the content hash; names the file
            path TEXT NOT NULL,              -- relative to the store root
            date INTEGER NOT NULL,           -- the document's date, seconds since 1970
            bytes INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS provenance (
            feed TEXT NOT NULL, item TEXT NOT NULL, short TEXT NOT NULL, hash TEXT NOT NULL,
            stored_at INTEGER NOT NULL, revises TEXT, PRIMARY KEY (feed, item, short)
        ) WITHOUT ROWID;
        \(provenanceByDocument)
        CREATE TABLE IF NOT EXISTS pending (
            short TEXT PRIMARY KEY, feed TEXT NOT NULL, item TEXT NOT NULL,
            position INTEGER NOT NULL        -- order within the batch, to undo it backwards
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS items (
            feed TEXT NOT NULL, item TEXT NOT NULL, short TEXT NOT NULL, PRIMARY KEY (feed, item)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS feed_state (
            feed TEXT PRIMARY KEY, url TEXT NOT NULL, etag TEXT, last_modified TEXT,
            last_fetch INTEGER, last_status INTEGER, last_error TEXT,
            consecutive_errors INTEGER NOT NULL DEFAULT 0, next_due INTEGER,
            documents INTEGER NOT NULL DEFAULT 0, next_reason TEXT, adaptive_interval REAL,
            gone INTEGER NOT NULL DEFAULT 0, pending_redirect TEXT, pending_redirect_count INTEGER NOT NULL DEFAULT 0,
            adopted_url TEXT, body_fingerprint TEXT, last_unconditional INTEGER, not_before INTEGER,
            stored_day INTEGER, stored_day_documents INTEGER, last_new INTEGER, new_item_gaps TEXT, feed_hints TEXT
        ) WITHOUT ROWID;
        \(removedFeeds)
        """ + RevisionTables.create + RevisionTables.readerItems + AssetTables.create + RevisionIndex.unclaimedFilesTable

    /// Steps from each older version to the next, applied in order on open.
    static let migrations: [Int: String] = [
        2: "ALTER TABLE feed_state ADD COLUMN next_reason TEXT; ALTER TABLE feed_state ADD COLUMN adaptive_interval REAL;",
        3: """
            ALTER TABLE feed_state ADD COLUMN gone INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE feed_state ADD COLUMN pending_redirect TEXT;
            ALTER TABLE feed_state ADD COLUMN pending_redirect_count INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE feed_state ADD COLUMN adopted_url TEXT;
            ALTER TABLE feed_state ADD COLUMN body_fingerprint TEXT;
            ALTER TABLE feed_state ADD COLUMN last_unconditional INTEGER;
            ALTER TABLE feed_state ADD COLUMN not_before INTEGER;
            """,
        // Version 4 recorded a batch in `documents.pending` and linked revisions only once the
        // files were in place; version 5 links them in the first commit, so pending rows carried
        // over are linked here, as version 4's recovery would have.
        4: """
            UPDATE provenance SET revises = (SELECT items.short FROM items WHERE items.feed = provenance.feed
                AND items.item = provenance.item AND items.short != provenance.short)
            WHERE short IN (SELECT short FROM documents WHERE pending = 1);
            INSERT INTO items (feed, item, short)
                SELECT feed, item, short FROM provenance WHERE short IN (SELECT short FROM documents WHERE pending = 1)
                ON CONFLICT (feed, item) DO UPDATE SET short = excluded.short;
            CREATE TABLE pending (
                short TEXT PRIMARY KEY, feed TEXT NOT NULL, item TEXT NOT NULL, position INTEGER NOT NULL
            ) WITHOUT ROWID;
            INSERT INTO pending (short, feed, item, position)
                SELECT documents.short, feed, item, 0 FROM documents JOIN provenance ON provenance.short = documents.short
                WHERE documents.pending = 1;
            CREATE TABLE documents_5 (
                id INTEGER PRIMARY KEY, short TEXT NOT NULL UNIQUE, path TEXT NOT NULL,
                date INTEGER NOT NULL, bytes INTEGER NOT NULL
            );
            INSERT INTO documents_5 (short, path, date, bytes) SELECT short, path, date, bytes FROM documents ORDER BY date;
            DROP TABLE documents;
            ALTER TABLE documents_5 RENAME TO documents;
            CREATE TABLE provenance_5 (
                feed TEXT NOT NULL, item TEXT NOT NULL, short TEXT NOT NULL, hash TEXT NOT NULL,
                stored_at INTEGER NOT NULL, revises TEXT, PRIMARY KEY (feed, item, short)
            ) WITHOUT ROWID;
            INSERT INTO provenance_5 SELECT feed, item, short, hash, stored_at, revises FROM provenance;
            DROP TABLE provenance;
            ALTER TABLE provenance_5 RENAME TO provenance;
            """,
        // The day's count of new documents, for max_documents_per_day.
        5: "ALTER TABLE feed_state ADD COLUMN stored_day INTEGER; ALTER TABLE feed_state ADD COLUMN stored_day_documents INTEGER;",
        // Forgotten documents' tombstones and the layouts the store has used (see ForgetSchema).
        6: ForgetSchema.step,
        // Revisions in place, kept source values and re-rendering (see RevisionTables).
        7: RevisionTables.migration,
        // When new documents last came and the gaps between them, for silent-feed alerts.
        8: "ALTER TABLE feed_state ADD COLUMN last_new INTEGER; ALTER TABLE feed_state ADD COLUMN new_item_gaps TEXT;",
        // Which kept images (`images: local`) each item's document uses (see AssetTables).
        9: AssetTables.create,
        // item_files loses its index by document (see RevisionTables).
        10: "DROP INDEX IF EXISTS item_files_document;",
        // Adopted documents and the versions replaced documents hold (see RevisionTables).
        11: RevisionTables.adoptionMigration,
        // What a feed's last body asked of its pollers, for the polls that bring no body (FeedState.feedHints).
        12: "ALTER TABLE feed_state ADD COLUMN feed_hints TEXT;",
        // Posts two feeds carry, and tombstones that hold back one feed's documents only (see RevisionTables).
        13: RevisionTables.sharingTables,
        // Who stored a document, asked for each copy another feed carries (see provenanceByDocument).
        14: provenanceByDocument,
        // Feeds no longer configured when a crawl last started (see FeedRenames.retired).
        15: removedFeeds,
        // Which item of its own each post another feed read stands for (see RevisionTables.readerItems).
        16: RevisionTables.readerItems + RevisionTables.readerItemsFilled,
        // Posts a rebuilt index knows no item of, by their bytes (see UnclaimedFiles).
        17: RevisionIndex.unclaimedFilesTable,
    ]

    /// Named `name`, not `feed`: not moved by a rename, worked out again at each crawl's start.
    static let removedFeeds = "CREATE TABLE IF NOT EXISTS removed_feeds (name TEXT PRIMARY KEY) WITHOUT ROWID;"

    /// Who stored a document (`RevisionIndex.linkDuplicates`, for every copy of a post another feed
    /// carries) without a scan of every post's provenance: one scan per copy took a fifth of a cold
    /// pass's CPU over a farm with 3% cross-posts, and grows with the store.
    static let provenanceByDocument = "CREATE INDEX IF NOT EXISTS provenance_short ON provenance (short);"
}
