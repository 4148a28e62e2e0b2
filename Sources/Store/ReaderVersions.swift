internal import FeedModel

/// A feed's other text of an item whose post another feed stored (a category feed carrying its
/// blog's post, `readers`): the blog's correction that the category feed read first, or the
/// category feed's own edit. The two cannot be told apart until the post's feed has answered: a
/// correction stored as the reader's post first, then written into the blog's post by the blog's
/// own correction, made two identical posts (round 54). So the text waits (recorded, its feed
/// reads it again at its next poll) until every feed that stored the post has answered since it
/// was first seen, or a day has passed; by then the post holds it (a duplicate), or it is the
/// reader's own post.
struct ReaderVersions {
    private let anyRead: SQLiteStatement, post: SQLiteStatement, owners: SQLiteStatement, firstSeen: SQLiteStatement

    init(database: SQLiteDatabase) throws(StoreError) {
        anyRead = try database.prepare("SELECT 1 FROM readers WHERE feed = ?1 LIMIT 1")
        post = try database.prepare("""
            SELECT readers.short FROM readers JOIN documents ON documents.short = readers.short
            WHERE readers.feed = ?1 AND readers.item = ?2 LIMIT 1
            """)
        owners = try database.prepare("SELECT feed FROM provenance WHERE short = ?1 AND feed != ?2")
        firstSeen = try database.prepare("SELECT seen_at FROM item_versions WHERE feed = ?1 AND item = ?2 AND hash = ?3")
    }

    /// A document new to the store that its feed carries for another feed's post.
    struct Reading {
        let document: Document
        /// The feeds that stored the post.
        let owners: [String]
        /// When this text was first seen (now, the first time).
        let firstSeen: Timestamp
    }

    /// Of `documents` (none of them stored), those that stand for another feed's post.
    func readings(among documents: [Document], now: Timestamp) throws(StoreError) -> [Reading] {
        // By feed, whether it reads any other feed's post: one look a feed, not one a document.
        var readsOthers: [String: Bool] = [:]
        var found: [Reading] = []
        for document in documents {
            if readsOthers[document.feed] == nil {
                var any = false
                try anyRead.run([.text(document.feed)]) { _ in any = true }
                readsOthers[document.feed] = any
            }
            guard readsOthers[document.feed] == true, let short = try post(for: document) else { continue }
            var feeds: [String] = []
            try owners.run([.text(short), .text(document.feed)]) { row in if let feed = row.text(0) { feeds.append(feed) } }
            guard !feeds.isEmpty else { continue }
            var seen: Timestamp?
            try firstSeen.run([.text(document.feed), .text(document.itemIdentity), .text(document.contentHash)]) { row in
                seen = row.integer(0).map(Timestamp.init(secondsSince1970:))
            }
            found.append(Reading(document: document, owners: feeds, firstSeen: seen ?? now))
        }
        return found
    }

    private func post(for document: Document) throws(StoreError) -> String? {
        var short: String?
        try post.run([.text(document.feed), .text(document.itemIdentity)]) { short = $0.text(0) }
        return short
    }

    /// How long a reading waits at most for the post's feeds.
    static let longestWait: Int64 = 86_400
}

extension DocumentStore {
    /// Of the batch's new documents, those that wait for another feed's answer (`ReaderVersions`),
    /// recorded as seen: their feeds read them again at the next poll.
    func readingsWaiting(among documents: [Document], now: Timestamp) throws(StoreError) -> [Document] {
        let readings = try ReaderVersions(database: index.database).readings(among: documents, now: now)
        guard !readings.isEmpty else { return [] }
        var waiting: [Document] = []
        for reading in readings where now.secondsSince1970 - reading.firstSeen.secondsSince1970 < ReaderVersions.longestWait {
            if try anyHasNotAnswered(reading.owners, since: reading.firstSeen) { waiting.append(reading.document) }
        }
        guard !waiting.isEmpty else { return [] }
        try index.database.transaction { () throws(StoreError) in
            for document in waiting {
                try index.revisions.recordVersion(feed: document.feed, item: document.itemIdentity, hash: document.contentHash,
                                                  seenAt: now, written: false)
                try index.revisions.trimVersions(feed: document.feed, item: document.itemIdentity, document: nil, now: now)
            }
        }
        return waiting
    }

    /// Whether any of `feeds` (enabled) has not answered since `time`: fetched with a status of
    /// 2xx or 3xx after it. Feeds failing for a while (five in a row), gone or not enabled hold
    /// nothing back.
    func anyHasNotAnswered(_ feeds: [String], since time: Timestamp) throws(StoreError) -> Bool {
        guard let enabled = enabledFeeds else { return false }
        let asked = feeds.filter(enabled.contains)
        guard !asked.isEmpty else { return false }
        let states = try feedStates(asked)
        return asked.contains { name in
            guard let state = states[name] else { return true }
            if state.gone || state.consecutiveErrors >= 5 { return false }
            guard let last = state.lastFetch, let status = state.lastStatus else { return true }
            return !(last > time && (200..<400).contains(status))
        }
    }
}
