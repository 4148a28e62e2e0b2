/// What a damaged index set aside by `rebuild-index` still holds that the files cannot tell: which
/// documents were forgotten for good (a takedown must not come back with the next crawl), and,
/// from an index of this crawler's schema, the feeds' states, which feed and item each document
/// holds, and the rest the documents table is rebuilt beside. Read row by row, so that the rows
/// before a damaged page are carried even when the rest of a table cannot be read; through the
/// write-ahead log, where a crash leaves the newest transactions.
enum IndexSalvage {
    /// Carried from an index of any schema since forgetting was recorded: their columns are named.
    static let named: [(name: String, columns: [String])] = [
        ("tombstones", ["short", "path", "forgotten_at"]),
        ("tombstone_items", ["feed", "item", "short"]),
        ("tombstone_scopes", ["short", "feed"]),
        ("layouts", ["pattern", "first_used"]),
    ]

    /// Carried whole from an index of the same schema (documents are the files' to say).
    static let sameSchema = ["feed_state", "provenance", "items", "item_files", "item_versions", "sources", "rewrites",
                             "store_profile", "readers", "adoptions", "held_versions", "removed_feeds"]

    struct Carried: Sendable {
        /// Forgotten documents carried (rows of `tombstones`).
        var forgotten = 0
        /// Feed states carried.
        var feedStates = 0
        /// Tables that could be read only in part, or not at all.
        var unreadable: [String] = []
    }

    /// Copies what reads from the index at `aside` into `database`, in one transaction.
    static func carry(from aside: String, into database: SQLiteDatabase) throws(StoreError) -> Carried {
        var carried = Carried()
        // Through its WAL where it can be (a crash leaves the newest rows there); as the file alone
        // where the WAL cannot be used.
        guard let broken = (try? SQLiteDatabase(path: aside, readOnly: true))
                ?? (try? SQLiteDatabase(path: aside, readOnly: true, immutable: true)) else {
            carried.unreadable = named.map(\.name)
            return carried
        }
        // Another program's database has none of them: nothing to say of it. A list that cannot
        // be read at all tells nothing either way, and each table is tried.
        var present: Set<String>?
        if let listing = try? broken.prepare("SELECT name FROM sqlite_master WHERE type = 'table'") {
            var names: Set<String> = []
            if (try? listing.run([]) { names.insert($0.text(0) ?? "") }) != nil { present = names }
        }
        let sameVersion = (try? broken.integer("PRAGMA user_version")) == Int64(IndexSchema.version)
        try database.transaction { () throws(StoreError) in
            for table in named where present?.contains(table.name) ?? true {
                let count = try copy(table.name, columns: table.columns, from: broken, into: database, noting: &carried)
                if table.name == "tombstones" { carried.forgotten = count }
            }
            guard sameVersion else { return }
            for table in sameSchema where present?.contains(table) ?? true {
                let count = try copy(table, columns: nil, from: broken, into: database, noting: &carried)
                if table == "feed_state" { carried.feedStates = count }
            }
        }
        return carried
    }

    /// Copies the rows of `table` that read (all columns, in order, when `columns` is nil).
    private static func copy(_ table: String, columns: [String]?, from broken: SQLiteDatabase, into database: SQLiteDatabase,
                             noting carried: inout Carried) throws(StoreError) -> Int {
        var rows: [[SQLiteStatement.Value]] = []
        do {
            try broken.prepare("SELECT \(columns?.joined(separator: ", ") ?? "*") FROM \(table)").run([]) { rows.append($0.values()) }
        } catch {
            carried.unreadable.append(table)
        }
        guard let width = rows.first?.count else { return 0 }
        let names = columns.map { " (\($0.joined(separator: ", ")))" } ?? ""
        let insert = try database.prepare("INSERT OR IGNORE INTO \(table)\(names) VALUES ("
                                          + (1...width).map { "?\($0)" }.joined(separator: ", ") + ")")
        for row in rows { try insert.run(row) }
        return rows.count
    }
}
