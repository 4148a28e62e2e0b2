internal import FeedModel

/// The index's side of revisions and re-rendering (tables in `RevisionTables`): which file each
/// item lives in, the versions seen, the kept source values, pending rewrites and the profile.
/// Statements are prepared once, on the index's own connection. Not Sendable: one owner.
final class RevisionIndex {
    let database: SQLiteDatabase
    private let upsertItemFile: SQLiteStatement
    private let upsertSource: SQLiteStatement
    private let insertVersion: SQLiteStatement
    private let lookupFile: SQLiteStatement
    private let addReader: SQLiteStatement
    private let addReaderOfHeld: SQLiteStatement
    private let trimHeld: SQLiteStatement, trimVersions: SQLiteStatement, heldByAnother: SQLiteStatement
    private let movedLink: SQLiteStatement

    /// An item's versions are kept for this long after they were first seen, and the newest
    /// `versionsKeptAnyway` of them longer: a feed a poll (or a day) behind still brings a text
    /// known as stored, and a view counter corrected at every poll no longer adds rows for good
    /// (round 54: two rows an item and poll, never trimmed).
    static let versionsKeptSeconds: Int64 = 7 * 86_400
    static let versionsKeptAnyway = 16

    init(database: SQLiteDatabase) throws(StoreError) {
        self.database = database
        upsertItemFile = try database.prepare("""
            INSERT INTO item_files (feed, item, document, hash, link) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (feed, item) DO UPDATE SET document = excluded.document, hash = excluded.hash, link = excluded.link
            """)
        upsertSource = try database.prepare(
            "INSERT OR REPLACE INTO sources (document, feed, item, data) VALUES (?1, ?2, ?3, ?4)")
        insertVersion = try database.prepare("""
            INSERT INTO item_versions (feed, item, hash, seen_at, written) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT (feed, item, hash) DO UPDATE SET written = max(written, excluded.written)
            """)
        lookupFile = try Self.prepareLookup(on: database)
        movedLink = try database.prepare("UPDATE item_files SET link = ?3 WHERE feed = ?1 AND item = ?2")
        // ?1 feed, ?2 item, ?3 the oldest seen_at kept, ?4 the document the item lives in.
        let trimmed = """
            SELECT hash FROM item_versions WHERE feed = ?1 AND item = ?2 AND seen_at < ?3 AND hash NOT IN (
                SELECT hash FROM item_versions WHERE feed = ?1 AND item = ?2 ORDER BY seen_at DESC LIMIT \(Self.versionsKeptAnyway))
            """
        trimHeld = try database.prepare("""
            DELETE FROM held_versions WHERE document = ?4 AND short IN (SELECT substr(hash, 1, 16) FROM (\(trimmed)))
            """)
        trimVersions = try database.prepare("DELETE FROM item_versions WHERE feed = ?1 AND item = ?2 AND hash IN (\(trimmed))")
        heldByAnother = try database.prepare("""
            SELECT 1 FROM provenance WHERE short = ?1 AND short != ?2 AND feed = ?3
            UNION ALL SELECT 1 FROM held_versions JOIN provenance ON provenance.short = held_versions.document
                WHERE held_versions.short = ?1 AND held_versions.document != ?2 AND provenance.feed = ?3 LIMIT 1
            """)
        // ?3: the reading feed's item, which the post now stands for (`ReaderVersions`).
        addReader = try database.prepare("""
            INSERT INTO readers (short, feed, item) VALUES (?1, ?2, ?3) ON CONFLICT (short, feed) DO UPDATE SET item = excluded.item
            """)
        // A text a corrected post held (`held_versions`) is that post's, read by this feed too.
        addReaderOfHeld = try database.prepare("""
            INSERT INTO readers (short, feed, item) SELECT document, ?2, ?3 FROM held_versions WHERE short = ?1
                AND EXISTS (SELECT 1 FROM provenance WHERE provenance.short = held_versions.document AND feed != ?2)
            ON CONFLICT (short, feed) DO UPDATE SET item = excluded.item
            """)
    }

    /// The document an item lives in, by its feed and identity, through any connection.
    static func prepareLookup(on database: SQLiteDatabase) throws(StoreError) -> SQLiteStatement {
        try database.prepare("""
            SELECT item_files.document, item_files.hash, documents.path, item_files.link, documents.date FROM item_files
            JOIN documents ON documents.short = item_files.document WHERE feed = ?1 AND item = ?2
            """)
    }

