internal import FeedModel

extension DocumentStore {
    /// A stored document as the index records it, by its short hash (nil when not stored).
    public func indexedDocument(shortHash: String) throws(StoreError) -> IndexedDocument? {
        var found: IndexedDocument?
        try index.database.prepare("SELECT short, path, date, bytes, digest FROM documents WHERE short = ?1")
            .run([.text(shortHash)]) { row in
                found = IndexedDocument(shortHash: row.text(0) ?? "", path: row.text(1) ?? "",
                                        date: Timestamp(secondsSince1970: row.integer(2) ?? 0),
                                        bytes: Int(row.integer(3) ?? 0), digest: row.text(4))
            }
        return found
    }
}
