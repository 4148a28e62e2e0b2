// Store: the only module that writes files. Documents are files; the index and feed state
// are one SQLite database beside them. README.md "The store" gives the layout and the order
// of writes that makes a crash harmless.
public import FeedModel
internal import Foundation
internal import Glibc

/// An open store: holds the lock, the index, and writes documents. Not Sendable: one owner.
public final class DocumentStore {
    public let root: String
    /// The root, open: everything beneath it is reached from here (see `StoreFolder`).
    let folder: StoreFolder
    /// nil for a store opened to read only (`readingOnly`), which takes no lock.
    private let lock: StoreLock?
    let index: DocumentIndex
    /// Where an index that could not be opened was set aside (`setAsideBrokenIndex`), if one was.
    public let brokenIndexKeptAs: String?
    /// What was read from that index into the new one (see `IndexSalvage`): forgotten documents,
    /// and the tables that could not be read whole.
    public let carriedFromBrokenIndex: (forgotten: Int, feedStates: Int, unreadable: [String])?
    let writer: DocumentWriter
    /// `stage`'s own read-only connection to the index, opened on first use.
    private var stagingConnection: SQLiteDatabase?
    /// What opening the store had to repair after an unclean stop.
    public let recovery: Recovery
    /// The names of every feed in the configuration (enabled or not), once a crawl has said them:
    /// a stored document none of them owns is adopted by the feed that reads it again. nil (a
    /// store opened by a tool): nothing is adopted.
    public var configuredFeeds: Set<String>?
    /// Those of them enabled: each must have answered since a post was adopted before its
    /// adopter may write over it (`storeRevisions`).
    public var enabledFeeds: Set<String>?

    public struct Recovery: Sendable, Hashable {
        /// Temp files removed: documents a crash interrupted before they were durable.
        public var removedTemporaryFiles = 0
        /// Pending documents whose rename had happened: now recorded as stored.
        public var completedDocuments = 0
        /// Pending documents whose rename had not happened: forgotten, so a later pass stores them.
        public var forgottenDocuments = 0
        /// Rewrites (replacements, re-renders) a crash interrupted, finished from their durable temp files.
        public var finishedRewrites = 0

        public var isEmpty: Bool { self == Recovery() }
    }

    /// What became of a batch handed to `store`.
    public struct Outcome: Sendable {
        public var stored: [Document]
        /// Documents whose content hash was already in the store (or earlier in the same batch).
        public var duplicates: Int
        /// Documents not stored because the store refused their folder (a symbolic link, another
        /// filesystem), by short hash: their feeds failed, the rest of the batch did not.
        public var refused: [String: StoreError]
        /// Documents whose item was stored with other content, rewritten in place (`revisions: replace`).
        public var replaced: [Document] = []
        /// Later versions only recorded, not written (`revisions: keep-first`).
        public var recorded: [Document] = []
        /// Duplicates of documents no configured feed owned, now their reading feed's (`configuredFeeds`).
        public var adopted: [Document] = []
        /// Duplicates of documents another feed had adopted, that this reading made no feed's (two
        /// feeds carry them: neither may write into them).
        public var contested: [Document] = []
        /// Of `recorded`, the corrections of adopted posts held until every other feed has answered
        /// (`adoptionUnconfirmed`), and a feed's texts of another feed's post held until that feed
        /// has (`ReaderVersions`): their feeds must read them again, not skip an unchanged body.
        public var awaitingAdoption: [Document] = []
        /// Of `recorded`, the versions an edit by hand held back, with the edited post's path.
        public var heldByEdit: [(document: Document, path: String)] = []
        /// New documents whose link and date a post of the same feed has under another identity
        /// (`IdentityChurn`), with that identity.
        public var churned: [(document: Document, earlier: String)] = []

        public init(stored: [Document], duplicates: Int, refused: [String: StoreError] = [:]) {
            self.stored = stored
            self.duplicates = duplicates
            self.refused = refused
        }
    }

    /// Opens (creating if needed) the store at `path` and repairs what an unclean stop left.
    /// With `setAsideBrokenIndex`, an index that cannot be opened is renamed out of the way and
    /// a fresh one created (for `rebuild-index`); otherwise that is an error.
    public let layout: DocumentLayout
    /// Check documents against the golden (Hexo) grammar in `verify`; off for other dialects.
    public let checksHexoGrammar: Bool

