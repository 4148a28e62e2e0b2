internal import FeedModel

/// `verify`: the store checked against its documents. Reads only (no lock, no writes), so it
/// runs on a read-only copy, as another user, and while a crawler stores documents (those of a
/// batch still pending are passed over).
extension DocumentStore {
    public struct VerifyReport: Sendable {
        public var checked = 0
        /// One line per problem, each naming the file, what is wrong and the command that fixes it.
        public var problems: [String] = []
        /// Kept images checked, and those no stored document uses (not problems).
        public var assetsChecked = 0
        public var unreferencedAssets: [String] = []
    }

    public func verify() throws(StoreError) -> VerifyReport {
        try StoreVerifier(folder: folder, database: indexDatabase, layouts: KnownLayouts(current: layout, database: indexDatabase),
                          checksHexoGrammar: checksHexoGrammar).run()
    }
}

extension StoreReader {
    public func verify(layout: DocumentLayout, checksHexoGrammar: Bool) throws(StoreError) -> DocumentStore.VerifyReport {
        try StoreVerifier(folder: folder, database: database, layouts: KnownLayouts(current: layout, database: database),
                          checksHexoGrammar: checksHexoGrammar, indexIsNew: isNew).run()
    }
}

/// Every indexed document must exist, be whole and unedited (its size and digest), carry its
/// hash as its name, be where its date puts it, and parse as the format; every document file
/// must be indexed.
struct StoreVerifier {
    let folder: StoreFolder
    let database: SQLiteDatabase
    let layouts: KnownLayouts
    let checksHexoGrammar: Bool
    /// No tables yet: every document file is unknown.
    var indexIsNew = false

    func run() throws(StoreError) -> DocumentStore.VerifyReport {
        let (indexed, pending, forgotten, replaced) = indexIsNew ? ([], [], [], []) : try database.reading { () throws(StoreError) in
            (try DocumentIndex.documents(in: database),
             Set(try DocumentIndex.documents(where: "short IN (SELECT short FROM pending)", in: database).map(\.shortHash)),
             try Tombstones.shorts(in: database), try RevisionIndex.replacedDocuments(in: database))
        }
        // A rewrite a crash interrupted is finished when the store is next opened for writing:
        // until then its document may be old or new, in its old place or its new one.
        let rewriting = indexIsNew ? [:] : try RevisionIndex.rewritesInProgress(in: database)
        var report = DocumentStore.VerifyReport()
        let listing = DocumentFiles.list(root: folder)
        var behindLinks: [String: Int] = [:]
        var indexedPaths: Set<String> = []
        var byShort: [String: IndexedDocument] = [:]
        // Documents not on disk, by short hash: the place of their line among the problems.
        var missing: [String: Int] = [:]
        for document in indexed {
            indexedPaths.insert(document.path)
            byShort[document.shortHash] = document
            guard !pending.contains(document.shortHash), rewriting[document.shortHash] == nil else { continue }
            report.checked += 1
            guard let found = problems(of: document, replaced: replaced.contains(document.shortHash)) else {
                if let link = listing.link(above: document.path) {
                    behindLinks[link, default: 0] += 1
                    continue
                }
                missing[document.shortHash] = report.problems.count
                report.problems.append("\(document.path): missing: in the index, not on disk; deleted on purpose? keep it "
                                       + "from coming back: crawler store forget --missing (else restore the file)")
                continue
            }
            report.problems += found
        }
        let rewritten = Set(rewriting.values.map { $0.path })
        for link in listing.links {
            let count = behindLinks[link] ?? 0
            report.problems.append("\(link): a symbolic link, which the store never follows"
                                   + (count > 0 ? " (\(count) indexed document\(count == 1 ? " is" : "s are") behind it)" : "")
                                   + "; put what it points to in its place: rm it, then mv the folder or file here")
        }
        for file in listing.files where !indexedPaths.contains(file.path) && !rewritten.contains(file.path) {
            if let original = byShort[file.shortHash], let line = missing.removeValue(forKey: file.shortHash) {
                // Moved by hand: its only copy. Forgetting the missing one and removing this "copy"
                // would delete it for good.
                report.problems[line] = "\(original.path): moved to \(file.path), its only copy; move it back: "
                    + "mv '\(folder.path)/\(file.path)' '\(folder.path)/\(original.path)', "
                    + "or index it where it is: crawler store rebuild-index"
            } else if let original = byShort[file.shortHash] {
                report.problems.append("\(file.path): misplaced: a second copy of \(original.path), the indexed one; "
                                       + "remove this copy: rm '\(folder.path)/\(file.path)'")
            } else if forgotten.contains(file.shortHash) {
                report.problems.append("\(file.path): forgotten, yet on disk; remove it: crawler store forget \(file.path)")
            } else if let unreadable = unreadable(file.path) {
                report.problems.append("\(file.path): unknown: a file the index does not know, and not a document "
                                       + "(\(unreadable)); restore it from a backup, or move it out of the store")
            } else {
                report.problems.append("\(file.path): unknown: a document file the index does not know; "
                                       + "index it: crawler store rebuild-index")
            }
        }
        if !indexIsNew {
            let assets = try AssetCheck(folder: folder, database: database).run()
            report.assetsChecked = assets.checked
            report.problems += assets.problems
            report.unreferencedAssets = assets.unreferenced
        }
        return report
    }

