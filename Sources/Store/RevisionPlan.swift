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
            let withFiles = try feedsWithFiles(documents, in: database)
            var plain: [Document] = [], revisions: [Document] = []
            for original in documents {
                var document = original
                guard document.revisions != .new, withFiles.contains(document.feed),
                      let file = try file(of: &document, using: lookup, in: database) else {
                    plain.append(document)
                    continue
                }
                if file.hash != document.contentHash { revisions.append(document) }
            }
            return (plain, revisions)
        }
    }

    /// The file `document`'s item lives in. An identity whose file holds another link is another
    /// story under a reused guid (the same guid in two polls, never in one document, escapes
    /// `IdentityFallback`): the document takes the guid-and-link identity instead, so `replace`
    /// never overwrites that story.
    /// So is another day's story under a fixed link without a guid (`SameStory.isAnotherDay`).
    private static func file(of document: inout Document, using lookup: SQLiteStatement,
                             in database: SQLiteDatabase) throws(StoreError) -> RevisionIndex.ItemFile? {
        guard let file = try RevisionIndex.file(of: document.feed, item: document.itemIdentity, using: lookup) else { return nil }
        if !isSameStory(file, document), let link = document.source?.item.link {
            document.itemIdentity += "\n" + StoryLink.key(link)
        } else if SameStory.isAnotherDay(storedDate: file.date, storedTitle: { storedTitle(of: file.document, in: database) },
                                         document) {
            document.itemIdentity = SameStory.dayIdentity(document)
        } else {
            return file
        }
        return try RevisionIndex.file(of: document.feed, item: document.itemIdentity, using: lookup)
    }

    /// The title of the item version a document was rendered from, from its kept source values.
    private static func storedTitle(of document: String, in database: SQLiteDatabase) -> String? {
        var title: String?
        try? database.prepare("SELECT data FROM sources WHERE document = ?1").run([.text(document)]) { row in
            title = row.blob(0).flatMap(SourceCoding.decode)?.item.title
        }
        return title
    }

    /// False when the file holds an item with another link than the document's (both known), and
    /// another date (`SameStory`). Links are compared without their tracking parameters: a feed
    /// that stamps each fetch's link with a new `utm_campaign` was a new story on every poll.
    static func isSameStory(_ file: RevisionIndex.ItemFile, _ document: Document) -> Bool {
        SameStory.holds(storedLink: file.link, storedDate: file.date, document)
    }

    /// Of `itemsWithFiles`, those that are later versions of the same story (`isSameStory`): a
    /// guid reused with another link is a new document, and counts against the daily budget.
    static func corrections(_ documents: [Document], in database: SQLiteDatabase) throws(StoreError) -> Set<String> {
        let withFiles = try itemsWithFiles(documents, in: database)
        guard !withFiles.isEmpty else { return [] }
        let lookup = try RevisionIndex.prepareLookup(on: database)
        var found: Set<String> = []
        for document in documents where withFiles.contains(document.shortHash) {
            if let file = try RevisionIndex.file(of: document.feed, item: document.itemIdentity, using: lookup),
               isSameStory(file, document),
               !SameStory.isAnotherDay(storedDate: file.date, storedTitle: { storedTitle(of: file.document, in: database) },
                                       document) { found.insert(document.shortHash) }
        }
        return found
    }

    /// The short hashes of the documents (of feeds not under `new`) whose item has a file now.
    static func itemsWithFiles(_ documents: [Document], in database: SQLiteDatabase) throws(StoreError) -> Set<String> {
        let withFiles = try feedsWithFiles(documents, in: database)
        let candidates = documents.filter { $0.revisions != .new && withFiles.contains($0.feed) }
        guard !candidates.isEmpty else { return [] }
        let lookup = try RevisionIndex.prepareLookup(on: database)
        var found: Set<String> = []
        for document in candidates
        where try RevisionIndex.file(of: document.feed, item: document.itemIdentity, using: lookup) != nil {
            found.insert(document.shortHash)
        }
        return found
    }

    /// The feeds of `documents` (under `replace` or `keep-first`) with any item in a file: one
    /// lookup per feed, so a new feed's items (a cold pass: all of them) are not looked up one by one.
    private static func feedsWithFiles(_ documents: [Document], in database: SQLiteDatabase) throws(StoreError) -> Set<String> {
        let feeds = Set(documents.lazy.filter { $0.revisions != .new }.map(\.feed))
        guard !feeds.isEmpty else { return [] }
        let anyFile = try database.prepare("SELECT 1 FROM item_files WHERE feed = ?1 LIMIT 1")
        var found: Set<String> = []
        for feed in feeds {
            try anyFile.run([.text(feed)]) { _ in found.insert(feed) }
        }
        return found
    }
}
