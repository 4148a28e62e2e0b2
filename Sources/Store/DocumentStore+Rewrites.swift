public import FeedModel
internal import Synchronization

/// Rewriting documents that exist: a replaced item's new version, a re-rendered document. The
/// same order as storing, so a crash leaves each document whole, old or new:
/// 1. each new text goes to a temp file in `tmp/`, then one syncfs;
/// 2. the index lists the rewrites (`rewrites`, one transaction);
/// 3. each temp file is renamed over the document's path (or to its new path), one syncfs;
///    a moved document's old file is removed only then, and synced again;
/// 4. the index takes the new paths, sizes and versions and drops the rewrites.
/// Opening the store finishes step 3 and 4 for every listed rewrite (`finishRewrites`).
extension DocumentStore {
    /// A document's new text and place, for `rewrite`.
    public struct DocumentRewrite: Sendable {
        public var shortHash: String
        public var oldPath: String
        public var path: String
        public var text: String
        public var date: Timestamp
        /// For a later version of an item (`posts sync` bringing a fleet's replacement): the item
        /// and the version's content hash, so the index knows the file holds a revision.
        public var revision: (feed: String, item: String, contentHash: String)?

        public init(shortHash: String, oldPath: String, path: String, text: String, date: Timestamp) {
            self.shortHash = shortHash
            self.oldPath = oldPath
            self.path = path
            self.text = text
            self.date = date
        }
    }

    /// The rewrites that would change something: a new path, or a text other than the file's.
    public func changing(_ rewrites: [DocumentRewrite]) -> [DocumentRewrite] {
        rewrites.filter { rewrite in
            guard rewrite.path == rewrite.oldPath, let file = folder.locate(rewrite.path),
                  let bytes = FileSystem.read(file.name, in: file.folder) else { return true }
            return !bytes.elementsEqual(rewrite.text.utf8)
        }
    }

    /// Rewrites the documents durably (see the type's comment). A document edited by hand since
    /// it was stored, and a file of someone else's where a document moves to, are kept beside
    /// as `.NAME.edited` (as storing does): returns those names, relative to the store.
    @discardableResult
    public func rewrite(_ rewrites: [DocumentRewrite]) throws(StoreError) -> [String] {
        var kept: [String] = []
        for rewrite in rewrites { kept += try keepOwnersFiles(before: rewrite) }
        try performRewrites(rewrites.map { rewrite in
            (RevisionIndex.Rewrite(document: rewrite.shortHash, temp: "", path: rewrite.path, oldPath: rewrite.oldPath,
                                   date: rewrite.date, bytes: rewrite.text.utf8.count, feed: rewrite.revision?.feed,
                                   item: rewrite.revision?.item, hash: rewrite.revision?.contentHash), rewrite.text)
        })
        return kept
    }

    /// A second name (`.NAME.edited`) for what `rewrite` would take away from the site owner: the
    /// document's file edited by hand since it was stored, and a file at its new place that is not
    /// this document. Linked before the rewrite is listed: a crash leaves an extra name, never a loss.
    private func keepOwnersFiles(before rewrite: DocumentRewrite) throws(StoreError) -> [String] {
        var kept: [String] = []
        if DocumentStore.isContentHash(rewrite.shortHash),
           let recorded = try index.documents(where: "short = '\(rewrite.shortHash)'").first,
           recorded.path == rewrite.oldPath, isEditedByHand(recorded), let file = folder.locate(rewrite.oldPath) {
            kept.append(DocumentLayout.folder(of: rewrite.oldPath) + "/" + (try FileSystem.keepCopy(file.name, in: file.folder)))
        }
        if rewrite.path != rewrite.oldPath, hasFile(at: rewrite.path), let file = folder.locate(rewrite.path),
           FileSystem.read(file.name, in: file.folder).map({ !$0.elementsEqual(rewrite.text.utf8) }) ?? true {
            kept.append(DocumentLayout.folder(of: rewrite.path) + "/" + (try FileSystem.keepCopy(file.name, in: file.folder)))
        }
        return kept
    }

    /// Whether a file stands at `path` (relative to the store).
    public func hasFile(at path: String) -> Bool {
        folder.locate(path).map { $0.folder.kind(of: $0.name) == .file } ?? false
    }

