public import FeedModel

/// A batch's documents made ready ahead of `CrawlStore.store(_:storedAt:)`: for a
/// `DocumentStore`, those not stored yet are already written to unnamed files (not durable, not
/// named), so the thread that stores the batch before it can go on meanwhile.
///
/// Owns the open files until they are stored; dropped unstored, it closes them and the kernel
/// frees them, so nothing reaches the disk's folders.
public final class StagedDocuments: @unchecked Sendable {
    /// Every document of the batch, duplicates included.
    public let documents: [Document]
    private var prepared: [PreparedDocument]
    /// Documents the store would not write, by short hash, with why (see `DocumentWriter.Preparation`).
    let refused: [String: StoreError]
    /// Documents whose item is stored with other content: replaced or recorded, not written anew.
    let revisions: [Document]
    private let writer: DocumentWriter?

    /// Documents a store has nothing to write ahead for.
    public init(documents: [Document]) {
        self.documents = documents
        prepared = []
        refused = [:]
        revisions = []
        writer = nil
    }

    init(documents: [Document], preparation: DocumentWriter.Preparation, writer: DocumentWriter,
         revisions: [Document] = []) {
        self.documents = documents
        prepared = preparation.prepared
        refused = preparation.refused
        self.revisions = revisions
        self.writer = writer
    }

    var hasFiles: Bool { !prepared.isEmpty }
    /// Staged on its own thread ahead of the batch before it: looked up before that batch was
    /// stored, and synced. False when `store` staged it itself, just before storing.
    var isAhead = false

    /// The written files, handed over once: they are the taker's to publish or discard.
    func take() -> [PreparedDocument] {
        defer { prepared = [] }
        return prepared
    }

    deinit {
        writer?.discard(prepared[...])
    }
}
