internal import FeedModel

/// Posts an index rebuilt from the files knows by their first text only. A post corrected in
/// place keeps the name its first text gave it, and the text it holds now is named nowhere in
/// the files: after `rebuild-index` the next crawl took the item's current text for a new one and
/// published the post twice, byte for byte (round 63). So the rebuild lists each post no item is
/// known to live in by its file's digest (`unclaimed_files`), and a new document whose file would
/// be byte for byte such a post is that post: adopted by its feed, with this text as the version
/// it holds, as a correction in place would have left it. A store never rebuilt lists none, and
/// pays one lookup a batch.
extension RevisionIndex {
    /// Schema 18.
    static let unclaimedFilesTable = "CREATE TABLE IF NOT EXISTS unclaimed_files (digest TEXT PRIMARY KEY, short TEXT NOT NULL) WITHOUT ROWID;\n"

    /// After a rebuild: every indexed post that no item lives in, by the digest of its bytes.
    static func listUnclaimed(in database: SQLiteDatabase) throws(StoreError) {
        try database.execute("""
            DELETE FROM unclaimed_files;
            INSERT OR IGNORE INTO unclaimed_files (digest, short) SELECT digest, short FROM documents
                WHERE digest IS NOT NULL AND short NOT IN (SELECT document FROM item_files);
            """)
    }

    /// Of the batch's new documents, those whose file would be an unclaimed post's bytes, with that
    /// post's short hash; only a post no configured feed owns (a copycat's text is no post of the blog's).
    func unclaimedCopies(of prepared: [PreparedDocument],
                         configured: Set<String>?) throws(StoreError) -> [(document: Document, file: String)] {
        guard let configured, !prepared.isEmpty, try database.integer("SELECT count(*) FROM (SELECT 1 FROM unclaimed_files LIMIT 1)") > 0
        else { return [] }
        let byDigest = try database.prepare("SELECT short FROM unclaimed_files WHERE digest = ?1")
        let owners = try database.prepare("SELECT feed FROM provenance WHERE short = ?1")
        var copies: [(document: Document, file: String)] = [], taken: Set<String> = []
        for entry in prepared {
            var file: String?
            try byDigest.run([.text(entry.digest)]) { row in file = row.text(0) }
            guard let file, file != entry.document.shortHash, !taken.contains(file) else { continue }
            var owned = false
            try owners.run([.text(file)]) { row in owned = owned || row.text(0).map(configured.contains) == true }
            guard !owned else { continue }
            taken.insert(file)
            copies.append((entry.document, file))
        }
        return copies
    }

    /// Each copy's post becomes its feed's, holding the copy's text (inside one transaction).
    func adoptUnclaimed(_ copies: [(document: Document, file: String)], storedAt: Timestamp) throws(StoreError) {
        guard !copies.isEmpty else { return }
        let provenance = try database.prepare("""
            INSERT OR IGNORE INTO provenance (feed, item, short, hash, stored_at, revises) VALUES (?1, ?2, ?3, ?4, ?5, NULL)
            """)
        let latest = try database.prepare("INSERT OR IGNORE INTO items (feed, item, short) VALUES (?1, ?2, ?3)")
        let adoptions = try database.prepare("INSERT OR IGNORE INTO adoptions (feed, short) VALUES (?1, ?2)")
        let held = try database.prepare("INSERT OR REPLACE INTO held_versions (short, document, date) VALUES (?1, ?2, ?3)")
        let claimed = try database.prepare("DELETE FROM unclaimed_files WHERE short = ?1")
        try database.transaction { () throws(StoreError) in
            for (document, file) in copies {
                let feed = SQLiteStatement.Value.text(document.feed), item = SQLiteStatement.Value.text(document.itemIdentity)
                let short = SQLiteStatement.Value.text(file), hash = SQLiteStatement.Value.text(document.contentHash)
                try provenance.run([feed, item, short, hash, .integer(storedAt.secondsSince1970)])
                try latest.run([feed, item, short])
                try adoptions.run([feed, short])
                try held.run([.text(document.shortHash), short, .integer(document.date.secondsSince1970)])
                try recordFile(of: document, in: file)
                try claimed.run([short])
            }
        }
    }
}