    struct ItemFile {
        let document: String
        let hash: String
        let path: String
        let link: String?
        /// The date of the version in the file.
        let date: Int64?
    }

    static func file(of feed: String, item: String, using lookup: SQLiteStatement) throws(StoreError) -> ItemFile? {
        var found: ItemFile?
        try lookup.run([.text(feed), .text(item)]) { row in
            found = ItemFile(document: row.text(0) ?? "", hash: row.text(1) ?? "", path: row.text(2) ?? "",
                             link: row.text(3), date: row.integer(4))
        }
        return found
    }

    func file(of feed: String, item: String) throws(StoreError) -> ItemFile? {
        try Self.file(of: feed, item: item, using: lookupFile)
    }

    /// Items a batch found stored already under another identity of the same feed (its `identity:`
    /// changed, or fell back to guid and link): each now lives in that document too, so that its
    /// next version corrects the document instead of being stored as a second post. Never a
    /// document another configured feed stored: a feed that copies another's item and then edits
    /// it would write its text into that feed's post. Items with a file of their own keep it; a
    /// document forgotten since is linked to nothing.
    ///
    /// A document no feed of `configured` owns (its index lost and rebuilt from the files, or its
    /// feed moved and renamed in one edit) is adopted (`Adoption`): it becomes the reading feed's,
    /// so its corrections replace it (its `keep:` does not forget it). Returns those, and the
    /// documents whose adoption a second reader withdrew (`Adoption.isContested`).
    /// `storedNow`: by feed, how many new documents this batch stored (a moved feed's new posts).
    /// `writtenAlike`: whether the post's file holds what this feed would write for the item, byte
    /// for byte (its channel's title, its author, its settings): only such a post is adopted.
    /// A post another configured feed stored is recorded as this feed's reading too (`readers`):
    /// the storing feed's `keep:` then does not forget it.
    func linkDuplicates(_ documents: [Document], adoptingUnlessOwnedBy configured: Set<String>?,
                        storedNow: [String: Int] = [:], writtenAlike: (Document) -> Bool = { _ in true },
                        storedAt: Timestamp) throws(StoreError) -> (adopted: [Document], contested: [Document]) {
        var missing: [Document] = [], moved: [(Document, String)] = []
        for document in documents {
            guard let file = try file(of: document.feed, item: document.itemIdentity) else {
                missing.append(document)
                continue
            }
            // Its very text under its guid, at another link: the post's slug changed. Kept, or
            // the item's next correction was taken for another story under a reused guid and
            // published beside it (round 63).
            if file.hash == document.contentHash, let link = document.source?.item.link, !link.isEmpty,
               let stored = file.link, StoryLink.key(stored) != StoryLink.key(link) {
                moved.append((document, link))
            }
        }
        if !moved.isEmpty {
            try database.transaction { () throws(StoreError) in
                for (document, link) in moved {
                    try movedLink.run([.text(document.feed), .text(document.itemIdentity), .text(link)])
                }
            }
        }
        guard !missing.isEmpty else { return ([], []) }
        let adoption = try Adoption(database: database, configured: configured)
        var adopted: [Document] = [], contested: [Document] = []
        try database.transaction { () throws(StoreError) in
            for document in missing {
                guard let owners = try adoption.owners(of: document) else {
                    try addReaderOfHeld.run([.text(document.shortHash), .text(document.feed), .text(document.itemIdentity)])
                    continue
                }
                // Another configured feed's post, which this feed carries too: it must stay as both read it.
                if !owners.contains(document.feed), !owners.isDisjoint(with: configured ?? owners) {
                    try addReader.run([.text(document.shortHash), .text(document.feed), .text(document.itemIdentity)])
                }
                if owners.contains(document.feed) {
                    // Not to a post corrected since: its text is another now, and a new story that
                    // came with its first text ("Developing story…") would write over it.
                    guard try !adoption.isCorrected(document.shortHash) else { continue }
                    try recordNew(document, source: nil)
                } else if !writtenAlike(document) {
                    // A feed that would not have written the post (another channel, author or
                    // settings: a copycat, a planet) takes no part in who holds it.
                    continue
                } else if let contest = try adoption.contest(document, owners: owners) {
                    if contest == .now { contested.append(document) }
                } else if try adoption.mayAdopt(document, from: owners, storedNow: storedNow) {
                    try adoption.record(document, storedAt: storedAt)
                    // With the feed's source values: `rerender` renders it with that feed's settings,
                    // not those of a feed no longer configured.
                    try recordNew(document, source: document.source.map(SourceCoding.encode))
                    adopted.append(document)
                }
            }
        }
        return (adopted, contested)
    }

