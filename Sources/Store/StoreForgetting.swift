public import FeedModel
internal import Glibc

/// `store forget`: documents removed for good. The index is changed first (one transaction: a
/// tombstone per document, its rows gone), then the files are unlinked and one syncfs makes that
/// durable. A crash between the two leaves a file the index has forgotten: `verify` names it and
/// `store forget FILE` removes it; the tombstone already keeps it from being stored again.
extension DocumentStore {
    public struct ForgetSelection: Sendable {
        /// Files (a path inside the store, relative to it or not) or hashes (16 or 64 hex digits).
        public var targets: [String] = []
        public var feed: String?
        /// Documents dated before this.
        public var before: Timestamp?
        /// Documents the index lists whose file is gone (deleted by hand).
        public var missing = false

        public init(targets: [String] = [], feed: String? = nil, before: Timestamp? = nil, missing: Bool = false) {
            self.targets = targets
            self.feed = feed
            self.before = before
            self.missing = missing
        }

        var isEmpty: Bool { targets.isEmpty && feed == nil && before == nil && !missing }
    }

    public struct ForgetReport: Sendable {
        /// Indexed documents forgotten, with their paths.
        public var forgotten: [IndexedDocument] = []
        /// Files the index did not know (forgotten before, or never indexed) now gone too.
        public var strays: [String] = []
        /// Targets that name no document, each with why.
        public var unmatched: [String] = []
        /// Files forgotten by the index that could not be removed, each with why (`verify` names
        /// them too; forgetting the file again removes it).
        public var unremoved: [String] = []
        /// The paths of `unremoved`: forgotten, their files still there.
        public var stillThere: Set<String> = []
        /// Indexed documents not at their paths but elsewhere in the store, left as they are (`--missing`).
        public var moved: [String] = []
        /// Of `forgotten`, chosen by feed, date or `--missing`: documents edited by hand, whose
        /// file is kept as `.NAME.edited` (a bulk forget deleted edits without a word).
        public var edited: Set<String> = []
        mutating func note(unremoved path: String, _ reason: String) {
            unremoved.append("\(path): \(reason)")
            stillThere.insert(path)
        }

        /// Where an edited document's file is kept.
        public static func keptEdit(of path: String) -> String { FileSystem.asidePath(path) }
        /// Kept images no remaining document uses, removed with the documents.
        public var removedAssets: [String] = []
        /// With `--feed`: whether the feed has any stored document, whatever the other criteria
        /// (none: a name misspelt, or a feed never stored).
        public var feedHasDocuments = false
        /// With `--feed` alone: files of the feed's documents forgotten before, still on disk (a
        /// forget cut short between its index and its files), removed now.
        public var leftovers: [String] = []
    }

    /// Forgets every document that matches all the criteria given. With `dryRun`, only says which.
    public func forget(_ selection: ForgetSelection, at time: Timestamp, dryRun: Bool = false) throws(StoreError) -> ForgetReport {
        var report = ForgetReport()
        guard !selection.isEmpty else { return report }
        // Chosen by feed alone, the feed's documents are looked up by feed, not found among every
        // document of the store (round 55: `forget --feed` grew with the store, not the feed).
        var chosen = if selection.targets.isEmpty, let feed = selection.feed {
            try index.documents(where: "short IN (SELECT short FROM provenance WHERE feed = '"
                                + feed.replacingOccurrences(of: "'", with: "''") + "')")
        } else {
            try indexedDocuments()
        }
        if !selection.targets.isEmpty {
            let resolved = resolve(selection.targets, among: chosen)
            report.unmatched = resolved.unmatched
            report.strays = resolved.strays.map(\.path)
            chosen = chosen.filter { resolved.shorts.contains($0.shortHash) }
            if !dryRun { for (path, reason) in try bury(strays: resolved.strays, at: time) { report.note(unremoved: path, reason) } }
        }
        if let feed = selection.feed {
            var shorts: Set<String> = []
            try indexDatabase.prepare("SELECT short FROM provenance WHERE feed = ?1").run([.text(feed)]) { row in
                row.text(0).map { _ = shorts.insert($0) }
            }
            report.feedHasDocuments = !shorts.isEmpty
            chosen = chosen.filter { shorts.contains($0.shortHash) }
        }
        if let before = selection.before { chosen = chosen.filter { $0.date < before } }
        if selection.missing {
            let found = try missing(among: chosen, nothingDone: "nothing was forgotten")
            report.moved = found.moved
            chosen = found.missing
        }
        report.forgotten = chosen
        if let feed = selection.feed, selection.targets.isEmpty, selection.before == nil, !selection.missing {
            report.leftovers = try leftovers(of: feed)
            if !dryRun { for (path, reason) in removeFiles(report.leftovers) { report.note(unremoved: path, reason) } }
        }
        // Named one by one, a file goes as asked; chosen in bulk, an edit is the operator's work.
        if selection.targets.isEmpty { report.edited = Set(chosen.filter(isEditedByHand).map(\.path)) }
        guard !dryRun, !chosen.isEmpty else { return report }
        for path in report.edited {
            guard let located = folder.locate(path) else { continue }
            do {
                _ = try FileSystem.keepCopy(located.name, in: located.folder)
            } catch {
                report.edited.remove(path)
                report.note(unremoved: path, "edited by hand, and no copy could be kept (\(error)); not removed")
            }
        }
        let keep = report.stillThere
        let assets = try assets(usedBy: chosen.map(\.shortHash))
        // Chosen by feed alone, they are that feed's to forget: another feed with the same text (the
        // blog a copycat copied) still stores it. Named one by one, they are gone for every feed.
        let bury = { () throws(StoreError) in
            try Tombstones.bury(chosen.map { (short: $0.shortHash, path: $0.path) }, at: time,
                                onlyFor: selection.targets.isEmpty ? selection.feed : nil, in: self.indexDatabase)
        }
        let files = chosen.map(\.path).filter { !keep.contains($0) }
        do {
            try bury()
        } catch where error.isOutOfSpace {
            try makeRoom(removing: files, then: bury, report: &report)
            report.removedAssets = try removeUnused(assets)
            return report
        }
        for (path, reason) in removeFiles(files) { report.note(unremoved: path, reason) }
        try folder.syncFileSystem()
        report.removedAssets = try removeUnused(assets)
        return report
    }

