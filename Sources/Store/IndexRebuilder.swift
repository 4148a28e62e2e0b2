public import FeedModel

/// Rebuilds the `documents` table from the files alone: for a lost or damaged index, or after
/// `document_path:` changed. Every folder of the store is walked, so documents in any layout the
/// store has used are found. Of two files with one hash, one is the original (the one the old
/// index names, else the one in place for its date) and the other is rejected, naming both.
/// Feed state, provenance, revision links and tombstones are kept where the old index has them;
/// a forgotten document's file is not indexed again.
extension DocumentStore {
    public struct RebuildReport: Sendable {
        public var indexed = 0
        /// Files that are not documents in the format, or were forgotten, left out of the index.
        public var skipped: [String] = []
        /// Copies left out because another file holds the same document, each naming both.
        public var rejected: [String] = []
        /// Indexed files that no longer read as documents, kept in the index as they are.
        public var kept: [String] = []
        /// Documents indexed where their date does not put them (moved by hand, the only copy).
        public var misplaced: [String] = []
        /// Documents the old index held whose file is gone (deleted by hand): kept forgotten.
        public var forgottenMissing: [String] = []
        /// Every indexed document is where the current `document_path:` puts it (not only where
        /// some layout does: every output's default is known).
        public var inCurrentLayout = true
        /// Of `skipped`, the files that do not read as documents in the format (not forgotten ones).
        public var notDocuments: [String] = []
        /// Documents whose bytes differ from what the old index recorded (edited by hand): indexed
        /// with the recorded digest, so that they stay edits crawls and rerender do not write over.
        public var edited: [String] = []
        /// Files that could not be read: the rebuild is refused.
        var unreadable: [String] = []
    }

    private struct Candidate {
        let row: IndexedDocument
        let inPlace: Bool
    }

    /// `checksHexoGrammar` (the store's own setting when nil) says whether a file must be Hexo's
    /// grammar to be a document; the caller knows whether the store's files were written as Hexo.
    public func rebuildIndex(checksHexoGrammar hexo: Bool? = nil, at time: Timestamp) throws(StoreError) -> RebuildReport {
        var report = RebuildReport()
        let hexo = hexo ?? checksHexoGrammar
        let layouts = KnownLayouts(current: layout, database: indexDatabase)
        let indexed = (try? indexedDocuments()) ?? []
        let previous = Dictionary(indexed.map { ($0.shortHash, $0) }, uniquingKeysWith: { first, _ in first })
        let listing = DocumentFiles.list(root: folder, layouts: layouts, indexedTops: DocumentFiles.tops(of: indexed))
        // The documents behind a link (or a folder it cannot enter) would be dropped from the index as if deleted.
        if let barrier = listing.barriers.first {
            throw .refused(path: folder.path + "/" + barrier.path, reason: "is \(barrier.what); nothing was rebuilt: "
                           + "see crawler store verify for what to do, then run rebuild-index again"
                           + (listing.barriers.count > 1 ? " (\(listing.barriers.count - 1) more)" : ""))
        }
        var rows: [IndexedDocument] = []
        let grouped = candidates(listing.files, indexed: previous, layouts: layouts, hexo: hexo, report: &report)
        // A file this user cannot read would be dropped with its item's history, kept nowhere else.
        if let unreadable = report.unreadable.first {
            throw .refused(path: folder.path + "/" + unreadable, reason: "cannot be read by this user: nothing was rebuilt; "
                           + "make it readable (or run as the user the crawler runs as), then run rebuild-index again"
                           + (report.unreadable.count > 1 ? " (\(report.unreadable.count - 1) more)" : ""))
        }
        for copies in grouped {
            let short = copies[0].row.shortHash
            let indexedPath = previous[short]?.path.utf8
            let original = copies.first { indexedPath?.elementsEqual($0.row.path.utf8) == true }
                ?? copies.first { $0.inPlace } ?? copies[0]
            rows.append(original.row)
            if !layouts.current.relativePath(date: original.row.date, shortHash: short).utf8.elementsEqual(original.row.path.utf8) {
                report.inCurrentLayout = false
            }
            for copy in copies where !copy.row.path.utf8.elementsEqual(original.row.path.utf8) {
                let why = copy.inPlace ? "a second copy" : "a misplaced copy (its date puts it at "
                    + layouts.expectedPath(date: copy.row.date, shortHash: short) + ")"
                report.rejected.append("\(copy.row.path): \(why) of \(original.row.path), which is kept")
            }
            if !original.inPlace {
                report.misplaced.append("\(original.row.path): its date puts it at "
                                        + layouts.expectedPath(date: original.row.date, shortHash: short)
                                        + "; indexed where it is (no copy is in place)")
            }
        }
        // A post deleted by hand is not stored again by a crawl (its item is known); dropped from
        // the index with its item, it was. Forgotten instead, as `forget --missing` would (before
        // the rows go, so that its items are buried too): a file under its hash anywhere in the
        // store (moved, emptied, edited) is no deletion.
        let present = Set(listing.files.map(\.shortHash)).union(DocumentFiles.outsideDocumentFolders(root: folder))
        // Renamed by hand (its bytes under a name of their own): not deleted, and not indexable
        // where it is; kept in the index as it was, for verify's advice to move it back (it was
        // forgotten for good, and the advice then removed its only copy).
        let absent = indexed.filter { !present.contains($0.shortHash) }
        var renamed: Set<String> = []
        let others = absent.isEmpty ? [] : listing.others + DocumentFiles.othersOutsideDocumentFolders(root: folder)
        for (path, document) in DocumentFiles.renamedCopies(others, of: absent, root: folder)
        where renamed.insert(document.shortHash).inserted {
            rows.append(document)
            report.kept.append("\(document.path): kept in the index, though not on disk: its bytes are at \(path) (renamed "
                               + "by hand?); crawler store verify says how to move it back")
        }
        let missing = absent.filter { !renamed.contains($0.shortHash) }
        try Tombstones.bury(missing.map { (short: $0.shortHash, path: $0.path) }, at: time, in: indexDatabase)
        report.forgottenMissing = missing.map(\.path)
        try replaceDocuments(with: rows)
        try RevisionIndex.listUnclaimed(in: indexDatabase)
        // A document left out (cut, emptied) is stored again by the next crawl only if its feed's
        // body is read again: kept validators and fingerprints answered "unchanged" for as long
        // as the feed was, and verify's promise that the item comes back did not hold.
        if !report.notDocuments.isEmpty {
            try indexDatabase.execute("UPDATE feed_state SET etag = NULL, last_modified = NULL, body_fingerprint = NULL;")
        }
        report.indexed = rows.count
        return report
    }