    /// A new document (inside the caller's transaction): its item now lives in it, and its source
    /// values (`SourceCoding`, encoded by the caller) are kept.
    func recordNew(_ document: Document, source: [UInt8]?) throws(StoreError) {
        try upsertItemFile.run([.text(document.feed), .text(document.itemIdentity), .text(document.shortHash),
                                .text(document.contentHash), .text(document.source?.item.link)])
        if let source {
            try upsertSource.run([.text(document.shortHash), .text(document.feed), .text(document.itemIdentity),
                                  .blob(source)])
        }
    }

    /// `document`'s item lives in the post `file` (another document's), holding its text now.
    func recordFile(of document: Document, in file: String) throws(StoreError) {
        try upsertItemFile.run([.text(document.feed), .text(document.itemIdentity), .text(file),
                                .text(document.contentHash), .text(document.source?.item.link)])
        if let source = document.source.map(SourceCoding.encode) {
            try upsertSource.run([.text(file), .text(document.feed), .text(document.itemIdentity), .blob(source)])
        }
    }

    func recordVersion(feed: String, item: String, hash: String, seenAt: Timestamp, written: Bool) throws(StoreError) {
        try insertVersion.run([.text(feed), .text(item), .text(hash), .integer(seenAt.secondsSince1970),
                               .integer(written ? 1 : 0)])
    }

    /// Whether another post of `feed` than `document` holds, or has held, the text of `short`: a
    /// correction to it would make that post twice (round 54: an old entry changed to match its
    /// republished story). Its own post's texts do not count: an edit taken back corrects the post
    /// in place. Nor do other feeds' posts: a blog's correction its category feed stored first as
    /// a post of its own still corrects the blog's post, which would otherwise stay stale.
    func heldElsewhere(_ short: String, otherThan document: String, feed: String) throws(StoreError) -> Bool {
        var found = false
        try heldByAnother.run([.text(short), .text(document), .text(feed)]) { _ in found = true }
        return found
    }

    /// Forgets the item's versions past `versionsKeptSeconds` but its newest, and the texts its
    /// post held among them (inside the caller's transaction). No post (`document` nil): a feed's
    /// texts of another feed's post (`ReaderVersions`), whose held texts are that feed's to trim.
    func trimVersions(feed: String, item: String, document: String?, now: Timestamp) throws(StoreError) {
        let values: [SQLiteStatement.Value] = [.text(feed), .text(item), .integer(now.secondsSince1970 - Self.versionsKeptSeconds),
                                     .text(document)]
        if document != nil { try trimHeld.run(values) }
        try trimVersions.run(Array(values.prefix(3)))
    }

    /// Undone documents (in the order undone) take their source values with them, and their
    /// item's file goes back to the document each revised, as `items` does (none: the item had
    /// no file before). A revised document that this same call undoes has lost its `provenance`
    /// row already and gives no file back; the document it revised in turn does.
    func forget(_ documents: [(feed: String, item: String, short: String, revised: String?)]) throws(StoreError) {
        let dropFile = try database.prepare("DELETE FROM item_files WHERE feed = ?1 AND item = ?2 AND document = ?3")
        let dropSource = try database.prepare("DELETE FROM sources WHERE document = ?1")
        let restoreFile = try database.prepare("""
            INSERT OR IGNORE INTO item_files (feed, item, document, hash)
                SELECT feed, item, short, hash FROM provenance WHERE feed = ?1 AND item = ?2 AND short = ?3
            """)
        for document in documents {
            try dropFile.run([.text(document.feed), .text(document.item), .text(document.short)])
            try dropSource.run([.text(document.short)])
            if let revised = document.revised {
                try restoreFile.run([.text(document.feed), .text(document.item), .text(revised)])
            }
        }
    }

    /// Rewrites listed and not finished, by document: where each is going.
    static func rewritesInProgress(in database: SQLiteDatabase) throws(StoreError) -> [String: (path: String, oldPath: String)] {
        var rows: [String: (path: String, oldPath: String)] = [:]
        try database.prepare("SELECT document, path, old_path FROM rewrites").run([]) { row in
            if let document = row.text(0) { rows[document] = (row.text(1) ?? "", row.text(2) ?? "") }
        }
        return rows
    }

