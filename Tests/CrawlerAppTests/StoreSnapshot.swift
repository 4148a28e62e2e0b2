import Store

/// The index's documents, one line each, for before/after comparisons.
enum StoreSnapshot {
    static func rows(store path: String) throws -> [String] {
        let store = try DocumentStore(path: path)
        return try store.indexedDocuments().map { "\($0.shortHash) \($0.path) \($0.date.secondsSince1970) \($0.bytes)" }
    }
}