    /// `replaced`: the file holds a later version of its item, dated anew, under its first name and path.
    /// nil: the document is not on disk.
    private func problems(of document: IndexedDocument, replaced: Bool) -> [String]? {
        let path = document.path
        guard let file = folder.locate(path), let bytes = FileSystem.read(file.name, in: file.folder) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        let date: Timestamp
        let corruptFix: String
        do {
            date = try readDate(text)
            corruptFix = "; restore it from a backup, keep it as it is: crawler store rebuild-index (a later store "
                + "rerender writes it again), or drop it: crawler store forget \(path)"
        } catch {
            // rebuild-index passes over what does not read as a document: not a fix to offer.
            let sizes = bytes.count == document.bytes ? "" : "\(bytes.count) bytes on disk, \(document.bytes) recorded, and "
            return ["\(path): corrupt: \(sizes)it no longer reads as a document (\(error)); restore it from a backup, "
                    + "or drop it: crawler store forget \(path)"]
        }
        if bytes.count != document.bytes {
            return ["\(path): corrupt: \(bytes.count) bytes on disk, \(document.bytes) recorded (truncated or edited)" + corruptFix]
        }
        if let digest = document.digest, FileDigest.of(bytes) != digest {
            return ["\(path): corrupt: its content differs from what was stored (edited, same size)" + corruptFix]
        }
        if DocumentLayout.shortHash(ofFileName: Substring(DocumentLayout.fileName(of: path))) != document.shortHash {
            return ["\(path): misplaced: its name does not hold its hash \(document.shortHash); "
                    + "rebuild the index from the files: crawler store rebuild-index"]
        }
        if date != document.date {
            return ["\(path): corrupt: its date differs from the index" + corruptFix]
        }
        if !replaced, !layouts.isInPlace(path, date: date, shortHash: document.shortHash) {
            let expected = layouts.expectedPath(date: date, shortHash: document.shortHash)
            return ["\(path): misplaced: its date puts it at \(expected); move it there, then: crawler store rebuild-index"]
        }
        return []
    }
}

extension StoreVerifier {
    /// The date a document file holds, read as `rebuild-index` reads it.
    func readDate(_ text: String) throws(StoredDocumentReader.Problem) -> Timestamp {
        checksHexoGrammar ? try StoredDocumentReader.date(of: text) : try StoredDocumentReader.anyDate(in: text)
    }

    /// Why the file at `path` is not a document `rebuild-index` would take, or nil when it is one.
    func unreadable(_ path: String) -> String? {
        guard let file = folder.locate(path), let bytes = FileSystem.read(file.name, in: file.folder) else { return nil }
        do {
            _ = try readDate(String(decoding: bytes, as: UTF8.self))
            return nil
        } catch {
            return "\(error)"
        }
    }
}

/// The document files of a store, found by walking every folder beneath its root but `tmp`,
/// whatever layout put them there (the layout may have changed since).
enum DocumentFiles {
    struct File {
        let path: String
        let shortHash: String
    }

    struct Listing {
        var files: [File] = []
        /// Links found in the document folders (to a folder, or where a document's name is):
        /// not followed, so what they point to is no document of the store.
        var links: [String] = []

        /// The link `path` lies behind (or is), if any.
        func link(above path: String) -> String? {
            links.first { path == $0 || path.hasPrefix($0 + "/") }
        }
    }

    /// Links are not followed: nothing outside the store is read as a document. They are listed,
    /// for `verify` to name and `rebuild-index` to refuse, since the documents behind one would
    /// look deleted.
    static func list(root: StoreFolder) -> Listing {
        var listing = Listing()
        for entry in root.entries() where entry.name != "tmp" && entry.name != "assets" {
            if entry.kind == .folder, let top = try? root.folder(entry.name, creating: false) {
                walk(top, relative: entry.name, into: &listing)
            } else if entry.kind == .link, isDocumentFolder(entry.name) {
                listing.links.append(entry.name)
            }
        }
        return listing
    }

    private static func walk(_ folder: StoreFolder, relative: String, into listing: inout Listing) {
        for entry in folder.entries() {
            let path = relative + "/" + entry.name
            if entry.kind == .folder, let child = try? folder.folder(entry.name, creating: false) {
                walk(child, relative: path, into: &listing)
            } else if entry.kind == .file, let short = DocumentLayout.shortHash(ofFileName: Substring(entry.name)) {
                listing.files.append(File(path: path, shortHash: short))
            } else if entry.kind == .link {
                listing.links.append(path)
            }
        }
    }

    /// A link at the store's top is named only where documents go (`posts`, `_posts`...), not
    /// for anything an operator keeps beside them.
    private static func isDocumentFolder(_ name: String) -> Bool {
        !name.hasPrefix(".") && !name.contains(".")
    }
}