    /// Documents whose file holds a later version of their item than the one that named it.
    static func replacedDocuments(in database: SQLiteDatabase) throws(StoreError) -> Set<String> {
        var shorts: Set<String> = []
        try database.prepare("SELECT document FROM item_files WHERE substr(hash, 1, 16) != document").run([]) { row in
            if let short = row.text(0) { shorts.insert(short) }
        }
        return shorts
    }

    static let dropOrphans = """
        DELETE FROM item_files WHERE document NOT IN (SELECT short FROM documents);
        DELETE FROM sources WHERE document NOT IN (SELECT short FROM documents);
        DELETE FROM held_versions WHERE document NOT IN (SELECT short FROM documents);
        DELETE FROM adoptions WHERE short NOT IN (SELECT short FROM documents);
        """

    // MARK: Pending rewrites

    struct Rewrite {
        var document: String
        var temp: String
        var path: String
        var oldPath: String
        var date: Timestamp
        var bytes: Int
        /// SHA-256 of the new text, for `verify` (set when its temp file is written).
        var digest: String?
        /// For a replacement: the item, its new content hash and source values.
        var feed: String?
        var item: String?
        var hash: String?
        var link: String?
        var source: [UInt8]?
        /// The new version's own date (the document keeps the one it was published with), for
        /// `keep:`; not kept across a crash (then the published date stands).
        var versionDate: Timestamp?
    }

    func recordRewrites(_ rewrites: [Rewrite]) throws(StoreError) {
        let insert = try database.prepare("""
            INSERT OR REPLACE INTO rewrites (document, temp, path, old_path, date, bytes, feed, item, hash, link, data, position, digest)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
            """)
        try database.transaction { () throws(StoreError) in
            for (position, rewrite) in rewrites.enumerated() {
                try insert.run([.text(rewrite.document), .text(rewrite.temp), .text(rewrite.path), .text(rewrite.oldPath),
                                .integer(rewrite.date.secondsSince1970), .integer(Int64(rewrite.bytes)),
                                .text(rewrite.feed), .text(rewrite.item), .text(rewrite.hash), .text(rewrite.link),
                                .blob(rewrite.source),
                                .integer(Int64(position)), .text(rewrite.digest)])
            }
        }
    }

    func pendingRewrites() throws(StoreError) -> [Rewrite] {
        var rows: [Rewrite] = []
        let select = try database.prepare("""
            SELECT document, temp, path, old_path, date, bytes, feed, item, hash, link, data, digest FROM rewrites ORDER BY position
            """)
        try select.run([]) { row in
            rows.append(Rewrite(document: row.text(0) ?? "", temp: row.text(1) ?? "", path: row.text(2) ?? "",
                                oldPath: row.text(3) ?? "", date: Timestamp(secondsSince1970: row.integer(4) ?? 0),
                                bytes: Int(row.integer(5) ?? 0), digest: row.text(11), feed: row.text(6), item: row.text(7),
                                hash: row.text(8), link: row.text(9), source: row.blob(10)))
        }
        return rows
    }

    /// The files are in place: the index follows them, and the rewrites are done.
    func applyRewrites(_ rewrites: [Rewrite]) throws(StoreError) {
        let updateDocument = try database.prepare("UPDATE documents SET path = ?2, date = ?3, bytes = ?4, digest = ?5 WHERE short = ?1")
        let done = try database.prepare("DELETE FROM rewrites WHERE document = ?1")
        let heldVersion = try database.prepare("INSERT OR REPLACE INTO held_versions (short, document, date) VALUES (?1, ?2, ?3)")
        try database.transaction { () throws(StoreError) in
            for rewrite in rewrites {
                let document = SQLiteStatement.Value.text(rewrite.document)
                try updateDocument.run([document, .text(rewrite.path), .integer(rewrite.date.secondsSince1970),
                                        .integer(Int64(rewrite.bytes)), .text(rewrite.digest)])
                if let feed = rewrite.feed, let item = rewrite.item, let hash = rewrite.hash {
                    try upsertItemFile.run([.text(feed), .text(item), document, .text(hash), .text(rewrite.link)])
                    try heldVersion.run([.text(String(hash.prefix(16))), document,
                                         .integer(rewrite.versionDate?.secondsSince1970)])
                    if let source = rewrite.source { try upsertSource.run([document, .text(feed), .text(item), .blob(source)]) }
                }
                try done.run([document])
            }
        }
    }

    // MARK: Sources and profile

    struct SourceRow {
        let document: IndexedDocument
        let feed: String?
        let item: String?
        let data: [UInt8]?
    }

