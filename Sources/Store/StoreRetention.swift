public import FeedModel

/// `keep:` applied to one feed: its documents past the bound are forgotten, as `store forget`
/// forgets them (tombstones first, then the files, then one syncfs).
extension DocumentStore {
    /// The paths forgotten (none: nothing was past the bound, and nothing was written).
    public func applyRetention(_ keep: Retention, feed: String, now: Timestamp) throws(StoreError) -> [String] {
        // Newest first; a read of the feed's own provenance rows (they sit together, by feed).
        let statement = try indexDatabase.prepare("""
            SELECT documents.short, documents.path, documents.date FROM provenance
            JOIN documents ON documents.short = provenance.short
            WHERE provenance.feed = ?1 AND provenance.short NOT IN (SELECT short FROM pending)
            ORDER BY documents.date DESC, documents.id DESC
            """)
        var rows: [(short: String, path: String, date: Int64)] = []
        try statement.run([.text(feed)]) { row in
            rows.append((row.text(0) ?? "", row.text(1) ?? "", row.integer(2) ?? 0))
        }
        let past: ArraySlice<(short: String, path: String, date: Int64)>
        switch keep {
        case .newest(let count):
            past = rows.dropFirst(count)
        case .within(let seconds):
            let cutoff = now.secondsSince1970 - Int64(min(seconds, 1e15))
            past = rows.filter { $0.date < cutoff }[...]
        }
        guard !past.isEmpty else { return [] }
        let assets = try assets(usedBy: past.map(\.short))
        try Tombstones.bury(past.map { (short: $0.short, path: $0.path) }, at: now, in: indexDatabase)
        // A file that cannot go is named by `verify` (forgotten, yet on disk).
        _ = removeFiles(past.map(\.path))
        try folder.syncFileSystem()
        // Kept images no remaining document uses go after the documents (a crash between leaves them unreferenced).
        _ = try removeUnused(assets)
        return past.map(\.path)
    }
}
