internal import FeedModel

/// What `store forget` leaves behind: a forgotten document's short hash, and the (feed, item)
/// identities it was stored for, so neither the same text nor a new version of the same item
/// is stored again.
enum Tombstones {
    /// The short hashes of `documents` that were forgotten, by hash or by item identity.
    static func forgotten(_ documents: [Document], in database: SQLiteDatabase) throws(StoreError) -> Set<String> {
        guard !documents.isEmpty, try database.integer("SELECT EXISTS (SELECT 1 FROM tombstones)") != 0 else { return [] }
        let byHash = try database.prepare("SELECT 1 FROM tombstones WHERE short = ?1")
        let byItem = try database.prepare("SELECT 1 FROM tombstone_items WHERE feed = ?1 AND item = ?2")
        return try database.reading { () throws(StoreError) in
            var found: Set<String> = []
            for document in documents {
                var hit = false
                try byHash.run([.text(document.shortHash)]) { _ in hit = true }
                if !hit { try byItem.run([.text(document.feed), .text(document.itemIdentity)]) { _ in hit = true } }
                if hit { found.insert(document.shortHash) }
            }
            return found
        }
    }

    static func shorts(in database: SQLiteDatabase) throws(StoreError) -> Set<String> {
        var shorts: Set<String> = []
        try database.prepare("SELECT short FROM tombstones").run([]) { row in row.text(0).map { _ = shorts.insert($0) } }
        return shorts
    }

    /// In one transaction: each document gets a tombstone (its hash and every item it was stored
    /// for) and leaves the index; its feeds' document counts go down. Shorts with no row (a file
    /// the index did not know) get a tombstone too.
    static func bury(_ documents: [(short: String, path: String)], at time: Timestamp,
                     in database: SQLiteDatabase) throws(StoreError) {
        let tombstone = try database.prepare(
            "INSERT OR REPLACE INTO tombstones (short, path, forgotten_at) VALUES (?1, ?2, ?3)")
        let items = try database.prepare("""
            INSERT OR REPLACE INTO tombstone_items (feed, item, short)
                SELECT feed, item, short FROM provenance WHERE short = ?1
                UNION SELECT feed, item, short FROM items WHERE short = ?1
                UNION SELECT feed, item, document FROM item_files WHERE document = ?1
            """)
        let recount = try database.prepare("""
            UPDATE feed_state SET documents = max(0, documents - 1)
            WHERE feed IN (SELECT DISTINCT feed FROM provenance WHERE short = ?1)
            """)
        var removals: [SQLiteStatement] = []
        for table in ["provenance", "items", "pending", "documents"] {
            removals.append(try database.prepare("DELETE FROM \(table) WHERE short = ?1"))
        }
        // A revised item's file and kept source values go with its document.
        for table in ["item_files", "sources"] {
            removals.append(try database.prepare("DELETE FROM \(table) WHERE document = ?1"))
        }
        try database.transaction { () throws(StoreError) in
            for document in documents {
                let short = SQLiteStatement.Value.text(document.short)
                try tombstone.run([short, .text(document.path), .integer(time.secondsSince1970)])
                try items.run([short])
                try recount.run([short])
                for removal in removals { try removal.run([short]) }
            }
        }
    }
}