    /// Documents after `after` in hash order, with their source values where kept.
    func sourceRows(feed: String?, after: String, limit: Int) throws(StoreError) -> [SourceRow] {
        let select = try database.prepare("""
            SELECT documents.short, documents.path, documents.date, documents.bytes, sources.feed, sources.item, sources.data
            FROM documents LEFT JOIN sources ON sources.document = documents.short
            WHERE documents.short > ?1 AND (?2 IS NULL OR sources.feed = ?2)
              AND documents.short NOT IN (SELECT short FROM pending)
            ORDER BY documents.short LIMIT ?3
            """)
        var rows: [SourceRow] = []
        try select.run([.text(after), .text(feed), .integer(Int64(limit))]) { row in
            rows.append(SourceRow(
                document: IndexedDocument(shortHash: row.text(0) ?? "", path: row.text(1) ?? "",
                                          date: Timestamp(secondsSince1970: row.integer(2) ?? 0),
                                          bytes: Int(row.integer(3) ?? 0)),
                feed: row.text(4), item: row.text(5), data: row.blob(6)))
        }
        return rows
    }

    /// When `feed` adopted the document; nil when it did not (or no longer holds it).
    func adoptionTime(feed: String, short: String) throws(StoreError) -> Timestamp? {
        var time: Timestamp?
        try database.prepare("""
            SELECT provenance.stored_at FROM adoptions JOIN provenance
                ON provenance.feed = adoptions.feed AND provenance.short = adoptions.short
            WHERE adoptions.feed = ?1 AND adoptions.short = ?2
            """).run([.text(feed), .text(short)]) { row in time = row.integer(0).map(Timestamp.init(secondsSince1970:)) }
        return time
    }

    func profile() throws(StoreError) -> String? {
        var value: String?
        try database.prepare("SELECT value FROM store_profile WHERE key = 'output'").run([]) { value = $0.text(0) }
        return value
    }

    /// Files of another output a rebuild left out of the index (nil: none), for the crawl to refuse.
    func foreignFiles() throws(StoreError) -> String? {
        var value: String?
        try database.prepare("SELECT value FROM store_profile WHERE key = 'foreign_files'").run([]) { value = $0.text(0) }
        return value
    }

    func recordForeignFiles(_ value: String?) throws(StoreError) {
        if let value {
            try database.prepare("INSERT OR REPLACE INTO store_profile (key, value) VALUES ('foreign_files', ?1)").run([.text(value)])
        } else {
            try database.execute("DELETE FROM store_profile WHERE key = 'foreign_files';")
        }
    }

    func recordProfile(_ value: String) throws(StoreError) {
        try database.prepare("INSERT OR REPLACE INTO store_profile (key, value) VALUES ('output', ?1)").run([.text(value)])
    }

    /// A `store rerender` under way or cut short: the settings it writes the documents with (nil: none).
    static func rerendering(in database: SQLiteDatabase) -> String? {
        var value: String?
        try? database.prepare("SELECT value FROM store_profile WHERE key = 'rerendering'").run([]) { value = $0.text(0) }
        return value
    }

    func markRerendering(_ profile: String?) throws(StoreError) {
        if let profile {
            try database.prepare("INSERT OR REPLACE INTO store_profile (key, value) VALUES ('rerendering', ?1)")
                .run([.text(profile)])
        } else {
            try database.execute("DELETE FROM store_profile WHERE key = 'rerendering';")
        }
    }
}

/// Who owns a stored document, and whether a feed may take it over (`linkDuplicates`).
private struct Adoption {
    let configured: Set<String>?
    private let exists: SQLiteStatement, owners: SQLiteStatement, ownsDocuments: SQLiteStatement, corrected: SQLiteStatement
    private let adopters: SQLiteStatement, revoke: SQLiteStatement, revokeFiles: SQLiteStatement
    private let markContested: SQLiteStatement, clearAdopters: SQLiteStatement
    private let provenance: SQLiteStatement, latest: SQLiteStatement, adoptions: SQLiteStatement

