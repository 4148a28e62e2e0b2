internal import Glibc
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
        /// Of `problems`, the documents edited by hand (changed, and still documents): `verify
        /// --edits-ok` lists them apart, as no problem.
        public var edited: [String] = []
        /// Edits set aside (`.NAME.edited`), not problems: for the operator to compare and keep or remove.
        public var setAside: [String] = []
        /// Documents not checked: being stored or rewritten (by a running crawler, or by one that
        /// was stopped doing so, until the store is next opened to write).
        public var unsettled = 0
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
        let forgottenForFeed = indexIsNew ? [:] : try Tombstones.scoped(in: database)
        // A rewrite a crash interrupted is finished when the store is next opened for writing:
        // until then its document may be old or new, in its old place or its new one.
        let rewriting = indexIsNew ? [:] : try RevisionIndex.rewritesInProgress(in: database)
        var report = DocumentStore.VerifyReport()
        let listing = DocumentFiles.list(root: folder, layouts: layouts, indexedTops: DocumentFiles.tops(of: indexed))
        var seen = Seen()
        for document in indexed {
            seen.indexedPaths.insert(Array(document.path.utf8))
            seen.byShort[document.shortHash] = document
            guard !pending.contains(document.shortHash), rewriting[document.shortHash] == nil else {
                report.unsettled += 1
                continue
            }
            report.checked += 1
            var isEdit = false
            guard var found = problems(of: document, replaced: replaced.contains(document.shortHash), isEdit: &isEdit) else {
                if let barrier = listing.barrier(above: document.path) {
                    seen.behindBarrier[document.shortHash] = barrier.path
                } else {
                    seen.missing.insert(document.shortHash)
                }
                continue
            }
            if !found.isEmpty, try isInFlux(document, replaced: replaced.contains(document.shortHash)) {
                report.checked -= 1
                report.unsettled += 1
                found = []
            }
            report.problems += found
            if isEdit { report.edited += found }
        }
        report.problems += barrierProblems(listing.barriers, seen: seen)
        report.setAside = listing.setAside
        let rewritten = Set(rewriting.values.map { Array($0.path.utf8) })
        var copiesOfMissing: [String: [String]] = [:]
        var unknownDocuments: [String] = []
        for file in listing.files {
            let bytes = Array(file.path.utf8)
            guard !seen.indexedPaths.contains(bytes), !rewritten.contains(bytes) else { continue }
            if seen.missing.contains(file.shortHash) {
                copiesOfMissing[file.shortHash, default: []].append(file.path)
            } else if let original = seen.byShort[file.shortHash] {
                report.problems.append(secondCopy(file.path, of: original, behind: seen.behindBarrier[file.shortHash]))
            } else if forgotten.contains(file.shortHash) {
                report.problems.append("\(file.path): forgotten, yet on disk; remove it: \(command("forget", quoted(file.path)))")
            } else if let feed = forgottenForFeed[file.shortHash] {
                // A forget (`--feed`) or a `keep:` stopped before its files went: the index is
                // done with it, and rebuild-index would bring it back. Another feed may still
                // store its text, so not `forget FILE`, which holds it back for every feed.
                report.problems.append("\(file.path): forgotten for feed '\(feed)', yet on disk (a forget or keep: stopped "
                                       + "before removing it); remove it: rm -- \(quoted(folder.path + "/" + file.path))")
            } else if let unreadable = unreadable(file.path) {
                report.problems.append("\(file.path): unknown: a file the index does not know, and not a document "
                                       + "(\(unreadable)); restore it from a backup, or move it out of the store")
            } else {
                unknownDocuments.append(file.path)
            }
        }
        // At the store's top or under assets/, only the copy of a document missing from its place counts.
        let outsideOthers = seen.missing.isEmpty ? [] : DocumentFiles.othersOutsideDocumentFolders(root: folder)
        let missingDocuments = indexed.filter { seen.missing.contains($0.shortHash) }
        // A file named as a document is but holding another one's exact bytes is a copy of that
        // one too: indexed by rebuild-index, as "unknown" advised, it was a second post (round 59).
        let copiedUnder = DocumentFiles.renamedCopies(unknownDocuments, of: indexed, root: folder)
        let copies = Set(copiedUnder.map(\.path))
        for path in unknownDocuments where !copies.contains(path) {
            report.problems.append("\(path): unknown: a document file the index does not know; index it: \(command("rebuild-index"))")
        }
        let renamed = copiedUnder + DocumentFiles.renamedCopies(listing.others, of: indexed, root: folder)
            + DocumentFiles.renamedCopies(outsideOthers, of: missingDocuments, root: folder)
        for (path, original) in renamed {
            if seen.missing.contains(original.shortHash) {
                copiesOfMissing[original.shortHash, default: []].append(path)
            } else if seen.byShort[original.shortHash] != nil {
                report.problems.append(secondCopy(path, of: original, behind: seen.behindBarrier[original.shortHash]))
            }
        }
        let outside = seen.missing.isEmpty ? [] : DocumentFiles.outsideDocumentFolders(root: folder)
        for document in indexed where seen.missing.contains(document.shortHash) {
            let copies = copiesOfMissing[document.shortHash] ?? []
            guard !copies.isEmpty || !outside.contains(document.shortHash) else {
                // `forget --missing` keeps it: not missing, yet not where the store looks for documents.
                report.problems.append("\(document.path): not on disk; a file named with its hash is at the store's top "
                                       + "or under assets/: move it back to \(document.path) by hand")
                continue
            }
            report.problems += missingProblems(document, copies: copies)
        }
        if !indexIsNew {
            let assets = try AssetCheck(folder: folder, database: database).run()
            report.assetsChecked = assets.checked
            report.problems += assets.problems
            report.unreferencedAssets = assets.unreferenced
        }
        return report
    }

    /// What the look over the indexed documents found, for the look over the files.
    private struct Seen {
        /// Byte for byte: String's == takes a decomposed "é" (a folder copied from macOS) for the
        /// composed one, and the moved documents were called missing.
        var indexedPaths: Set<[UInt8]> = []
        var byShort: [String: IndexedDocument] = [:]
        /// Indexed, not on disk: by short hash.
        var missing: Set<String> = []
        /// Not reachable: behind a link or a folder the store cannot enter (short hash → its path).
        var behindBarrier: [String: String] = [:]
    }

    private func barrierProblems(_ barriers: [DocumentFiles.Barrier], seen: Seen) -> [String] {
        barriers.map { barrier in
            let count = seen.behindBarrier.values.count { $0 == barrier.path }
            let fix = barrier.isLink
                ? "remove it (rm), and put the folder or file it stood for in its place (mv, if it is elsewhere)"
                : "put its documents on the store's own filesystem, readable by the crawler"
            return "\(barrier.path): \(barrier.what)"
                + (count > 0 ? " (\(count) indexed document\(count == 1 ? " is" : "s are") behind it)" : "")
                + "; \(fix); until then nothing behind it is forgotten or indexed anew"
        }
    }

    /// A file holding an indexed document that is somewhere else. Behind a link, the file may be
    /// what the link points to, the only copy: never to be removed on this word.
    private func secondCopy(_ path: String, of original: IndexedDocument, behind link: String?) -> String {
        if let link {
            return "\(path): the same document as \(original.path), which is behind the link \(link); perhaps what "
                + "the link points to: keep it, and see the link's own line"
        }
        // Only a copy of the same bytes is removed on verify's word: another may be someone's edit.
        guard holdsStored(original, at: path) else {
            return "\(path): misplaced: a copy of \(original.path), the indexed one, with other bytes (edited?); "
                + "compare the two, keep the one you want at \(original.path) and remove the other by hand"
        }
        // The indexed file edited since: this copy may be the backup to restore it from. The
        // restore sets the edited text aside first: a plain cp over it lost the edit.
        guard holdsStored(original, at: original.path) else {
            // Never over an existing file: a second backup's line, or this copy being the `.edited` one.
            let aside = shell(FileSystem.asidePath(original.path))
            return "\(path): holds what was stored at \(original.path), which has other bytes now; to restore it, "
                + "keeping the edited text as \(FileSystem.asidePath(original.path)): [ ! -e \(aside) ] && cp \(shell(original.path)) "
                + "\(aside) && cp \(shell(path)) \(shell(original.path)); once \(original.path) is as you want it, "
                + "remove this copy by hand"
        }
        // The indexed one is itself out of place (this copy may be the one in place): its own line
        // says to move it over this one and rebuild, after which removing "the copy" removed it.
        guard layouts.isInPlace(original.path, date: original.date, shortHash: original.shortHash) else {
            return "\(path): a second copy of \(original.path), the indexed one, which is itself misplaced; "
                + "follow that one's line first, then verify again"
        }
        return "\(path): misplaced: a second copy of \(original.path), the indexed one; remove this copy: rm \(shell(path))"
    }

    /// Whether the index keeps the item values `rerender --missing` writes a document again from
    /// (not for documents stored before they were kept).
    private func keepsItemValues(of document: IndexedDocument) -> Bool {
        var found = false
        try? database.prepare("SELECT 1 FROM sources WHERE document = ?1").run([.text(document.shortHash)]) { _ in found = true }
        return found
    }

    /// An indexed document not on disk: missing, or moved by hand (one copy or several elsewhere in
    /// the store). Forgetting it as missing and removing the "second copy" would delete it for good.
    private func missingProblems(_ document: IndexedDocument, copies: [String]) -> [String] {
        guard !copies.isEmpty else {
            return ["\(document.path): missing: in the index, not on disk; deleted on purpose? keep it from coming back: "
                    + "\(command("forget", "--missing")); else restore the file"
                    + (keepsItemValues(of: document) ? ", or write it again from what the index kept: \(command("rerender", "--missing"))" : "")]
        }
        // The copy holding what was stored (its size and digest). With none, nothing is to be
        // removed on this word: the copies may hold an edit someone wants.
        guard let kept = copies.first(where: { holdsStored(document, at: $0) }) else {
            return ["\(document.path): not on disk; copies elsewhere in the store hold other bytes than were stored "
                    + "(edited?): \(copies.joined(separator: ", ")); compare them, move the one to keep to "
                    + "\(document.path) and remove the others by hand"]
        }
        let back = "mkdir -p \(shell(DocumentLayout.folder(of: document.path))) && mv \(shell(kept)) \(shell(document.path))"
        let only = copies.count == 1 ? ", its only copy" : ""
        // Only back: indexed where it lies, it would be misplaced for its date, another problem.
        var lines = ["\(document.path): moved to \(kept)\(only); move it back: \(back)"]
        for other in copies where other != kept {
            lines.append(holdsStored(document, at: other)
                ? "\(other): another copy of the moved \(document.path) (the same bytes); once that is back, "
                    + "remove this one: rm \(shell(other))"
                : "\(other): another copy of the moved \(document.path), with other bytes than were stored (edited?); "
                    + "compare it with the one moved back, and keep or remove it by hand")
        }
        return lines
    }

    private func holdsStored(_ document: IndexedDocument, at path: String) -> Bool {
        guard let file = folder.locate(path), let bytes = FileSystem.read(file.name, in: file.folder),
              bytes.count == document.bytes else { return false }
        // Without a digest (indexed before digests were kept) a copy of the same size may be an edit.
        guard let digest = document.digest else { return false }
        return FileDigest.of(bytes) == digest
    }

    /// `path` in the store, quoted for a POSIX shell.
    private func shell(_ path: String) -> String {
        quoted(folder.path + "/" + path)
    }

    /// A store command for this store: `--store` names it, since the advice may be followed
    /// elsewhere than where verify ran (a copy verified by `--store` had `forget` act on the
    /// store of the feeds.yaml in the folder).
    private func command(_ subcommand: String, _ arguments: String...) -> String {
        (["crawler store", subcommand, "--store", quoted(folder.path)] + arguments).joined(separator: " ")
    }

    /// Quoted for a POSIX shell, where the advice is pasted: `'…'`, a `'` written `'\''`, and
    /// control characters as `$(printf '\ooo…')` between quoted parts (inside plain quotes a
    /// pasted tab or escape byte named another folder; bash's `$'…'` is not in dash). The
    /// character after them goes into the same printf: a command substitution drops the line
    /// breaks it ends with, and `rm` then named another file. Line breaks at the very end stay
    /// inside the quotes, as they are.
    private func quoted(_ text: String) -> String {
        var output = "'"
        var controls: [UInt8] = []
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                controls.append(UInt8(scalar.value))
            } else if !controls.isEmpty {
                output += "'\"$(printf '" + (controls + Array(String(scalar).utf8)).map(Self.octal).joined() + "')\"'"
                controls = []
            } else if scalar == "'" {
                output += "'\\''"
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        output += String(decoding: controls, as: UTF8.self)
        return output + "'"
    }

    private static func octal(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 8)
        return "\\" + String(repeating: "0", count: 3 - digits.count) + digits
    }

    /// Whether a running crawler wrote the document (a later version of its item, in place)
    /// between the index's reading and the file's: its row reads otherwise now, a rewrite of it
    /// is under way, or a second look finds nothing wrong. Such a document is unsettled, not
    /// edited: beside a daemon, `verify` called good posts changed and advised forgetting them
    /// (round 68). An edit by hand stays one on the second look.
    /// Looked at up to three times, 20 ms apart, and only while a crawler may be writing: with
    /// none, an edit is one at once (a site owner's hundreds of edits cost no waits).
    private func isInFlux(_ document: IndexedDocument, replaced: Bool) throws(StoreError) -> Bool {
        guard !indexIsNew, writerMayRun, document.shortHash.allSatisfy(\.isHexDigit) else { return false }
        for look in 0..<3 {
            if look > 0 { usleep(20_000) }
            let now = try DocumentIndex.documents(where: "short = '\(document.shortHash)'", in: database).first
            if now != document { return true }
            if try RevisionIndex.rewritesInProgress(in: database)[document.shortHash] != nil { return true }
            var isEdit = false
            if problems(of: document, replaced: replaced, isEdit: &isEdit)?.isEmpty == true { return true }
        }
        return false
    }

    /// Whether a crawler holds the store (or whether it cannot be told): only then can a document
    /// change under `verify`.
    private var writerMayRun: Bool {
        !StoreReader.canTellLockHolders || StoreReader.lockHolder(root: folder.path) != nil
    }

    /// `replaced`: the file holds a later version of its item, dated anew, under its first name and path.
    /// nil: the document is not on disk. `isEdit`: it is still a document, with other bytes.
    private func problems(of document: IndexedDocument, replaced: Bool, isEdit: inout Bool) -> [String]? {
        let path = document.path
        guard let file = folder.locate(path), let bytes = FileSystem.read(file.name, in: file.folder) else {
            // There, but not readable by this user (a store of root's read by another): not missing.
            if let located = folder.locate(path), located.folder.kind(of: located.name) == .file,
               Glibc.faccessat(located.folder.descriptor, located.name, R_OK, 0) != 0, errno == EACCES {
                return ["\(path): cannot read it (permission denied for user \(getuid())); run verify as the user "
                        + "the crawler runs as, or as root"]
            }
            // Not missing: a folder stands there, which `forget` cannot remove (round 65: "not on disk").
            if let located = folder.locate(path), located.folder.kind(of: located.name) == .folder {
                return ["\(path): a folder stands where this document belongs; move it away (mv \(shell(path)) "
                        + "ELSEWHERE), then write the document again: \(command("rerender", "--missing"))"]
            }
            return nil
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let date: Timestamp
        // Empty, binary or cut inside its front matter, rebuild-index leaves it out: the item is
        // then stored again by the next crawl (the advice said rebuild-index would keep it).
        let corruptFix = DocumentStore.looksEdited(bytes, hexo: checksHexoGrammar)
            ? "; restore it from a backup, take it as the document until a later store rerender or a new "
                + "version of its item writes it again (without keeping the edit beside): \(command("rebuild-index")), "
                + "or drop it: \(command("forget", quoted(path)))"
            : "; restore it from a backup, or run \(command("rebuild-index")), which leaves it out, and the next crawl "
                + "stores its item again; or drop it: \(command("forget", quoted(path)))"
        do {
            date = try readDate(text)
        } catch {
            // What was stored, unchanged, is not corrupt whatever its grammar: a template's front
            // matter may hold no YAML date (TOML's `date =`), and a file kept by rebuild-index.
            if bytes.count == document.bytes, let digest = document.digest, FileDigest.of(bytes) == digest { return [] }
            // rebuild-index keeps an indexed file that does not read as a document, as it is.
            let sizes = bytes.count == document.bytes ? "" : "\(bytes.count) bytes on disk, \(document.bytes) recorded, and "
            return ["\(path): corrupt: \(sizes)it no longer reads as a document (\(error))" + corruptFix]
        }
        // Still a document: most likely edited by hand, which the crawler supports. The advice that
        // came first (rebuild-index) took the protection away, and the next version of the item
        // wrote over the edit.
        let changedFix = "; if you edited it, nothing needs doing: crawls, rerender and rebuild-index keep an edit (a later "
            + "version of its item is recorded, not written over it); if not, restore it from a backup, or drop it: "
            + "\(command("forget", quoted(path)))"
        if bytes.count != document.bytes {
            isEdit = true
            return ["\(path): changed: \(bytes.count) bytes on disk, \(document.bytes) recorded (edited, or truncated)"
                    + changedFix]
        }
        if let digest = document.digest, FileDigest.of(bytes) != digest {
            isEdit = true
            return ["\(path): changed: its content differs from what was stored (edited, same size)" + changedFix]
        }
        if DocumentLayout.shortHash(ofFileName: Substring(DocumentLayout.fileName(of: path))) != document.shortHash {
            return ["\(path): misplaced: its name does not hold its hash \(document.shortHash); "
                    + "rebuild the index from the files: \(command("rebuild-index"))"]
        }
        if date != document.date {
            return ["\(path): corrupt: its date differs from the index" + corruptFix]
        }
        if !replaced, !layouts.isInPlace(path, date: date, shortHash: document.shortHash) {
            let expected = layouts.expectedPath(date: date, shortHash: document.shortHash)
            return ["\(path): misplaced: its date puts it at \(expected); move it there, then: \(command("rebuild-index"))"]
        }
        return []
    }
}