    /// Why the folder of `path` cannot be entered, when the store refuses it (a symbolic link,
    /// another filesystem): the documents behind it looked deleted by hand to a rerender.
    public func refusedFolder(onPathTo path: String) -> String? {
        do {
            _ = try folder.folder(DocumentLayout.folder(of: path), creating: false)
            return nil
        } catch {
            if case .refused = error { return "\(error)" }
            return nil
        }
    }

    /// Replaces or records the revisions of a batch; returns the documents written, those only
    /// recorded, and of those the ones an edit by hand held back (by the edited post's path) and
    /// the corrections of adopted posts that wait for the adoption to be confirmed.
    func storeRevisions(_ candidates: [Document], storedAt: Timestamp) throws(StoreError)
        -> (replaced: [Document], recorded: [Document], heldByEdit: [(Document, String)], awaiting: [Document]) {
        guard !candidates.isEmpty else { return ([], [], [], []) }
        var items: Set<String> = [], files: Set<String> = []
        var replacements: [(RevisionIndex.Rewrite, String)] = [], replaced: [Document] = [], kept: [Document] = []
        var heldByEdit: [(Document, String)] = [], awaiting: [Document] = []
        var posts: [String: String] = [:]  // the document each revised item lives in
        for document in candidates where items.insert(document.feed + "\n" + document.itemIdentity).inserted {
            // Another link under this identity is another story: it is stored on a later pass, by
            // `RevisionPlan`, under the guid-and-link identity; never written over this one.
            guard let file = try index.revisions.file(of: document.feed, item: document.itemIdentity),
                  file.hash != document.contentHash, RevisionPlan.isSameStory(file, document) else { continue }
            posts[document.feed + "\n" + document.itemIdentity] = file.document
            guard document.revisions == .replace else {
                kept.append(document)
                continue
            }
            guard files.insert(file.document).inserted else { continue }
            // Another post's text: recorded, not written into this one as well.
            guard try !index.revisions.heldElsewhere(document.shortHash, otherThan: file.document, feed: document.feed) else {
                kept.append(document)
                continue
            }
            // Recorded, not written: see `adoptionUnconfirmed`.
            guard try !adoptionUnconfirmed(file.document, adopter: document.feed, now: storedAt) else {
                kept.append(document)
                awaiting.append(document)
                continue
            }
            // Edited by hand since it was stored, or deleted: the version is recorded, never written
            // over the edit, and a post the site owner removed does not come back.
            guard try !isEditedByHand(document: file.document), hasFile(at: file.path) else {
                kept.append(document)
                if hasFile(at: file.path) { heldByEdit.append((document, file.path)) }
                continue
            }
            // The post keeps the date it was published with (`FrontMatterDate`): its URL with it.
            let published = file.date.map(Timestamp.init(secondsSince1970:)) ?? document.date
            let redated = FrontMatterDate.keeping(published, in: document.text, written: document.date)
            let (date, text) = redated.map { (published, $0) } ?? (document.date, document.text)
            replacements.append((RevisionIndex.Rewrite(
                document: file.document, temp: "", path: file.path, oldPath: file.path, date: date,
                bytes: text.utf8.count, feed: document.feed, item: document.itemIdentity,
                hash: document.contentHash, link: document.source?.item.link,
                source: document.source.map(SourceCoding.encode),
                // Its own date only: a fetch time (no date of its own, or one in the future) or an
                // `updated` that a comment count bumps would put a post corrected on every poll
                // first for `keep:`.
                versionDate: Self.ownDate(of: document)), text))
            replaced.append(document)
        }
        try performRewrites(replacements)
        try index.database.transaction { () throws(StoreError) in
            for (document, written) in replaced.map({ ($0, true) }) + kept.map({ ($0, false) }) {
                try index.revisions.recordVersion(feed: document.feed, item: document.itemIdentity, hash: document.contentHash,
                                                  seenAt: storedAt, written: written)
                if let post = posts[document.feed + "\n" + document.itemIdentity] {
                    try index.revisions.trimVersions(feed: document.feed, item: document.itemIdentity, document: post, now: storedAt)
                }
            }
        }
        return (replaced, kept, heldByEdit, awaiting)
    }