    init(database: SQLiteDatabase, configured: Set<String>?) throws(StoreError) {
        self.configured = configured
        exists = try database.prepare("SELECT 1 FROM documents WHERE short = ?1")
        owners = try database.prepare("SELECT feed FROM provenance WHERE short = ?1")
        ownsDocuments = try database.prepare("""
            SELECT count(*) FROM provenance WHERE feed = ?1 AND short NOT IN (SELECT short FROM adoptions WHERE feed = ?1)
            """)
        corrected = try database.prepare("SELECT 1 FROM held_versions WHERE document = ?1 LIMIT 1")
        adopters = try database.prepare("SELECT feed FROM adoptions WHERE short = ?1")
        revoke = try database.prepare("""
            DELETE FROM provenance WHERE short = ?1 AND feed IN (SELECT feed FROM adoptions WHERE short = ?1);
            """)
        revokeFiles = try database.prepare("""
            DELETE FROM item_files WHERE document = ?1 AND feed IN (SELECT feed FROM adoptions WHERE short = ?1)
            """)
        markContested = try database.prepare("""
            UPDATE adoptions SET feed = '' WHERE short = ?1 AND feed = (SELECT min(feed) FROM adoptions WHERE short = ?1);
            """)
        clearAdopters = try database.prepare("DELETE FROM adoptions WHERE short = ?1 AND feed != ''")
        provenance = try database.prepare("""
            INSERT OR IGNORE INTO provenance (feed, item, short, hash, stored_at, revises) VALUES (?1, ?2, ?3, ?4, ?5, NULL)
            """)
        latest = try database.prepare("INSERT OR IGNORE INTO items (feed, item, short) VALUES (?1, ?2, ?3)")
        adoptions = try database.prepare("INSERT OR IGNORE INTO adoptions (feed, short) VALUES (?1, ?2)")
    }

    /// The feeds that stored the document; nil when it is not stored (forgotten since).
    func owners(of document: Document) throws(StoreError) -> Set<String>? {
        var found = false
        try exists.run([.text(document.shortHash)]) { _ in found = true }
        guard found else { return nil }
        var feeds: Set<String> = []
        try owners.run([.text(document.shortHash)]) { row in if let feed = row.text(0) { feeds.insert(feed) } }
        return feeds
    }

    /// No configured feed owns it (stored or adopted); and a removed feed's posts go only to a feed
    /// new to the store (the same feed moved and renamed, its new posts of this pass aside), never
    /// to one with posts of its own: a copycat took the original post once its feed was
    /// unsubscribed, and wrote into it.
    func mayAdopt(_ document: Document, from owners: Set<String>, storedNow: [String: Int]) throws(StoreError) -> Bool {
        guard let configured, owners.isDisjoint(with: configured) else { return false }
        guard !owners.isEmpty else { return true }
        var owned: Int64 = 0
        try ownsDocuments.run([.text(document.feed)]) { row in owned = row.integer(0) ?? 0 }
        return owned <= Int64(storedNow[document.feed] ?? 0)
    }

    /// A post no configured feed stored but one adopted, read by another feed too (after a lost
    /// index, a blog and a copycat both carry it; round 19: a removed feed's post, read by the
    /// blog under its new URL and a copycat added in the same edit): it is no one's then, for good
    /// (a mark in `adoptions` under no feed's name), or the copycat, first to read it, wrote into
    /// the blog's post. Nil when the document is not contested.
    func contest(_ document: Document, owners: Set<String>) throws(StoreError) -> Contest? {
        var adopted: Set<String> = []
        try adopters.run([.text(document.shortHash)]) { row in if let feed = row.text(0) { adopted.insert(feed) } }
        if adopted.contains("") { return .before }
        let configuredOwners = configured.map { owners.intersection($0) } ?? owners
        guard !adopted.isEmpty, configuredOwners.isSubset(of: adopted), !owners.contains(document.feed) else { return nil }
        let short = SQLiteStatement.Value.text(document.shortHash)
        try revokeFiles.run([short])
        try revoke.run([short])
        try markContested.run([short])
        try clearAdopters.run([short])
        return .now
    }

    enum Contest {
        /// Contested by an earlier reading: no one's already.
        case before
        /// This reading withdrew an adoption.
        case now
    }

    /// Whether the document was corrected in place since it was stored.
    func isCorrected(_ short: String) throws(StoreError) -> Bool {
        var found = false
        try corrected.run([.text(short)]) { _ in found = true }
        return found
    }

    func record(_ document: Document, storedAt: Timestamp) throws(StoreError) {
        let feed = SQLiteStatement.Value.text(document.feed), short = SQLiteStatement.Value.text(document.shortHash)
        let item = SQLiteStatement.Value.text(document.itemIdentity)
        try provenance.run([feed, item, short, .text(document.contentHash), .integer(storedAt.secondsSince1970)])
        try latest.run([feed, item, short])
        try adoptions.run([feed, short])
    }
}
