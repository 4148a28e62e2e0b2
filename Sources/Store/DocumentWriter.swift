internal import FeedModel
internal import Synchronization

/// A document written to disk, durable once the batch is synced, not yet under its final name.
final class PreparedDocument: Sendable {
    let document: Document
    /// Path relative to the store root, e.g. `posts/2022/02/629c70b55d77d06f.md`.
    let relativePath: String
    let staged: StagedFile
    let bytes: Int
    /// The folder the document is named in (nil only for the benchmark's index-only rows), and
    /// its name there.
    let folder: StoreFolder?
    let name: String
    /// SHA-256 of the file (for `verify`) and the compressed source values (for `rerender`):
    /// worked out while staging, so the store's writer records them without holding its
    /// transaction open for them.
    let digest: String
    let source: [UInt8]?

    init(document: Document, relativePath: String, staged: StagedFile, folder: StoreFolder?, name: String) {
        self.document = document
        self.relativePath = relativePath
        self.staged = staged
        self.folder = folder
        self.name = name
        bytes = document.text.utf8.count
        digest = FileDigest.of(document.text)
        source = document.source.map(SourceCoding.encode)
    }
}

/// Where a prepared document's bytes wait for their name.
enum StagedFile {
    /// An open unnamed file on the store's filesystem (O_TMPFILE).
    case unnamed(descriptor: Int32)
    /// A temp file in the store's `tmp` folder, where no unnamed file could be made.
    case temporary(name: String)
}

/// Puts document files on disk so that none is ever half-written under its final name:
/// unnamed (or temp) files → one filesystem sync for the whole batch → links (or renames) →
/// one more sync for the folders.
struct DocumentWriter {
    let root: StoreFolder
    let temporaryFolder: StoreFolder
    let layout: DocumentLayout
    /// False only in benchmarks, to measure what durability costs.
    var durable = true
    /// How unnamed files are linked on this filesystem, nil for temp files (probed once at open).
    var unnamedLinking: FileSystem.UnnamedLinking?
    /// Unnamed files use descriptors below this; past it, documents go to temp files.
    var descriptorLimit = FileSystem.descriptorsForUnnamedFiles

    init(root: StoreFolder, temporaryFolder: StoreFolder, layout: DocumentLayout, durable: Bool = true) {
        self.root = root
        self.temporaryFolder = temporaryFolder
        self.layout = layout
        self.durable = durable
        unnamedLinking = FileSystem.unnamedFileLinking(in: temporaryFolder)
    }

    /// A batch's documents on disk, and those whose folder the store refuses (a symbolic link,
    /// another filesystem), by short hash: the rest of the batch goes on without them.
    struct Preparation {
        var prepared: [PreparedDocument] = []
        var refused: [String: StoreError] = [:]
    }

    /// Writes every document whose folder can be used. On failure nothing of the batch is left behind.
    func prepare(_ documents: [Document]) throws(StoreError) -> Preparation {
        var preparation = Preparation()
        var folders: [String: Result<StoreFolder, StoreError>] = [:]
        // The folder every document is under: when it cannot be used (a file, a link, no access)
        // no document can be, and that is the store failing, not each feed's one document.
        if !documents.isEmpty, !layout.topFolder.contains("{") { _ = try root.folder(layout.topFolder) }
        do {
            for document in documents {
                let relativePath = layout.relativePath(for: document)
                let folderPath = DocumentLayout.folder(of: relativePath)
                let opened = folders[folderPath] ?? Result { () throws(StoreError) in try root.folder(folderPath) }
                folders[folderPath] = opened
                switch opened {
                case .failure(let error):
                    preparation.refused[document.shortHash] = error
                case .success(let folder):
                    let name = DocumentLayout.fileName(of: relativePath)
                    preparation.prepared.append(PreparedDocument(
                        document: document, relativePath: relativePath, staged: try stage(document, in: folder),
                        folder: folder, name: name))
                }
            }
        } catch {
            discard(preparation.prepared[...])
            throw error
        }
        return preparation
    }