    /// An adopted post (its feed removed, or its index lost) is written over by its adopter only
    /// once every other enabled feed has answered since the adoption: a copycat first to read a
    /// blog's post, the blog failing that one poll after a move or a lost index, wrote its own text
    /// into it before the blog's reading could make the post no one's (`Adoption.contest`). Feeds
    /// failing for a while (five in a row) or gone do not hold it back, nor does anything once a
    /// day has passed (round 22: under `crawler run` a feed polled weekly held a moved blog's
    /// correction for days; only an exact mirror of the blog could adopt its post by then).
    private func adoptionUnconfirmed(_ short: String, adopter: String, now: Timestamp) throws(StoreError) -> Bool {
        guard let enabled = enabledFeeds,
              let adoptedAt = try index.revisions.adoptionTime(feed: adopter, short: short),
              now.secondsSince1970 - adoptedAt.secondsSince1970 < 86_400 else { return false }
        return try anyHasNotAnswered(Array(enabled.subtracting([adopter])), since: adoptedAt)
    }

    /// Whether the file a rewrite would replace was edited by hand since it was stored.
    public func isEditedByHand(_ rewrite: DocumentRewrite) throws(StoreError) -> Bool {
        guard DocumentStore.isContentHash(rewrite.shortHash),
              let recorded = try index.documents(where: "short = '\(rewrite.shortHash)'").first,
              recorded.path == rewrite.oldPath else { return false }
        return isEditedByHand(recorded)
    }

    /// The date a version gives itself (nil: none, or one in the future, now the fetch time).
    private static func ownDate(of document: Document) -> Timestamp? {
        guard let item = document.source?.item, item.published != nil, !item.publishedWasInFuture else { return nil }
        return document.date
    }

    private func isEditedByHand(document short: String) throws(StoreError) -> Bool {
        guard DocumentStore.isContentHash(short), let recorded = try index.documents(where: "short = '\(short)'").first else {
            return false
        }
        return isEditedByHand(recorded)
    }

    /// Whether the document's file has other bytes than the index recorded for it (its size, and
    /// its digest where one was kept): an edit, never to be written over by a later version.
    public func isEditedByHand(_ recorded: IndexedDocument) -> Bool {
        guard let located = folder.locate(recorded.path), let bytes = FileSystem.read(located.name, in: located.folder) else {
            return false
        }
        return bytes.count != recorded.bytes || recorded.digest.map { FileDigest.of(bytes) != $0 } == true
    }

    private func performRewrites(_ rewrites: [(RevisionIndex.Rewrite, String)]) throws(StoreError) {
        guard !rewrites.isEmpty else { return }
        let temporary = writer.temporaryFolder
        // What an earlier failure left listed goes first: its temp file must not be orphaned.
        let leftover = try index.revisions.pendingRewrites()
        if !leftover.isEmpty {
            let publishing = try Self.keepHandChangesMadeSince(leftover, index: index, root: folder, temporary: temporary)
            try Self.publishRewrites(publishing, root: folder, temporary: temporary, durable: writer.durable)
            try index.revisions.applyRewrites(leftover)
        }
        var rows: [RevisionIndex.Rewrite] = []
        do {
            for (rewrite, text) in rewrites {
                var row = rewrite
                row.temp = "rewrite-" + row.document + "-" + String(Self.rewriteSerial.wrappingAdd(1, ordering: .relaxed).newValue) + ".tmp"
                row.digest = FileDigest.of(text)
                try FileSystem.writeFile(text, named: row.temp, in: temporary)
                rows.append(row)
            }
            try writer.makeDurable()
            try index.revisions.recordRewrites(rows)
        } catch {
            for row in rows { temporary.remove(row.temp) }
            throw error
        }
        // From here on the rewrites are listed: a failure leaves them for the next open to finish.
        try Self.publishRewrites(rows, root: folder, temporary: temporary, durable: writer.durable)
        try index.revisions.applyRewrites(rows)
    }

    private static let rewriteSerial = Atomic<UInt64>(0)

    /// Step 3 for listed rewrites; safe to repeat: a temp file already renamed is not there.
    private static func publishRewrites(_ rows: [RevisionIndex.Rewrite], root: StoreFolder, temporary: StoreFolder,
                                        durable: Bool) throws(StoreError) {
        var folders: [String: StoreFolder] = [:]
        for row in rows where temporary.kind(of: row.temp) == .file {
            let path = DocumentLayout.folder(of: row.path)
            let target: StoreFolder
            if let opened = folders[path] { target = opened } else { target = try root.folder(path) }
            folders[path] = target
            try FileSystem.rename(row.temp, in: temporary, to: DocumentLayout.fileName(of: row.path), in: target)
        }
        if durable { try root.syncFileSystem() }
        // The old name goes only once the new one is durable: never neither.
        let moved = rows.filter { $0.oldPath != $0.path }
        guard !moved.isEmpty else { return }
        for row in moved { if let old = root.locate(row.oldPath) { old.folder.remove(old.name) } }
        if durable { try root.syncFileSystem() }
    }

