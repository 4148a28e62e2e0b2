internal import FeedModel

/// Which documents of a batch are revisions of items the store holds: looked up by feed and
/// item identity (`item_files`) before any content-hash dedupe, since under `replace` the file
/// is named after the item's first version, not the one it holds now.
enum RevisionPlan {
    /// The batch without the documents whose item's file holds this very version (duplicates),
    /// and, apart, those whose item's file holds another version (revisions). Documents of
    /// feeds with `revisions: new` are all plain.
    static func split(_ documents: [Document],
                      in database: SQLiteDatabase) throws(StoreError) -> (plain: [Document], revisions: [Document]) {
        guard documents.contains(where: { $0.revisions != .new }) else { return (documents, []) }
        let lookup = try RevisionIndex.prepareLookup(on: database)
        return try database.reading { () throws(StoreError) in
            var plain: [Document] = [], revisions: [Document] = []
            for document in documents {
                guard document.revisions != .new,
                      let file = try RevisionIndex.file(of: document.feed, item: document.itemIdentity, using: lookup) else {
                    plain.append(document)
                    continue
                }
                if file.hash != document.contentHash { revisions.append(document) }
            }
            return (plain, revisions)
        }
    }

    /// The short hashes of the documents (of feeds not under `new`) whose item has a file now.
    static func itemsWithFiles(_ documents: [Document], in database: SQLiteDatabase) throws(StoreError) -> Set<String> {
        let candidates = documents.filter { $0.revisions != .new }
        guard !candidates.isEmpty else { return [] }
        let lookup = try RevisionIndex.prepareLookup(on: database)
        var found: Set<String> = []
        for document in candidates
        where try RevisionIndex.file(of: document.feed, item: document.itemIdentity, using: lookup) != nil {
            found.insert(document.shortHash)
        }
        return found
    }
}