    /// Text that still begins as the format's documents do: an edit, not an empty or binary file
    /// (a crash, a full disk), which kept would have verify call the store clean.
    static func looksEdited(_ bytes: [UInt8], hexo: Bool) -> Bool {
        guard !bytes.isEmpty, !bytes.contains(0) else { return false }
        // Its front matter whole, closed by its own `---` line: a file cut inside it is torn.
        guard hexo else { return StoredDocumentReader.unclosedFrontMatter(in: String(decoding: bytes, as: UTF8.self)) == nil }
        return bytes.starts(with: "\n---\n".utf8) && bytes.dropFirst(5).firstRange(of: Array("\n---\n".utf8)) != nil
    }

    /// Every document file read, grouped by hash (first seen first); files that are no
    /// document, or were forgotten, go to the report instead.
    /// A file the old index names at its path is kept with its indexed date even when it no
    /// longer reads as a document (edited by hand, or a template's front matter without a YAML
    /// date): left out, its item's history went with it, and the next crawl wrote over the edit.
    private func candidates(_ files: [DocumentFiles.File], indexed: [String: IndexedDocument], layouts: KnownLayouts,
                            hexo: Bool, report: inout RebuildReport) -> [[Candidate]] {
        let forgotten = (try? Tombstones.shorts(in: indexDatabase)) ?? []
        var groups: [String: [Candidate]] = [:]
        var order: [String] = []
        for file in files {
            guard !forgotten.contains(file.shortHash) else {
                report.skipped.append("\(file.path): forgotten (crawler store forget \(file.path) removes the file)")
                continue
            }
            guard let located = folder.locate(file.path), let bytes = FileSystem.read(located.name, in: located.folder) else {
                report.unreadable.append(file.path)
                continue
            }
            do {
                let text = String(decoding: bytes, as: UTF8.self)
                let date: Timestamp
                var keptAsItIs = false
                do {
                    date = hexo ? try StoredDocumentReader.date(of: text) : try StoredDocumentReader.anyDocumentDate(in: text)
                } catch {
                    guard let old = indexed[file.shortHash], old.path.utf8.elementsEqual(file.path.utf8),
                          Self.looksEdited(bytes, hexo: hexo) else { throw error }
                    report.kept.append("\(file.path): kept with its indexed date, though it no longer reads as a document (\(error))")
                    date = old.date
                    keptAsItIs = true
                }
                var row = IndexedDocument(shortHash: file.shortHash, path: file.path, date: date, bytes: bytes.count,
                                          digest: FileDigest.of(bytes))
                // An edit by hand stays one: what was stored is what the old index recorded.
                // (Stored before digests were recorded, its size alone tells.)
                if !keptAsItIs, let old = indexed[file.shortHash], old.path.utf8.elementsEqual(file.path.utf8),
                   old.digest.map({ $0 != row.digest }) ?? (old.bytes != row.bytes) {
                    row.bytes = old.bytes
                    row.digest = old.digest
                    report.edited.append(file.path)
                }
                if groups[file.shortHash] == nil { order.append(file.shortHash) }
                groups[file.shortHash, default: []].append(
                    Candidate(row: row, inPlace: layouts.isInPlace(file.path, date: date, shortHash: file.shortHash)))
            } catch {
                report.skipped.append("\(file.path): \(error)")
                report.notDocuments.append(file.path)
            }
        }
        return order.compactMap { groups[$0] }
    }
}
