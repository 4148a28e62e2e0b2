internal import FeedModel
internal import Synchronization

/// A document written to disk, durable once the batch is synced, not yet under its final name.
struct PreparedDocument {
    let document: Document
    /// Path relative to the store root, e.g. `posts/2022/02/629c70b55d77d06f.md`.
    let relativePath: String
    let staged: StagedFile
    let bytes: Int
}

/// Where a prepared document's bytes wait for their name.
enum StagedFile {
    /// An open unnamed file on the store's filesystem (O_TMPFILE).
    case unnamed(descriptor: Int32)
    /// A temp file in the store's `tmp` folder, where no unnamed file could be made.
    case temporary(path: String)
}

/// Puts document files on disk so that none is ever half-written under its final name:
/// unnamed (or temp) files → one filesystem sync for the whole batch → links (or renames) →
/// one more sync for the folders.
struct DocumentWriter {
    let root: String
    let temporaryFolder: String
    let layout: DocumentLayout
    /// False only in benchmarks, to measure what durability costs.
    var durable = true
    /// How unnamed files are linked on this filesystem, nil for temp files (probed once at open).
    var unnamedLinking: FileSystem.UnnamedLinking?
    /// Unnamed files use descriptors below this; past it, documents go to temp files.
    var descriptorLimit = FileSystem.descriptorsForUnnamedFiles

    init(root: String, temporaryFolder: String, layout: DocumentLayout, durable: Bool = true) {
        self.root = root
        self.temporaryFolder = temporaryFolder
        self.layout = layout
        self.durable = durable
        unnamedLinking = FileSystem.unnamedFileLinking(in: temporaryFolder)
    }

    /// Writes every document. On failure nothing of the batch is left behind.
    func prepare(_ documents: [Document]) throws(StoreError) -> [PreparedDocument] {
        var prepared: [PreparedDocument] = []
        var folders: Set<String> = []
        do {
            for document in documents {
                let relativePath = layout.relativePath(for: document)
                let folder = root + "/" + DocumentLayout.folder(of: relativePath)
                if folders.insert(folder).inserted { try FileSystem.makeFolders(folder) }
                prepared.append(PreparedDocument(document: document, relativePath: relativePath,
                                                 staged: try stage(document, in: folder),
                                                 bytes: document.text.utf8.count))
            }
        } catch {
            discard(prepared[...])
            throw error
        }
        return prepared
    }

    /// An unnamed file in the document's own folder; a temp file when that fails (a filesystem
    /// without O_TMPFILE, or descriptors running short: two staged batches of 2,000 documents
    /// hold 4,000 open).
    private func stage(_ document: Document, in folder: String) throws(StoreError) -> StagedFile {
        if unnamedLinking != nil,
           let descriptor = try FileSystem.writeUnnamedFile(document.text, in: folder, below: descriptorLimit) {
            return .unnamed(descriptor: descriptor)
        }
        let temporary = temporaryPath(for: document)
        try FileSystem.writeFile(document.text, to: temporary)
        return .temporary(path: temporary)
    }

    /// A temp file's path, never used before by this process: the same document may sit in two
    /// batches, one staged while the other is being stored, and must not share a temp file.
    private func temporaryPath(for document: Document) -> String {
        let serial = Self.temporaryFiles.wrappingAdd(1, ordering: .relaxed).newValue
        return temporaryFolder + "/" + document.shortHash + "-" + String(serial) + ".tmp"
    }

    private static let temporaryFiles = Atomic<UInt64>(0)

    /// Makes every staged file's content durable with one syncfs instead of one fsync each.
    func makeDurable() throws(StoreError) {
        guard durable else { return }
        try FileSystem.syncFileSystem(containing: temporaryFolder)
    }

    /// Gives the durable files their names, then makes the names durable: one syncfs commits
    /// every touched folder at once, where an fsync per folder costs a journal commit each.
    /// On failure, lets go of every file not yet named (the caller must not `discard` again).
    func publish(_ prepared: [PreparedDocument]) throws(StoreError) {
        for (position, entry) in prepared.enumerated() {
            do {
                try name(entry)
            } catch {
                discard(prepared[position...])
                throw error
            }
            if case .unnamed(let descriptor) = entry.staged { FileSystem.close(descriptor) }
        }
        guard durable else { return }
        try FileSystem.syncFileSystem(containing: root)
    }

    private func name(_ entry: PreparedDocument) throws(StoreError) {
        let destination = root + "/" + entry.relativePath
        switch entry.staged {
        case .unnamed(let descriptor):
            try FileSystem.link(unnamed: descriptor, to: destination,
                                replacingVia: temporaryPath(for: entry.document),
                                linking: unnamedLinking ?? .throughProc)
        case .temporary(let path):
            try FileSystem.rename(path, to: destination)
        }
    }

    /// Closes unnamed files (the kernel frees those never linked) and removes temp files.
    func discard(_ prepared: ArraySlice<PreparedDocument>) {
        for entry in prepared {
            switch entry.staged {
            case .unnamed(let descriptor): FileSystem.close(descriptor)
            case .temporary(let path): FileSystem.remove(path)
            }
        }
    }
}