    /// A rewrite a crash left listed, its new text not yet in place: the owner may have changed the
    /// post since (a timer's next run can be half an hour away). An edit is kept beside as
    /// `.NAME.edited` first, unless the rewrite kept it already (finishing wrote over it); a post
    /// deleted is left deleted, its new text dropped (finishing brought it back, as no crawl
    /// does). Returns the rewrites to finish.
    private static func keepHandChangesMadeSince(_ rows: [RevisionIndex.Rewrite], index: DocumentIndex, root: StoreFolder,
                                                 temporary: StoreFolder) throws(StoreError) -> [RevisionIndex.Rewrite] {
        var finishing: [RevisionIndex.Rewrite] = []
        for row in rows {
            guard temporary.kind(of: row.temp) == .file, isContentHash(row.document),
                  let recorded = try index.documents(where: "short = '\(row.document)'").first, recorded.path == row.oldPath else {
                finishing.append(row)
                continue
            }
            guard let file = root.locate(row.oldPath), let bytes = FileSystem.read(file.name, in: file.folder) else {
                temporary.remove(row.temp)
                continue
            }
            finishing.append(row)
            guard bytes.count != recorded.bytes || recorded.digest.map({ FileDigest.of(bytes) != $0 }) == true,
                  FileSystem.read(FileSystem.asideName(file.name), in: file.folder) != bytes else { continue }
            _ = try FileSystem.keepCopy(file.name, in: file.folder)
        }
        return finishing
    }

    /// Finishes the rewrites a crash interrupted; returns how many.
    static func finishRewrites(index: DocumentIndex, root: StoreFolder, temporary: StoreFolder,
                               durable: Bool) throws(StoreError) -> Int {
        let rows = try index.revisions.pendingRewrites()
        guard !rows.isEmpty else { return 0 }
        let publishing = try keepHandChangesMadeSince(rows, index: index, root: root, temporary: temporary)
        try publishRewrites(publishing, root: root, temporary: temporary, durable: durable)
        try index.revisions.applyRewrites(rows)
        return rows.count
    }
}

/// Kept source values and the output profile, for `crawler store rerender`.
extension DocumentStore {
    /// A document and what it was rendered from (nil when stored before source values were kept).
    public struct StoredSource: Sendable {
        public let document: IndexedDocument
        public let feed: String?
        public let source: SourceValues?
    }

    /// Up to `limit` documents after the short hash `after`, in hash order; of one feed if named.
    public func storedSources(feed: String?, after: String, limit: Int) throws(StoreError) -> [StoredSource] {
        try index.revisions.sourceRows(feed: feed, after: after, limit: limit).map { row in
            StoredSource(document: row.document, feed: row.feed, source: row.data.flatMap(SourceCoding.decode))
        }
    }

    /// The output settings the documents were written with, as recorded (nil: none recorded yet).
    public func recordedProfile() throws(StoreError) -> String? {
        try index.revisions.profile()
    }

    public func recordProfile(_ profile: String) throws(StoreError) {
        try index.revisions.recordProfile(profile)
    }

    /// What `rebuild-index` left out as files of another output (nil: nothing), until a rebuild
    /// finds none: a crawl meanwhile would store their items a second time.
    public func foreignFiles() throws(StoreError) -> String? {
        try index.revisions.foreignFiles()
    }

    public func recordForeignFiles(_ description: String?) throws(StoreError) {
        try index.revisions.recordForeignFiles(description)
    }

    /// A rerender starting (its settings) or done (nil): one cut short leaves the documents in two
    /// profiles, which `verify` reports and crawls refuse until a rerender runs to its end.
    public func markRerendering(_ profile: String?) throws(StoreError) {
        try index.revisions.markRerendering(profile)
    }

    /// The documents that hold a later version of their item than the one they were named for.
    public func replacedDocuments() throws(StoreError) -> Set<String> {
        try RevisionIndex.replacedDocuments(in: index.database)
    }

    /// The settings of a rerender cut short (this store's writer is the caller: none runs now).
    public func interruptedRerender() -> String? {
        RevisionIndex.rerendering(in: index.database)
    }
}
