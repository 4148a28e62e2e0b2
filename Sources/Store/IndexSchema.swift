/// The index's tables. `documents` holds only what can be read back from the document files
/// (so `rebuild-index` can recreate it); `provenance` and `items` record where each came from.
enum IndexSchema {
    static let version = 4

    static let create = """
        CREATE TABLE IF NOT EXISTS documents (
            short TEXT PRIMARY KEY,          -- first 16 hex digits of the content hash; names the file
            path TEXT NOT NULL,              -- relative to the store root
            date INTEGER NOT NULL,           -- the document's date, seconds since 1970
            bytes INTEGER NOT NULL,
            pending INTEGER NOT NULL DEFAULT 0  -- 1 between "about to rename" and "renamed"
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS pending_documents ON documents (pending) WHERE pending = 1;
        CREATE TABLE IF NOT EXISTS provenance (
            short TEXT PRIMARY KEY, hash TEXT NOT NULL, feed TEXT NOT NULL, item TEXT NOT NULL,
            stored_at INTEGER NOT NULL, revises TEXT
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
            adopted_url TEXT, body_fingerprint TEXT, last_unconditional INTEGER, not_before INTEGER
        ) WITHOUT ROWID;
        """

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
    ]
}