    /// An unnamed file in the document's own folder; a temp file when that fails (a filesystem
    /// without O_TMPFILE, or descriptors running short: two staged batches of 2,000 documents
    /// hold 4,000 open).
    private func stage(_ document: Document, in folder: StoreFolder) throws(StoreError) -> StagedFile {
        if unnamedLinking != nil,
           let descriptor = try FileSystem.writeUnnamedFile(document.text, in: folder, below: descriptorLimit) {
            return .unnamed(descriptor: descriptor)
        }
        let temporary = temporaryName(for: document)
        try FileSystem.writeFile(document.text, named: temporary, in: temporaryFolder)
        return .temporary(name: temporary)
    }

    /// A temp file's name, never used before by this process: the same document may sit in two
    /// batches, one staged while the other is being stored, and must not share a temp file.
    private func temporaryName(for document: Document) -> String {
        let serial = Self.temporaryFiles.wrappingAdd(1, ordering: .relaxed).newValue
        return document.shortHash + "-" + String(serial) + ".tmp"
    }

    private static let temporaryFiles = Atomic<UInt64>(0)

    /// Makes every staged file's content durable with one syncfs instead of one fsync each.
    func makeDurable() throws(StoreError) {
        guard durable else { return }
        try root.syncFileSystem()
    }

    /// Gives the durable files their names, then makes the names durable: one syncfs commits
    /// every touched folder at once, where an fsync per folder costs a journal commit each.
    /// A document whose own name cannot be given (a folder or a file the store may not replace at
    /// its path, a folder that refuses it) is let go and returned, by short hash, with why: its
    /// feed fails alone, and the rest of the batch is stored (round 53: every feed of the batch
    /// failed, each naming that one file).
    /// On any other failure (a full disk, a sync that reports a lost write), takes back every name
    /// it gave, as far as the disk lets it, and lets go of every file (the caller must not
    /// `discard` again): a name whose sync failed may not survive a power cut, so it must not
    /// count as stored.
    func publish(_ prepared: [PreparedDocument]) throws(StoreError) -> [String: StoreError] {
        var refused: [String: StoreError] = [:]
        var position = 0
        do throws(StoreError) {
            while position < prepared.count {
                let entry = prepared[position]
                do {
                    try name(entry)
                    if case .unnamed(let descriptor) = entry.staged { FileSystem.close(descriptor) }
                } catch where error.concernsOnePath {
                    refused[entry.document.shortHash] = error
                    discard(prepared[position...position])
                } catch {
                    discard(prepared[position...])
                    throw error
                }
                position += 1
            }
            if durable { try root.syncFileSystem() }
        } catch {
            // The names given: every entry before `position` but the refused (listed only here:
            // a batch's entries are large, and two batches may be in flight).
            unname(prepared[..<position].filter { refused[$0.document.shortHash] == nil }[...])
            throw error
        }
        return refused
    }

    private func name(_ entry: PreparedDocument) throws(StoreError) {
        guard let folder = entry.folder else { return }
        switch entry.staged {
        case .unnamed(let descriptor):
            try FileSystem.link(unnamed: descriptor, holding: entry.document.text, as: entry.name, in: folder,
                                replacingVia: temporaryName(for: entry.document), in: temporaryFolder,
                                linking: unnamedLinking ?? .throughProc)
        case .temporary(let name):
            _ = try FileSystem.setAside(entry.name, in: folder, unless: entry.document.text)
            try FileSystem.rename(name, in: temporaryFolder, to: entry.name, in: folder)
        }
    }

    /// Removes the names of files already named. One that cannot be removed (a read-only disk)
    /// stays, unindexed: the next store of its document replaces it with the same bytes.
    func unname(_ named: ArraySlice<PreparedDocument>) {
        for entry in named { entry.folder?.remove(entry.name) }
    }

    /// Closes unnamed files (the kernel frees those never linked) and removes temp files.
    func discard(_ prepared: ArraySlice<PreparedDocument>) {
        for entry in prepared {
            switch entry.staged {
            case .unnamed(let descriptor): FileSystem.close(descriptor)
            case .temporary(let name): temporaryFolder.remove(name)
            }
        }
    }
}
