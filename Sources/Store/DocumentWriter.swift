internal import FeedModel

/// A document written to a temp file, not yet under its final name.
struct PreparedDocument {
    let document: Document
    /// Path relative to the store root, e.g. `posts/2022/02/629c70b55d77d06f.md`.
    let relativePath: String
    let temporaryPath: String
    let bytes: Int
}

/// Puts document files on disk so that none is ever half-written under its final name:
/// temp files → one filesystem sync for the whole batch → renames → fsync of the folders.
struct DocumentWriter {
    let root: String
    let temporaryFolder: String
    let layout: DocumentLayout
    /// False only in benchmarks, to measure what durability costs.
    var durable = true

    /// Writes every document to a temp file. On failure nothing of the batch is left behind.
    func prepare(_ documents: [Document]) throws(StoreError) -> [PreparedDocument] {
        var prepared: [PreparedDocument] = []
        do {
            for document in documents {
                let temporary = temporaryFolder + "/" + document.shortHash + ".tmp"
                try FileSystem.writeFile(document.text, to: temporary)
                prepared.append(PreparedDocument(document: document, relativePath: layout.relativePath(for: document),
                                                 temporaryPath: temporary, bytes: document.text.utf8.count))
            }
        } catch {
            discard(prepared)
            throw error
        }
        return prepared
    }

    /// Makes every temp file's content durable with one syncfs instead of one fsync each.
    func makeDurable() throws(StoreError) {
        guard durable else { return }
        try FileSystem.syncFileSystem(containing: temporaryFolder)
    }

    /// Renames the durable temp files into place, then makes the renames durable: one syncfs
    /// commits every touched folder at once, where an fsync per folder costs a journal commit each.
    func publish(_ prepared: [PreparedDocument]) throws(StoreError) {
        var folders: Set<String> = []
        for entry in prepared {
            let folder = root + "/" + DocumentLayout.folder(of: entry.relativePath)
            if !folders.contains(folder) {
                try FileSystem.makeFolders(folder)
                folders.insert(folder)
            }
            try FileSystem.rename(entry.temporaryPath, to: root + "/" + entry.relativePath)
        }
        guard durable else { return }
        try FileSystem.syncFileSystem(containing: root)
    }

    func discard(_ prepared: [PreparedDocument]) {
        for entry in prepared { FileSystem.remove(entry.temporaryPath) }
    }
}