    /// Of `documents`, those whose file is gone from the whole store (deleted by hand, or lost with
    /// a backup put back), and the paths of those whose bytes are elsewhere in it (moved by hand:
    /// forgotten, or written again, the file elsewhere would be a second copy). A link beneath the
    /// root is refused: behind it the documents look gone. `nothingDone` ends that message.
    public func missing(among documents: [IndexedDocument],
                        nothingDone: String) throws(StoreError) -> (missing: [IndexedDocument], moved: [String]) {
        let layouts = KnownLayouts(current: layout, database: indexDatabase)
        let listing = DocumentFiles.list(root: folder, layouts: layouts, indexedTops: DocumentFiles.tops(of: documents))
        if let barrier = listing.barriers.first {
            throw .refused(path: folder.path + "/" + barrier.path, reason: "is \(barrier.what): the documents behind "
                           + "it look missing; \(nothingDone) (crawler store verify)")
        }
        let gone = documents.filter { folder.locate($0.path).flatMap { $0.folder.size(of: $0.name) } == nil }
        let others = listing.others + DocumentFiles.othersOutsideDocumentFolders(root: folder)
        let renamed = DocumentFiles.renamedCopies(others, of: gone, root: folder).map(\.document.shortHash)
        let elsewhere = Set(listing.files.map(\.shortHash)).union(renamed)
            .union(DocumentFiles.outsideDocumentFolders(root: folder))
        return (gone.filter { !elsewhere.contains($0.shortHash) }, gone.filter { elsewhere.contains($0.shortHash) }.map(\.path))
    }

    /// The paths of `feed`'s forgotten documents whose files are still there: running the forget
    /// again finishes it, as a killed rerender is finished by running it again. Not one stored
    /// since by another feed (a forget by feed holds back that feed only).
    private func leftovers(of feed: String) throws(StoreError) -> [String] {
        var paths: [String] = []
        try indexDatabase.prepare("""
            SELECT path FROM tombstones WHERE short IN
                (SELECT short FROM tombstone_scopes WHERE feed = ?1 UNION SELECT short FROM tombstone_items WHERE feed = ?1)
                AND short NOT IN (SELECT short FROM documents)
            """).run([.text(feed)]) { row in
            if let path = row.text(0), let file = self.folder.locate(path), file.folder.kind(of: file.name) == .file {
                paths.append(path)
            }
        }
        return paths.sorted()
    }

    /// On a full disk the index has no room to record a forget, and the documents' own files are
    /// that room (round 53: `forget` on a full disk freed nothing, the one tool to free space). So
    /// the files go first, then the index records it. Should it still fail, the documents are
    /// as deleted by hand: in the index (not stored again), not on disk, and `forget --missing`
    /// records them once there is room.
    private func makeRoom(removing files: [String], then bury: () throws(StoreError) -> Void,
                          report: inout ForgetReport) throws(StoreError) {
        for (path, reason) in removeFiles(files) { report.note(unremoved: path, reason) }
        try? folder.syncFileSystem()
        do {
            try bury()
        } catch {
            let removed = files.count - report.stillThere.count
            let cause = if case let .index(_, message) = error { message } else { "\(error)" }
            throw .index(path: indexDatabase.path, message: "\(cause); the disk is full: the files of "
                         + "\(removed) documents were removed to make room, but the index could not record that they are "
                         + "forgotten; free more space, then run `crawler store forget --missing --store '\(root)'` "
                         + "(until then they count as deleted by hand, and are not stored again)")
        }
    }

    /// A file the index does not know, named by a target: its hash gets a tombstone, its file goes.
    private func bury(strays: [(short: String, path: String)], at time: Timestamp) throws(StoreError)
        -> [(path: String, reason: String)] {
        guard !strays.isEmpty else { return [] }
        try Tombstones.bury(strays, at: time, in: indexDatabase)
        let unremoved = removeFiles(strays.map(\.path))
        try folder.syncFileSystem()
        return unremoved
    }