    /// `roomless`: for a store on a full disk, the index is opened in SQLite's exclusive mode,
    /// which needs no room for its shared-memory file (making that file took room, and `forget`
    /// could not open the store to free any; readers such as `status` wait until it is closed).
    public init(path: String, layout: DocumentLayout = .standard, checksHexoGrammar: Bool = true,
                setAsideBrokenIndex: Bool = false, durable: Bool = true, roomless: Bool = false) throws(StoreError) {
        self.layout = layout
        self.checksHexoGrammar = checksHexoGrammar
        root = path
        folder = try StoreFolder.root(path)
        lock = try StoreLock(in: folder)
        let temporary = try folder.folder("tmp")
        let indexPath = try IndexFile.path(in: folder)
        // A new index beside documents would take none of them for stored: every item again.
        if !setAsideBrokenIndex, Self.isEmptyFile(indexPath), let top = LostIndex.folderHoldingFiles(folder) {
            throw .refused(path: indexPath, reason: "is missing or empty, and the store holds documents under \(top)/: "
                           + "a crawl now would store every item again; run `crawler store rebuild-index` to index them first")
        }
        let carried: IndexSalvage.Carried?
        (index, brokenIndexKeptAs, carried) = try Self.openIndex(indexPath, setAsideBroken: setAsideBrokenIndex, exclusive: roomless)
        carriedFromBrokenIndex = carried.map { ($0.forgotten, $0.feedStates, $0.unreadable) }
        if !setAsideBrokenIndex, let document = try LostIndex.unindexedDocument(in: folder, database: index.database) {
            throw LostIndex.refusal(indexPath: indexPath, document: document)
        }
        writer = DocumentWriter(root: folder, temporaryFolder: temporary, layout: layout, durable: durable)
        if !durable {
            index.synchronousMode = "OFF"
            try index.database.execute("PRAGMA synchronous=OFF")
        }
        // Before the temp files go: an interrupted rewrite's new text waits in one of them.
        let finishedRewrites = try Self.finishRewrites(index: index, root: folder, temporary: temporary, durable: durable)
        var recovery = Recovery(removedTemporaryFiles: temporary.removeTemporaryFiles())
        recovery.finishedRewrites = finishedRewrites
        (recovery.completedDocuments, recovery.forgottenDocuments) = try Self.resolvePending(
            index: index, root: folder, durable: durable)
        self.recovery = recovery
        // Best effort: a store that cannot record it still crawls; rebuild-index falls back to the defaults.
        try? KnownLayouts.record(layout, in: index.database)
    }

    /// The store at `path`, to read only: no lock (a running crawler may hold it), nothing repaired
    /// or written, the index read through a read-only connection. For dry runs, which say what a
    /// command would change while the daemon goes on crawling; anything that tries to write fails.
    public init(readingOnly path: String, layout: DocumentLayout = .standard, checksHexoGrammar: Bool = true) throws(StoreError) {
        self.layout = layout
        self.checksHexoGrammar = checksHexoGrammar
        root = path
        folder = try StoreFolder.root(path)
        lock = nil
        let indexPath = try IndexFile.path(in: folder)
        index = try DocumentIndex(readingOnly: indexPath, immutable: IndexFile.needsImmutableRead(in: folder))
        brokenIndexKeptAs = nil
        carriedFromBrokenIndex = nil
        // Never written through: the index refuses the first write of a batch, before any file.
        let temporary = (try? folder.folder("tmp", creating: false)) ?? folder
        writer = DocumentWriter(root: folder, temporaryFolder: temporary, layout: layout, durable: false)
        recovery = Recovery()
    }

    /// No index, or an empty one with nothing in a WAL beside it (a failed copy, a full disk):
    /// SQLite would start a new index in either.
    private static func isEmptyFile(_ path: String) -> Bool {
        var info = stat(), wal = stat()
        guard stat(path, &info) == 0 else { return true }
        return info.st_size == 0 && (stat(path + "-wal", &wal) != 0 || wal.st_size == 0)
    }

    /// The store's own connection to the index, for the extensions in other files.
    var indexDatabase: SQLiteDatabase { index.database }

    deinit {
        // Before the index's own connection: SQLite checkpoints the WAL into the database when
        // its last connection closes, and a WAL left behind is read whole by the next open.
        stagingConnection = nil
    }

