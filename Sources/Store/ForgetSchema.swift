/// The index tables behind `store forget`, the per-document digest behind `verify`, and the
/// layouts the store has used (so `rebuild-index` can tell a document in an old layout from a
/// misplaced copy). One self-contained migration step, so it can be renumbered freely.
///
/// A tombstone outlives its document: the next fetch of the same item (the same content hash,
/// or the same feed and item identity with new text) finds it and stores nothing.
enum ForgetSchema {
    /// The migration from the version before.
    static let step = addDigest + tables

    static let addDigest = "ALTER TABLE documents ADD COLUMN digest TEXT;  -- SHA-256 of the file's bytes as written\n"

    /// After `IndexSchema.create`, on a new index or on one an older crawler stopped creating
    /// (its `documents` table there, its version not yet written): the column is added once.
    static func add(to database: SQLiteDatabase) throws(StoreError) {
        var hasDigest = false
        try database.prepare("SELECT 1 FROM pragma_table_info('documents') WHERE name = 'digest'").run([]) { _ in
            hasDigest = true
        }
        try database.execute((hasDigest ? "" : addDigest) + tables)
    }

    static let tables = """
        CREATE TABLE IF NOT EXISTS tombstones (
            short TEXT PRIMARY KEY, path TEXT NOT NULL, forgotten_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS tombstone_items (
            feed TEXT NOT NULL, item TEXT NOT NULL, short TEXT NOT NULL, PRIMARY KEY (feed, item)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS layouts (
            pattern TEXT PRIMARY KEY, first_used INTEGER NOT NULL
        ) WITHOUT ROWID;
        """
}