extension StoreVerifier {
    /// The date a document file holds, read as `rebuild-index` reads it.
    func readDate(_ text: String) throws(StoredDocumentReader.Problem) -> Timestamp {
        checksHexoGrammar ? try StoredDocumentReader.date(of: text) : try StoredDocumentReader.anyDocumentDate(in: text)
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

    /// What the store does not look behind: a link, or a folder it cannot enter (on another
    /// filesystem, not readable).
    struct Barrier {
        let path: String
        /// A link (else a folder the store cannot enter).
        let isLink: Bool
        /// "a symbolic link, which the store never follows", or why the folder cannot be entered.
        let what: String
    }

    struct Listing {
        var files: [File] = []
        /// Edits set aside (`.NAME.edited`) when their document was stored again: never documents,
        /// never copies to remove.
        var setAside: [String] = []
        /// In the document folders: the documents behind one would look deleted.
        var barriers: [Barrier] = []
        /// Other files in the document folders (not named by a hash, not hidden): the operator's
        /// own, or a document copied or renamed by hand (`renamedCopies`).
        var others: [String] = []

        /// The barrier `path` lies behind (or is), if any.
        func barrier(above path: String) -> Barrier? {
            barriers.first { path == $0.path || path.hasPrefix($0.path + "/") }
        }
    }

    /// Links are not followed: nothing outside the store is read as a document. They, and folders
    /// that cannot be entered, are listed for `verify` to name and `rebuild-index` and `forget
    /// --missing` to refuse, since the documents behind one would look deleted. At the store's top,
    /// only one where a layout the store has used puts documents (`posts`, `blog.posts`...), or
    /// where an indexed document lies (`indexedTops`), counts.
    static func list(root: StoreFolder, layouts: KnownLayouts, indexedTops: Set<String> = []) -> Listing {
        var listing = Listing()
        for entry in root.entries() where entry.name != "tmp" && entry.name != "assets" {
            let counts = layouts.mayHoldDocuments(top: entry.name) || indexedTops.contains(entry.name)
            if entry.kind == .folder, !counts, KnownLayouts.isSiteOutput(entry.name) { continue }
            if entry.kind == .folder {
                enter(root, entry.name, relative: entry.name, counts: counts, into: &listing)
            } else if entry.kind == .link, counts {
                listing.barriers.append(Barrier(path: entry.name, isLink: true, what: linkText))
            }
        }
        return listing
    }

    private static let linkText = "a symbolic link, which the store never follows"

    private static func enter(_ parent: StoreFolder, _ name: String, relative: String, counts: Bool,
                              into listing: inout Listing) {
        do {
            walk(try parent.folder(name, creating: false), relative: relative, into: &listing)
        } catch {
            guard counts else { return }
            let why = if case let .refused(_, reason) = error { reason } else { "\(error)" }
            listing.barriers.append(Barrier(path: relative, isLink: false, what: "a folder the store cannot enter (\(why))"))
        }
    }

    private static func walk(_ folder: StoreFolder, relative: String, into listing: inout Listing) {
        for entry in folder.entries() {
            let path = relative + "/" + entry.name
            if entry.kind == .folder {
                enter(folder, entry.name, relative: path, counts: true, into: &listing)
            } else if entry.kind == .file, FileSystem.isSetAside(entry.name) {
                listing.setAside.append(path)
            } else if entry.kind == .file, let short = DocumentLayout.shortHash(ofFileName: Substring(entry.name)) {
                listing.files.append(File(path: path, shortHash: short))
            } else if entry.kind == .link {
                listing.barriers.append(Barrier(path: path, isLink: true, what: linkText))
            } else if entry.kind == .file, !entry.name.hasPrefix(".") {
                listing.others.append(path)
            }
        }
    }

    /// Files under names of their own (`Listing.others`) that hold an indexed document's exact
    /// bytes (its size and digest): a copy made or renamed by hand, which a site generator
    /// publishes as a post of its own. Read only when an indexed document has their size.
    static func renamedCopies(_ others: [String], of documents: [IndexedDocument],
                              root: StoreFolder) -> [(path: String, document: IndexedDocument)] {
        guard !others.isEmpty else { return [] }
        var bySize: [Int: [IndexedDocument]] = [:]
        for document in documents where document.digest != nil { bySize[document.bytes, default: []].append(document) }
        return others.compactMap { path in
            guard let file = root.locate(path), let size = file.folder.size(of: file.name),
                  let candidates = bySize[size], let bytes = FileSystem.read(file.name, in: file.folder) else { return nil }
            let digest = FileDigest.of(bytes)
            return candidates.first { $0.digest == digest }.map { (path, $0) }
        }
    }

    /// The hashes named by files where the store keeps no documents (its top, `assets/`): a
    /// document moved there by hand is not missing.
    static func outsideDocumentFolders(root: StoreFolder) -> Set<String> {
        var listing = Listing()
        for entry in root.entries() {
            if entry.kind == .file, let short = DocumentLayout.shortHash(ofFileName: Substring(entry.name)) {
                listing.files.append(File(path: entry.name, shortHash: short))
            } else if entry.kind == .folder, entry.name == "assets" {
                enter(root, entry.name, relative: entry.name, counts: false, into: &listing)
            }
        }
        return Set(listing.files.map(\.shortHash))
    }

    /// Files under names of their own where the store keeps no documents (its top, `assets/`):
    /// a post renamed there by hand is not deleted (see `renamedCopies`). Not the store's own files.
    static func othersOutsideDocumentFolders(root: StoreFolder) -> [String] {
        var listing = Listing()
        for entry in root.entries() {
            if entry.kind == .file, !entry.name.hasPrefix("."), !storeOwnFiles.contains(where: entry.name.hasPrefix),
               DocumentLayout.shortHash(ofFileName: Substring(entry.name)) == nil {
                listing.others.append(entry.name)
            } else if entry.kind == .folder, entry.name == "assets" {
                enter(root, entry.name, relative: entry.name, counts: false, into: &listing)
            }
        }
        return listing.others
    }

    private static let storeOwnFiles = ["index.sqlite", "lock", "runtime"]

    /// The first folders of indexed paths, for `list`.
    static func tops(of documents: [IndexedDocument]) -> Set<String> {
        Set(documents.map { String($0.path.prefix { $0 != "/" }) })
    }

}