    /// The index, where an unreadable one was set aside (nil: none was), and what was carried
    /// from it into the new one. A carry that fails puts the old index back, so that the next
    /// rebuild-index tries again rather than find a new index with nothing to carry.
    private static func openIndex(_ path: String, setAsideBroken: Bool,
                                  exclusive: Bool) throws(StoreError) -> (DocumentIndex, String?, IndexSalvage.Carried?) {
        do throws(StoreError) {
            // An index that opens may still have damaged pages (a bad sector): every command then
            // fails on them, and a rebuild must not read its documents from it.
            if setAsideBroken, let damage = damage(of: path) { throw StoreError.index(path: path, message: damage) }
            return (try DocumentIndex(path: path, exclusive: exclusive), nil, nil)
        } catch {
            guard setAsideBroken else { throw error }
            // Beside any set aside before, never over it: it may be the one a backup is made from.
            var aside = path + ".broken"
            var number = 2
            while ["", "-wal", "-shm"].contains(where: { access(aside + $0, F_OK) == 0 }) {
                aside = path + ".broken-\(number)"
                number += 1
            }
            for suffix in ["", "-wal", "-shm"] where access(path + suffix, F_OK) == 0 {
                guard rename(path + suffix, aside + suffix) == 0 else {
                    throw .io(path: path + suffix, operation: "set aside", errno: errno)
                }
            }
            do throws(StoreError) {
                let fresh = try DocumentIndex(path: path)
                return (fresh, aside, try IndexSalvage.carry(from: aside, into: fresh.database))
            } catch {
                for suffix in ["", "-wal", "-shm"] {
                    unlink(path + suffix)
                    if access(aside + suffix, F_OK) == 0 { rename(aside + suffix, path + suffix) }
                }
                throw error
            }
        }
    }

    /// What SQLite's quick check finds wrong with the index at `path` (nil: nothing, or no index).
    private static func damage(of path: String) -> String? {
        guard access(path, F_OK) == 0, !isEmptyFile(path) else { return nil }
        do {
            let database = try SQLiteDatabase(path: path, readOnly: true)
            var found: [String] = []
            try database.prepare("PRAGMA quick_check(5)").run([]) { row in found.append(row.text(0) ?? "") }
            return found == ["ok"] ? nil : found.joined(separator: "; ")
        } catch {
            return "\(error)"
        }
    }

    public func contains(hash: String) throws(StoreError) -> Bool {
        try index.contains(shortHash: String(hash.prefix(16)))
    }

    /// Which of `shorts` are stored. Asked on the staging side (see `stage`), through its connection.
    public func storedHashes(among shorts: [String]) throws(StoreError) -> Set<String> {
        if stagingConnection == nil { stagingConnection = try SQLiteDatabase(path: index.database.path, readOnly: true) }
        return try StoredHashes.among(shorts, in: stagingConnection!)
    }

    /// Asked, as `storedHashes`, on the staging side.
    public func revisingDocuments(among documents: [Document]) throws(StoreError) -> Set<String> {
        if stagingConnection == nil { stagingConnection = try SQLiteDatabase(path: index.database.path, readOnly: true) }
        return try RevisionPlan.corrections(documents, in: stagingConnection!)
    }

    /// Stores the documents not already present, as one durable batch (`stage`, then `store`).
    public func store(_ documents: [Document], storedAt: Timestamp) throws(StoreError) -> Outcome {
        try store(stage(documents, lookingUpIn: index.database), storedAt: storedAt)
    }

    /// Writes the documents not stored yet to unnamed files and syncs them, ready for
    /// `store(_:storedAt:)`, whose own sync then finds little left to write: waiting for the disk
    /// here keeps the thread storing the batch before from waiting for it.
    /// May run on one thread while `store` runs on another: it reads the index through a
    /// connection of its own and writes no name, so the two never meet. Never two at once.
    public func stage(_ documents: [Document]) throws(StoreError) -> StagedDocuments {
        if stagingConnection == nil { stagingConnection = try SQLiteDatabase(path: index.database.path, readOnly: true) }
        let staged = try stage(documents, lookingUpIn: stagingConnection!)
        if staged.hasFiles { try writer.makeDurable() }
        staged.isAhead = true
        return staged
    }

