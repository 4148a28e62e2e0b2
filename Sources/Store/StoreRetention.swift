public import FeedModel

/// What `keep:` did to one feed's documents.
public struct RetentionOutcome: Sendable {
    /// The paths forgotten.
    public var forgotten: [String] = []
    /// Past the bound, but edited by hand since they were stored: kept, never removed unasked.
    public var keptEdited: [String] = []

    public init() {}
}

/// `keep:` applied to one feed: its documents past the bound are forgotten, as `store forget`
/// forgets them (tombstones first, then the files, then one syncfs).
extension DocumentStore {
    /// Nothing forgotten when nothing was past the bound, and then nothing was written.
    public func applyRetention(_ keep: Retention, feed: String, now: Timestamp) throws(StoreError) -> RetentionOutcome {
        // Newest first; a read of the feed's own provenance rows (they sit together, by feed). Not
        // those it adopted: another feed may have stored them (a planet adopts a blog's posts); nor
        // those another feed carries too (`readers`): the other feed's post would go with them.
        // A post keeps the date it was published with when its item is corrected (its URL is made
        // of it); how recent it is counts its versions' own dates too: a republished item was
        // forgotten first, as the oldest, by `keep: 3`. (Not the time a version came: a view
        // counter corrects every post on every poll, and then each new post went first.)
        let statement = try indexDatabase.prepare("""
            SELECT documents.short, documents.path, documents.date, documents.bytes, documents.digest,
                max(documents.date, coalesce((SELECT max(date) FROM held_versions  -- by its index on (document, date)
                    WHERE held_versions.document = documents.short), 0)) AS recency FROM provenance
            JOIN documents ON documents.short = provenance.short
            WHERE provenance.feed = ?1 AND provenance.short NOT IN (SELECT short FROM pending)
                AND provenance.short NOT IN (SELECT short FROM adoptions WHERE feed = ?1)
                AND provenance.short NOT IN (SELECT short FROM readers WHERE feed != ?1)
            ORDER BY recency DESC, documents.id DESC
            """)
        var rows: [IndexedDocument] = []
        var recency: [String: Int64] = [:]
        try statement.run([.text(feed)]) { row in
            let document = IndexedDocument(shortHash: row.text(0) ?? "", path: row.text(1) ?? "",
                                           date: Timestamp(secondsSince1970: row.integer(2) ?? 0),
                                           bytes: Int(row.integer(3) ?? 0), digest: row.text(4))
            rows.append(document)
            recency[document.shortHash] = row.integer(5) ?? document.date.secondsSince1970
        }
        let past: ArraySlice<IndexedDocument>
        switch keep {
        case .newest(let count):
            past = rows.dropFirst(count)
        case .within(let seconds):
            let cutoff = now.secondsSince1970 - Int64(min(seconds, 1e15))
            past = rows.filter { (recency[$0.shortHash] ?? $0.date.secondsSince1970) < cutoff }[...]
        }
        var outcome = RetentionOutcome()
        // A post the site owner edited is theirs: removing it would lose the edit with it.
        var chosen: [IndexedDocument] = []
        for document in past {
            if isEditedByHand(document) { outcome.keptEdited.append(document.path) } else { chosen.append(document) }
        }
        guard !chosen.isEmpty else { return outcome }
        let assets = try assets(usedBy: chosen.map(\.shortHash))
        try Tombstones.bury(chosen.map { (short: $0.shortHash, path: $0.path) }, at: now, onlyFor: feed, in: indexDatabase)
        // A file that cannot go is named by `verify` (forgotten, yet on disk).
        _ = removeFiles(chosen.map(\.path))
        try folder.syncFileSystem()
        // Kept images no remaining document uses go after the documents (a crash between leaves them unreferenced).
        _ = try removeUnused(assets)
        outcome.forgotten = chosen.map(\.path)
        return outcome
    }
}
