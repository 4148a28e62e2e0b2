import FeedModel
import Fleet
import Store

/// `posts sync`: a fleet row passed again by the cursor (a node replaced its item's text, or
/// `store rerender` rendered it again) is written over the file the folder already has, with the
/// store's crash-safe rewrite (temp file, sync, listed, renamed): the file keeps its name, and
/// moves only when its place under the folder's layout changed. A replaced item's file stays
/// where its first version's date put it (`RevisedDocument.placed`), as on one machine, and the
/// index records that it holds a later version, so `store verify` accepts it there.
enum PostsRevisions {
    /// The first document the fleet placed elsewhere than this configuration's output would (the
    /// node's path, then this one's): the rows hold another output's text (Hugo's in a Hexo
    /// folder, say), which the files would carry under this output's names, `verify` none the wiser.
    static func misplaced(_ page: FleetDocumentPage, in store: DocumentStore) -> (fleet: String, here: String)? {
        for document in page.documents {
            guard let path = page.paths[document.shortHash] else { continue }
            let placed = page.revised[document.shortHash]?.placed ?? document.date
            let here = store.layout.relativePath(date: placed, shortHash: document.shortHash)
            if path != here { return (path, here) }
        }
        return nil
    }

    /// The page's documents the folder does not hold (to store), and the rewrites that bring the
    /// files it holds (and replaced ones just stored) to the row's text, date and place.
    /// A file edited by hand in the folder is never written over: its path comes back in `edited`.
    /// Nor is one deleted by hand brought back (`deleted`), as no crawl brings one back.
    static func split(_ page: FleetDocumentPage, in store: DocumentStore) throws
        -> (fresh: [Document], rewrites: [DocumentStore.DocumentRewrite], edited: [String], deleted: [String]) {
        var fresh: [Document] = [], candidates: [DocumentStore.DocumentRewrite] = [], datedAnew: Set<String> = []
        var held: [String: IndexedDocument] = [:]
        let stored = try store.storedHashes(among: page.documents.map(\.shortHash))
        for document in page.documents {
            let revised = page.revised[document.shortHash]
            let placed = revised?.placed ?? document.date
            var rewrite = DocumentStore.DocumentRewrite(
                shortHash: document.shortHash, oldPath: "",
                path: store.layout.relativePath(date: placed, shortHash: document.shortHash),
                text: document.text, date: document.date)
            rewrite.revision = revised.map { (document.feed, document.itemIdentity, $0.current) }
            if stored.contains(document.shortHash), let indexed = try store.indexedDocument(shortHash: document.shortHash) {
                held[document.shortHash] = indexed
                rewrite.oldPath = indexed.path
                if indexed.date != document.date { datedAnew.insert(document.shortHash) }
                candidates.append(rewrite)
                continue
            }
            // Stored where its first version's date puts it, then dated anew by the rewrite.
            var placedDocument = document
            placedDocument.date = placed
            fresh.append(placedDocument)
            if placed != document.date {
                rewrite.oldPath = rewrite.path
                datedAnew.insert(document.shortHash)
                candidates.append(rewrite)
            }
        }
        let changing = Set(store.changing(candidates).map(\.shortHash))
        var rewrites: [DocumentStore.DocumentRewrite] = [], edited: [String] = [], deleted: [String] = []
        for rewrite in candidates where changing.contains(rewrite.shortHash) || datedAnew.contains(rewrite.shortHash) {
            // Only a file about to be written is read again for an edit.
            if let indexed = held[rewrite.shortHash], !store.hasFile(at: indexed.path) {
                deleted.append(indexed.path)
            } else if let indexed = held[rewrite.shortHash], store.isEditedByHand(indexed) {
                edited.append(indexed.path)
            } else {
                rewrites.append(rewrite)
            }
        }
        return (fresh, rewrites, edited, deleted)
    }
}