    private func stage(_ documents: [Document], lookingUpIn database: SQLiteDatabase) throws(StoreError) -> StagedDocuments {
        let (plain, revisions) = try RevisionPlan.split(documents, in: database)
        // Forgotten documents count as seen: `store forget` keeps them from coming back, as a new
        // document or as a revision of the item it was.
        let forgotten = try Tombstones.forgotten(plain + revisions, in: database)
        var seen = try StoredHashes.among(plain.map(\.shortHash), in: database)
        seen.formUnion(forgotten)
        // A text this batch writes into a post it revises is that post's, not a second one.
        seen.formUnion(revisions.map(\.shortHash))
        let fresh = plain.filter { seen.insert($0.shortHash).inserted }
        return StagedDocuments(documents: documents, preparation: try writer.prepare(fresh), writer: writer,
                               revisions: revisions.filter { !forgotten.contains($0.shortHash) })
    }

    /// Stores a staged batch durably:
    /// 1. the staged files are made durable by one syncfs, unless staging ahead did (and then
    ///    documents the batch before stored meanwhile are dropped first);
    /// 2. the index records them, and lists them as pending (one transaction);
    /// 3. each is linked (or renamed) under its name, then one more syncfs;
    /// 4. the index drops them from its pending list (one small transaction);
    /// 5. items stored before with other content are rewritten in place, or only recorded, by
    ///    their feed's `revisions:` (`storeRevisions`, in the same order of writes).
    /// A crash anywhere leaves either nothing, or pending rows that `init` resolves by looking
    /// for the named file. No document is ever half-written under its final name.
    public func store(_ staged: StagedDocuments, storedAt: Timestamp) throws(StoreError) -> Outcome {
        let isAhead = staged.isAhead
        var prepared = staged.take()
        var revisions = staged.revisions
        if isAhead {
            let storedMeanwhile: Set<String>
            do {
                storedMeanwhile = try index.storedHashes(among: prepared.map(\.document.shortHash))
            } catch {
                writer.discard(prepared[...])
                throw error
            }
            writer.discard(prepared.filter { storedMeanwhile.contains($0.document.shortHash) }[...])
            prepared.removeAll { storedMeanwhile.contains($0.document.shortHash) }
            // An item the batch before stored meanwhile is a revision now, not a second document.
            let late: Set<String>
            do {
                late = try RevisionPlan.itemsWithFiles(prepared.map(\.document), in: index.database)
            } catch {
                writer.discard(prepared[...])
                throw error
            }
            let isLate = { (entry: PreparedDocument) in late.contains(entry.document.shortHash) }
            writer.discard(prepared.filter(isLate)[...])
            revisions += prepared.filter(isLate).map(\.document)
            prepared.removeAll(where: isLate)
        }
        let waiting: [Document]
        do {
            waiting = try readingsWaiting(among: prepared.map(\.document), now: storedAt)
        } catch {
            writer.discard(prepared[...])
            throw error
        }
        if !waiting.isEmpty {
            let shorts = Set(waiting.map(\.shortHash))
            writer.discard(prepared.filter { shorts.contains($0.document.shortHash) }[...])
            prepared.removeAll { shorts.contains($0.document.shortHash) }
        }
        let copies: [(document: Document, file: String)]
        do {
            copies = try index.revisions.unclaimedCopies(of: prepared, configured: configuredFeeds)
        } catch {
            writer.discard(prepared[...])
            throw error
        }
        if !copies.isEmpty {
            let shorts = Set(copies.map(\.document.shortHash))
            writer.discard(prepared.filter { shorts.contains($0.document.shortHash) }[...])
            prepared.removeAll { shorts.contains($0.document.shortHash) }
        }
        guard !prepared.isEmpty else {
            return try outcome(stored: [], revisions: revisions, waiting: waiting, copies: copies, of: staged, storedAt: storedAt)
        }
        let churned: [(document: Document, earlier: String)]
        do {
            churned = try IdentityChurn.among(prepared, in: index.database)
        } catch {
            writer.discard(prepared[...])
            throw error
        }
        do {
            // Staged ahead, the files were synced there; a sync here would wait for the next
            // batch's files being written meanwhile.
            if !isAhead { try writer.makeDurable() }
            try index.recordPending(prepared, storedAt: storedAt)
        } catch {
            writer.discard(prepared[...])
            throw error
        }
        let refused: [String: StoreError]
        do {
            refused = try writer.publish(prepared)
        } catch {
            // Not one document of the batch is stored: the names given were taken back, so the
            // pending rows go too, and the next pass stores the batch again. (If this fails as
            // well, the rows stay pending and the next open settles them.)
            try? index.forget(prepared.map(\.document.shortHash))
            throw error
        }
        if !refused.isEmpty {
            try index.forget(Array(refused.keys))
            prepared.removeAll { refused[$0.document.shortHash] != nil }
        }
        try index.markStored(prepared.map(\.document.shortHash))
        var done = try outcome(stored: prepared.map(\.document), revisions: revisions, waiting: waiting, copies: copies, of: staged,
                               refused: staged.refused.merging(refused) { first, _ in first }, storedAt: storedAt)
        done.churned = churned.filter { refused[$0.document.shortHash] == nil }
        return done
    }

