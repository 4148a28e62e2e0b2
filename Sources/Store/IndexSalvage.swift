/// What a damaged index set aside by `rebuild-index` still holds that the files cannot tell: which
/// documents were forgotten for good (a takedown must not come back with the next crawl), for
/// which feed, and the layouts the store has used. Read row by row, so that the rows before a
/// damaged page are carried even when the rest of the table cannot be read.
enum IndexSalvage {
    enum Kind { case text, integer }

    static let tables: [(name: String, columns: [(String, Kind)])] = [
        ("tombstones", [("short", .text), ("path", .text), ("forgotten_at", .integer)]),
        ("tombstone_items", [("feed", .text), ("item", .text), ("short", .text)]),
        ("tombstone_scopes", [("short", .text), ("feed", .text)]),
        ("layouts", [("pattern", .text), ("first_used", .integer)]),
    ]

    struct Carried: Sendable {
        /// Forgotten documents carried (rows of `tombstones`).
        var forgotten = 0
        /// Tables that could be read only in part, or not at all.
        var unreadable: [String] = []
    }

    /// Copies what reads of `tables` from the index at `aside` into `database` (one transaction).
    static func carry(from aside: String, into database: SQLiteDatabase) throws(StoreError) -> Carried {
        var carried = Carried()
        guard let broken = try? SQLiteDatabase(path: aside, readOnly: true, immutable: true) else {
            carried.unreadable = tables.map(\.name)
            return carried
        }
        // Another program's database has none of them: nothing to say of it. A list that cannot
        // be read at all tells nothing either way, and each table is tried.
        var present: Set<String>?
        if let listing = try? broken.prepare("SELECT name FROM sqlite_master WHERE type = 'table'") {
            var names: Set<String> = []
            if (try? listing.run([]) { names.insert($0.text(0) ?? "") }) != nil { present = names }
        }
        try database.transaction { () throws(StoreError) in
            for table in tables where present?.contains(table.name) ?? true {
                let (rows, whole) = read(table.name, table.columns, from: broken)
                if !whole { carried.unreadable.append(table.name) }
                let names = table.columns.map(\.0)
                let insert = try database.prepare("INSERT OR IGNORE INTO \(table.name) (\(names.joined(separator: ", "))) VALUES ("
                                                  + (1...names.count).map { "?\($0)" }.joined(separator: ", ") + ")")
                for row in rows { try insert.run(row) }
                if table.name == "tombstones" { carried.forgotten = rows.count }
            }
        }
        return carried
    }

    /// The rows that read, and whether all of them did.
    private static func read(_ table: String, _ columns: [(String, Kind)],
                             from database: SQLiteDatabase) -> ([[SQLiteStatement.Value]], Bool) {
        var rows: [[SQLiteStatement.Value]] = []
        do {
            try database.prepare("SELECT \(columns.map(\.0).joined(separator: ", ")) FROM \(table)").run([]) { row in
                rows.append(columns.indices.map { index in
                    columns[index].1 == .text ? .text(row.text(Int32(index))) : .integer(row.integer(Int32(index)))
                })
            }
            return (rows, true)
        } catch {
            return (rows, false)
        }
    }
}
