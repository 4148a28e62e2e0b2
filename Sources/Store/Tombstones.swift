internal import FeedModel

/// What `store forget` leaves behind: a forgotten document's short hash, and the (feed, item)
/// identities it was stored for, so neither the same text nor a new version of the same item
/// is stored again.
enum Tombstones {
    /// The short hashes of `documents` that were forgotten, by hash or by item identity.
    static func forgotten(_ documents: [Document], in database: SQLiteDatabase) throws(StoreError) -> Set<String> {
        guard !documents.isEmpty, try database.integer("SELECT EXISTS (SELECT 1 FROM tombstones)") != 0 else { return [] }
        // One a feed's `keep:` made holds back that feed's documents only (`tombstone_scopes`).
        let byHash = try database.prepare("""
            SELECT 1 FROM tombstones WHERE short = ?1
                AND NOT EXISTS (SELECT 1 FROM tombstone_scopes WHERE short = ?1 AND feed != ?2)
            """)
        let byItem = try database.prepare("SELECT 1 FROM tombstone_items WHERE feed = ?1 AND item = ?2")
        return try database.reading { () throws(StoreError) in
            var found: Set<String> = []
            for document in documents {
                var hit = false
                try byHash.run([.text(document.shortHash), .text(document.feed)]) { _ in hit = true }
                if !hit { try byItem.run([.text(document.feed), .text(document.itemIdentity)]) { _ in hit = true } }
                if hit { found.insert(document.shortHash) }
            }
            return found
        }
    }

    static func shorts(in database: SQLiteDatabase) throws(StoreError) -> Set<String> {
        var shorts: Set<String> = []
        // Not those a feed's `keep:` left (`tombstone_scopes`): another feed may store that text, and
        // its post was then called "forgotten, yet on disk", and left out by rebuild-index.
        try database.prepare("SELECT short FROM tombstones WHERE short NOT IN (SELECT short FROM tombstone_scopes)")
            .run([]) { row in row.text(0).map { _ = shorts.insert($0) } }
        return shorts
    }

    /// Tombstones that hold back one feed's documents only (`forget --feed`, `keep:`): short → feed.
    static func scoped(in database: SQLiteDatabase) throws(StoreError) -> [String: String] {
        var scopes: [String: String] = [:]
        try database.prepare("SELECT short, feed FROM tombstone_scopes").run([]) { row in
            if let short = row.text(0), let feed = row.text(1) { scopes[short] = feed }
        }
        return scopes
    }

    /// In one transaction: each document gets a tombstone (its hash and every item it was stored
    /// for) and leaves the index; its feeds' document counts go down. Shorts with no row (a file
    /// the index did not know) get a tombstone too.
    ///
    /// Set by set, through a temporary table of the shorts: `provenance`, `items` and
    /// `item_files` have no index by document (each would cost every batch of a crawl writes
    /// all over it), so a statement per document scanned each table once per document, and
    /// forgetting 1,000 documents of a 50,000-document store took 25 s. Each is scanned once now.
    ///
    /// `onlyFor`: a feed's `keep:` forgets for that feed alone: its new tombstones hold back its own
    /// documents, not another feed's with the same text (a scraper polled first stored a blog's
    /// story, forgot it by its bound, and the blog's story was never stored), and the versions its
    /// posts held are not buried. Without it (`store forget`), every feed is held back.
    static func bury(_ documents: [(short: String, path: String)], at time: Timestamp, onlyFor feed: String? = nil,
                     in database: SQLiteDatabase) throws(StoreError) {
        guard !documents.isEmpty else { return }
        try database.execute("""
            CREATE TEMP TABLE IF NOT EXISTS forgetting (short TEXT PRIMARY KEY, path TEXT NOT NULL) WITHOUT ROWID;
            """)
        let add = try database.prepare("INSERT OR REPLACE INTO temp.forgetting (short, path) VALUES (?1, ?2)")
        try database.transaction { () throws(StoreError) in
            try database.execute("DELETE FROM temp.forgetting;")
            for document in documents { try add.run([.text(document.short), .text(document.path)]) }
            if let feed {
                try database.prepare("""
                    INSERT OR IGNORE INTO tombstone_scopes (short, feed)
                        SELECT short, ?1 FROM temp.forgetting WHERE short NOT IN (SELECT short FROM tombstones)
                    """).run([.text(feed)])
            } else {
                try database.execute("DELETE FROM tombstone_scopes WHERE short IN \(chosen);")
            }
            let stamp = try database.prepare(
                "INSERT OR REPLACE INTO tombstones (short, path, forgotten_at) SELECT short, path, ?1 FROM temp.forgetting")
            try stamp.run([.integer(time.secondsSince1970)])
            if feed == nil { try database.prepare(Self.versionsSQL).run([.integer(time.secondsSince1970)]) }
            try database.execute(Self.buryingSQL)
        }
    }

    private static let chosen = "(SELECT short FROM temp.forgetting)"

    /// A document whose item was corrected in place shows its latest version's text, not the one
    /// its hash names: every version its file held is buried too, so that text does not come back
    /// through another feed.
    /// (Not a text another document holds: that one stays.)
    private static let versionsSQL = """
        INSERT OR IGNORE INTO tombstones (short, path, forgotten_at)
            SELECT short, path, ?1 FROM (
                SELECT substr(versions.hash, 1, 16) AS short, forgetting.path AS path
                FROM item_files JOIN temp.forgetting AS forgetting ON item_files.document = forgetting.short
                JOIN item_versions AS versions ON versions.feed = item_files.feed AND versions.item = item_files.item
                WHERE versions.written = 1
                UNION SELECT substr(item_files.hash, 1, 16), forgetting.path
                FROM item_files JOIN temp.forgetting AS forgetting ON item_files.document = forgetting.short)
            WHERE short NOT IN (SELECT short FROM documents)
        """

    /// Every item the documents were stored for gets a tombstone; each feed's count goes down by
    /// the documents it held among them; then their rows go, a revised item's file and kept source
    /// values with them.
    private static let buryingSQL = """
        INSERT OR REPLACE INTO tombstone_items (feed, item, short)
            SELECT feed, item, short FROM provenance WHERE short IN \(chosen)
            UNION SELECT feed, item, short FROM items WHERE short IN \(chosen)
            UNION SELECT feed, item, document FROM item_files WHERE document IN \(chosen);
        CREATE TEMP TABLE IF NOT EXISTS forgotten_counts (feed TEXT PRIMARY KEY, documents INTEGER NOT NULL) WITHOUT ROWID;
        DELETE FROM temp.forgotten_counts;
        INSERT INTO temp.forgotten_counts (feed, documents)
            SELECT feed, count(DISTINCT short) FROM provenance WHERE short IN \(chosen) GROUP BY feed;
        UPDATE feed_state SET documents = max(0, documents
            - (SELECT documents FROM temp.forgotten_counts WHERE forgotten_counts.feed = feed_state.feed))
            WHERE feed IN (SELECT feed FROM temp.forgotten_counts);
        DELETE FROM provenance WHERE short IN \(chosen);
        DELETE FROM items WHERE short IN \(chosen);
        DELETE FROM pending WHERE short IN \(chosen);
        DELETE FROM documents WHERE short IN \(chosen);
        DELETE FROM item_files WHERE document IN \(chosen);
        DELETE FROM sources WHERE document IN \(chosen);
        DELETE FROM held_versions WHERE document IN \(chosen);
        DELETE FROM adoptions WHERE short IN \(chosen);
        DELETE FROM readers WHERE short IN \(chosen);
        DELETE FROM temp.forgetting;
        """
}