    /// Whether the file of the document's post holds exactly what its feed would write: a feed
    /// adopts only a post it would have written itself (round 21: a copycat adopted a blog's old
    /// post the blog no longer carried, after a lost index, and rewrote it with its own author
    /// and channel as categories). The same blog moved keeps its channel, and its posts.
    private func holdsAlike(_ document: Document) -> Bool {
        guard DocumentStore.isContentHash(document.shortHash),
              let row = try? index.documents(where: "short = '\(document.shortHash)'").first,
              let located = folder.locate(row.path), let bytes = FileSystem.read(located.name, in: located.folder) else {
            return false
        }
        return bytes.elementsEqual(document.text.utf8)
    }

    /// Stores the batch's revisions (after its new documents) and says what became of the batch.
    /// `waiting`: new documents recorded, not stored (`readingsWaiting`).
    /// `copies`: new documents that are, byte for byte, posts a rebuilt index had no item of (`UnclaimedFiles`).
    private func outcome(stored: [Document], revisions: [Document], waiting: [Document],
                         copies: [(document: Document, file: String)] = [], of staged: StagedDocuments,
                         refused: [String: StoreError]? = nil, storedAt: Timestamp) throws(StoreError) -> Outcome {
        let refused = refused ?? staged.refused
        try index.revisions.adoptUnclaimed(copies, storedAt: storedAt)
        let revised = try storeRevisions(revisions, storedAt: storedAt)
        let written = Set(stored.map(\.shortHash)), revising = Set(revisions.map(\.shortHash))
        let copied = Set(copies.map(\.document.shortHash))
        let linked = try index.revisions.linkDuplicates(staged.documents.filter {
            !written.contains($0.shortHash) && !revising.contains($0.shortHash) && refused[$0.shortHash] == nil
                && !copied.contains($0.shortHash)
        }, adoptingUnlessOwnedBy: configuredFeeds, storedNow: stored.reduce(into: [:]) { $0[$1.feed, default: 0] += 1 },
           writtenAlike: holdsAlike, storedAt: storedAt)
        var outcome = Outcome(stored: stored, duplicates: staged.documents.count - stored.count - revised.replaced.count
                                - refusedCount(staged.documents, refused), refused: refused)
        outcome.replaced = revised.replaced
        outcome.recorded = revised.recorded + waiting
        outcome.heldByEdit = revised.heldByEdit.map { (document: $0.0, path: $0.1) }
        outcome.awaitingAdoption = revised.awaiting + waiting
        outcome.adopted = linked.adopted + copies.map(\.document)
        outcome.contested = linked.contested
        return outcome
    }

    /// How many of the batch's documents (duplicates included) were refused.
    private func refusedCount(_ documents: [Document], _ refused: [String: StoreError]) -> Int {
        refused.isEmpty ? 0 : documents.filter { refused[$0.shortHash] != nil }.count
    }

    /// Settles every pending row a crash left: stored if its file is in place, whole and durable
    /// (a crash between the link and its sync leaves a name no power cut is sure to keep, so the
    /// filesystem is synced first), forgotten otherwise, its file removed.
    private static func resolvePending(index: DocumentIndex, root: StoreFolder,
                                       durable: Bool) throws(StoreError) -> (Int, Int) {
        let pending = try index.pendingDocuments()
        guard !pending.isEmpty else { return (0, 0) }
        let synced = !durable || (try? root.syncFileSystem()) != nil
        let located = pending.map { (document: $0, file: root.locate($0.path)) }
        let inPlace = located.filter { synced && $0.file.flatMap { $0.folder.size(of: $0.name) } == $0.document.bytes }
        let inPlaceHashes = Set(inPlace.map(\.document.shortHash))
        let missing = located.filter { !inPlaceHashes.contains($0.document.shortHash) }
        for entry in missing {
            guard let file = entry.file, let size = file.folder.size(of: file.name) else { continue }
            // Of another size than the document: not ours (ours are named only once whole), but a
            // file that was there before, an edit the crash came before setting aside.
            if size == entry.document.bytes {
                file.folder.remove(file.name)
            } else {
                _ = try? FileSystem.setAside(file.name, in: file.folder, unless: "")
            }
        }
        try index.markRecovered(inPlace.map(\.document.shortHash))
        try index.forget(missing.map(\.document.shortHash))
        return (inPlace.count, missing.count)
    }

