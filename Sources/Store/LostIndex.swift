internal import Glibc
/// An index that knows nothing beside documents on disk: missing, empty, or with its rows gone
/// (a `-wal` deleted after a kill, a backup from before the first crawl put back). A crawl over
/// it would take none of the documents for stored and store every item again; `rebuild-index`
/// indexes them first.
enum LostIndex {
    /// The first top folder of the store holding a file at any depth (any layout's, not `tmp/`,
    /// `assets/` or a site generator's output): for an index that is missing or empty, where
    /// even documents of an earlier `document_path:` count.
    static func folderHoldingFiles(_ root: StoreFolder) -> String? {
        firstFile(in: root) { _ in true }.map { String($0.prefix { $0 != "/" }) }
    }

    /// The first document file (named by its content hash), when `database` knows nothing: no
    /// document indexed or forgotten, no feed ever fetched, no rebuild that left files out (crawls
    /// refuse that store with their own message); nil otherwise. A `nil` database has no tables.
    /// A batch that failed on a read-only disk may leave its files unindexed: its feeds' failures
    /// are recorded, and the next crawl stores the same bytes over them.
    static func unindexedDocument(in root: StoreFolder, database: SQLiteDatabase?) throws(StoreError) -> String? {
        if let database {
            let knows = """
                SELECT EXISTS (SELECT 1 FROM documents) OR EXISTS (SELECT 1 FROM tombstones)
                    OR EXISTS (SELECT 1 FROM feed_state) OR EXISTS (SELECT 1 FROM store_profile WHERE key = 'foreign_files')
                """
            guard try database.integer(knows) == 0 else { return nil }
        }
        return firstFile(in: root) { DocumentLayout.shortHash(ofFileName: Substring($0)) != nil }
    }

    static func refusal(indexPath: String, document: String) -> StoreError {
        // A deleted index was described as one that lost its rows.
        let what = access(indexPath, F_OK) == 0
            ? "indexes no documents, yet the store holds documents (\(document)): it was lost or replaced (a deleted "
                + "index.sqlite-wal, a backup from before them)"
            : "is not there (deleted, or lost with its disk), yet the store holds documents (\(document))"
        return .refused(path: indexPath, reason: what + "; a crawl now would store every item again; run "
                        + "`crawler store rebuild-index` to index them first")
    }

    /// The relative path of the first file, depth first, whose name passes `matches`; stops there.
    private static func firstFile(in root: StoreFolder, matching matches: (String) -> Bool) -> String? {
        for entry in root.entries() where entry.kind == .folder && entry.name != "tmp" && entry.name != "assets"
            && !KnownLayouts.isSiteOutput(entry.name) {
            guard let top = try? root.folder(entry.name, creating: false) else { continue }
            var folders = [(top, entry.name)]
            while let (folder, path) = folders.popLast() {
                for inner in folder.entries() {
                    if inner.kind == .file, matches(inner.name) { return path + "/" + inner.name }
                    if inner.kind == .folder, let next = try? folder.folder(inner.name, creating: false) {
                        folders.append((next, path + "/" + inner.name))
                    }
                }
            }
        }
        return nil
    }
}
