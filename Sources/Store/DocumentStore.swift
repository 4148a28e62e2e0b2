// Store: the only module that writes files. Documents are files; the index and feed state
// are one SQLite database beside them. See README.md "The store" for the layout and the order
// of writes that makes a crash harmless.
public import FeedModel

/// An open store: holds the lock, the index, and writes documents. Not Sendable: one owner.
public final class DocumentStore {
    public let root: String
    private let lock: StoreLock
    private let index: DocumentIndex
    private let writer: DocumentWriter
    /// Temp files removed on open: what a crash in the middle of a write left behind.
    public let recoveredTemporaryFiles: Int

    /// What became of a batch handed to `store`.
    public struct Outcome: Sendable {
        public var stored: [Document]
        /// Documents whose content hash was already in the store (or earlier in the same batch).
        public var duplicates: Int
    }

    public init(path: String) throws(StoreError) {
        root = path
        try FileSystem.makeFolders(path)
        lock = try StoreLock(path: path + "/lock")
        let temporary = path + "/tmp"
        try FileSystem.makeFolders(temporary)
        recoveredTemporaryFiles = FileSystem.emptyFolder(temporary)
        index = try DocumentIndex(path: path + "/index.sqlite")
        writer = DocumentWriter(root: path, temporaryFolder: temporary)
    }

    public func contains(hash: String) throws(StoreError) -> Bool {
        try index.contains(hash: hash)
    }

    /// Stores the documents not already present. Files are durable before the index learns of
    /// them, so the index never points at a missing or partial file.
    public func store(_ documents: [Document], storedAt: Timestamp) throws(StoreError) -> Outcome {
        var fresh: [Document] = []
        var seen: Set<String> = []
        for document in documents where !seen.contains(document.contentHash) {
            seen.insert(document.contentHash)
            if try !index.contains(hash: document.contentHash) { fresh.append(document) }
        }
        guard !fresh.isEmpty else { return Outcome(stored: [], duplicates: documents.count) }
        let paths = try writer.write(fresh)
        try index.record(Array(zip(fresh, paths)), storedAt: storedAt)
        return Outcome(stored: fresh, duplicates: documents.count - fresh.count)
    }

    /// The path of a stored document's file, relative to the store root.
    public static func relativePath(for document: Document) -> String {
        DocumentLayout.relativePath(for: document)
    }

    /// The hash an item's newer content revises, if the document with `hash` is a revision.
    public func revisedHash(of hash: String) throws(StoreError) -> String? {
        try index.revisionOf(hash: hash)
    }

    public func documentCount() throws(StoreError) -> Int {
        try index.documentCount()
    }

    public func feedState(_ feed: String) throws(StoreError) -> FeedState? {
        try index.state(of: feed)
    }

    public func save(_ state: FeedState) throws(StoreError) {
        try index.save(state)
    }
}