    /// The short hash of the document that `shortHash` revises (same feed, same item), if any.
    public func revisedHash(of shortHash: String) throws(StoreError) -> String? {
        try index.revisionOf(shortHash: shortHash)
    }

    public func documentCount() throws(StoreError) -> Int {
        try index.documentCount()
    }

    /// Every stored document as the index records it, in hash order.
    public func indexedDocuments() throws(StoreError) -> [IndexedDocument] {
        try index.documents()
    }

    /// Replaces the documents table with `rows`, dropping provenance of documents no longer there.
    func replaceDocuments(with rows: [IndexedDocument]) throws(StoreError) {
        try index.replaceDocuments(with: rows)
    }

    public func feedState(_ feed: String) throws(StoreError) -> FeedState? {
        try index.state(of: feed)
    }

    /// The states a pass plans from, read at once: many feeds in one scan of the table (a lookup
    /// per feed was half of planning a 1,000-feed pass), a few by lookups in one read transaction
    /// (each lookup on its own took and dropped SQLite's file locks, two fcntl calls).
    public func feedStates(_ feeds: [String]) throws(StoreError) -> [String: FeedState] {
        guard feeds.count >= Self.feedsReadByScan else {
            return try index.database.reading { () throws(StoreError) in
                var states: [String: FeedState] = [:]
                for feed in feeds { states[feed] = try index.state(of: feed) }
                return states
            }
        }
        return try index.states(of: Set(feeds))
    }

    static let feedsReadByScan = 64

    public func save(_ state: FeedState) throws(StoreError) {
        try index.save([state])
    }

    /// Saves the states of many feeds in one transaction: all of them, or none.
    public func save(_ states: [FeedState]) throws(StoreError) {
        try index.save(states)
    }

    public func allFeedStates() throws(StoreError) -> [FeedState] {
        try index.allStates()
    }

    /// Forgets which posts feeds no longer configured read (`readers`): a removed planet held a
    /// blog's post past the blog's `keep:` for good.
    public func dropReaders(notIn configured: Set<String>) throws(StoreError) {
        // The names go in as one JSON array: a row inserted for each configured name into a temporary
        // table cost 8,000 instructions a feed at every start, to delete nothing nearly always.
        // (An array of strings always encodes; were it not to, nothing is dropped.)
        guard let names = try? JSONEncoder().encode(Array(configured)) else { return }
        try index.database.prepare("DELETE FROM readers WHERE feed NOT IN (SELECT value FROM json_each(?1))")
            .run([.text(String(decoding: names, as: UTF8.self))])
    }

    /// Moves the state of feeds renamed in the configuration to their new names (`FeedRenames`).
    @discardableResult
    /// `applying: false`: which renames a real run would take up, nothing written.
    /// `disabled`: feeds configured but not crawled (their names are not a removed feed's).
    public func adoptRenamedFeeds(_ feeds: [FeedConfig], disabled: [FeedConfig] = [],
                                  applying: Bool = true) throws(StoreError) -> [FeedRenames.Rename] {
        try FeedRenames.adopt(feeds, disabled: Set(disabled.map(\.name)), index: index, applying: applying)
    }
}

// Entry points for `bench/StoreBench` only: the index without document files.
extension DocumentStore {
    /// Records documents in the index as if their files had been written (no files are).
    @_spi(Benchmark) public func recordInIndexOnly(_ documents: [Document], storedAt: Timestamp) throws(StoreError) {
        let prepared = documents.map {
            PreparedDocument(document: $0, relativePath: layout.relativePath(for: $0), staged: .temporary(name: ""),
                             folder: nil, name: "")
        }
        try index.recordPending(prepared, storedAt: storedAt)
        try index.markStored(prepared.map(\.document.shortHash))
    }
}
