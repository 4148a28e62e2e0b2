import FeedModel
import Store

/// `posts sync`: a fleet row passed again by the cursor (a node replaced its item's text, or
/// `store rerender` rendered it again) is written over the file the folder already has, with the
/// store's crash-safe rewrite (temp file, sync, listed, renamed): the file keeps its name, and
/// moves only when its place under the folder's layout changed.
enum PostsRevisions {
    /// The page's documents the folder does not hold (to store), and the rewrites of those it
    /// holds whose text or place differs.
    static func split(_ documents: [Document],
                      in store: DocumentStore) throws -> (fresh: [Document], rewrites: [DocumentStore.DocumentRewrite]) {
        var fresh: [Document] = [], rewrites: [DocumentStore.DocumentRewrite] = []
        let stored = try store.storedHashes(among: documents.map(\.shortHash))
        for document in documents {
            guard stored.contains(document.shortHash),
                  let held = try store.indexedDocument(shortHash: document.shortHash) else {
                fresh.append(document)
                continue
            }
            rewrites.append(DocumentStore.DocumentRewrite(
                shortHash: document.shortHash, oldPath: held.path,
                path: store.layout.relativePath(date: document.date, shortHash: document.shortHash),
                text: document.text, date: document.date))
        }
        return (fresh, store.changing(rewrites))
    }
}