    /// Unlinks each file there is; returns each that could not go, with why.
    func removeFiles(_ paths: [String]) -> [(path: String, reason: String)] {
        var failures: [(path: String, reason: String)] = []
        for path in paths {
            guard let file = folder.locate(path), file.folder.kind(of: file.name) != nil else { continue }
            if !file.folder.remove(file.name) {
                failures.append((path, String(cString: strerror(errno))))
            }
        }
        return failures
    }

    private func resolve(_ targets: [String], among documents: [IndexedDocument])
        -> (shorts: Set<String>, strays: [(short: String, path: String)], unmatched: [String]) {
        let byShort = Dictionary(documents.map { ($0.shortHash, $0) }, uniquingKeysWith: { first, _ in first })
        var shorts: Set<String> = []
        var strays: [(short: String, path: String)] = []
        var unmatched: [String] = []
        for target in targets {
            // A hash copied in capitals (from a tool that prints them so) is the same hash.
            if Self.isContentHash(target.lowercased()) {
                let short = String(target.lowercased().prefix(16))
                if byShort[short] != nil { shorts.insert(short) } else { unmatched.append("\(target): no document has this hash") }
                continue
            }
            guard let path = relativePath(ofFile: target) else {
                unmatched.append("\(target): not a file in the store \(root)")
                continue
            }
            guard let short = DocumentLayout.shortHash(ofFileName: Substring(DocumentLayout.fileName(of: path))) else {
                unmatched.append("\(target): not a document (its name holds no 16-digit hash)")
                continue
            }
            // Byte for byte: String's == takes a decomposed "é" for the composed one, another file.
            if let document = byShort[short], document.path.utf8.elementsEqual(path.utf8) {
                shorts.insert(short)
            } else if let document = byShort[short] {
                unmatched.append(notTheDocument(target, path: path, document: document))
            } else if folder.locate(path).flatMap({ $0.folder.kind(of: $0.name) }) == .file {
                strays.append((short, path))
            } else {
                unmatched.append("\(target): no such document")
            }
        }
        return (shorts, strays, unmatched)
    }

    /// Why a file named with an indexed document's hash is not forgotten, and what to do: a copy
    /// may go; an edit set aside (`.NAME.edited`) or another file with other bytes is someone's
    /// text, never to be removed on this word.
    private func notTheDocument(_ target: String, path: String, document: IndexedDocument) -> String {
        let name = DocumentLayout.fileName(of: path)
        if name.hasSuffix(".edited") || name.range(of: #"\.edited-[0-9]+$"#, options: .regularExpression) != nil {
            return "\(target): an edit set aside beside \(document.path) when that was written again: not a document; "
                + "compare the two and keep what you want by hand, or forget \(document.path)"
        }
        let same = folder.locate(path).flatMap { FileSystem.read($0.name, in: $0.folder) }
            .map { file in folder.locate(document.path).flatMap { FileSystem.read($0.name, in: $0.folder) } == file } ?? false
        return same
            ? "\(target): a copy of \(document.path), which is the indexed one; remove the copy, or forget \(document.path)"
            : "\(target): named as \(document.path), the indexed one, with other bytes (an edit?): not a document; "
                + "compare the two and keep what you want by hand, or forget \(document.path)"
    }

    /// 16 or 64 lower-case hex digits: a content hash as `forget` takes it.
    public static func isContentHash(_ text: String) -> Bool {
        (text.count == 16 || text.count == 64) && text.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    /// The path of `target` relative to the store's root: it may be given relative to the current
    /// folder, absolute, or relative to the root.
    /// The file's own name is not resolved: a link named is the link, not the document it points
    /// to (which `forget` forgot and deleted).
    private func relativePath(ofFile target: String) -> String? {
        let name = DocumentLayout.fileName(of: target)
        let parent = target.hasSuffix("/" + name) ? String(target.dropLast(name.count + 1)) : "."
        if !name.isEmpty, name != ".", name != "..", let parentPath = Self.realPath(parent.isEmpty ? "/" : parent),
           Self.exists(target), let rootPath = Self.realPath(root) {
            let resolved = (parentPath.hasSuffix("/") ? parentPath : parentPath + "/") + name
            let prefix = rootPath.hasSuffix("/") ? rootPath : rootPath + "/"
            return resolved.hasPrefix(prefix) ? String(resolved.dropFirst(prefix.count)) : nil
        }
        // Not there (deleted by hand, or given relative to the root).
        let trimmed = target.hasPrefix("./") ? String(target.dropFirst(2)) : target
        if !trimmed.hasPrefix("/"), !trimmed.split(separator: "/").contains(where: { $0 == ".." || $0 == "." }) {
            if folder.locate(trimmed) != nil { return trimmed }
        }
        return nil
    }

    /// Something is at `path` (a link counts, whatever it points to).
    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private static func realPath(_ path: String) -> String? {
        guard let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        return String(cString: real)
    }
}
