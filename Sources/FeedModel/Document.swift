/// One item converted to the front-matter format, ready for the store.
public struct Document: Sendable, Hashable {
    /// The feed that produced it.
    public var feed: String
    /// The item's identity within the feed (see `Item.identity`).
    public var itemIdentity: String
    /// SHA-256 of the normalized item, lower-case hex (the dedupe key).
    public let contentHash: String
    /// The first 16 hex digits of the content hash: short, stable, collision-safe enough for a file name.
    /// Kept, not derived on each use: the store asks for it several times per document.
    public let shortHash: String
    /// Publication date used in the front matter (also picks the folder in the store).
    public var date: Timestamp
    /// The complete file text, exactly as it is written.
    public var text: String
    /// What the store does when the item is already stored with other content.
    public var revisions: RevisionPolicy = .new
    /// The values the document was rendered from, kept by the store for re-rendering.
    public var source: SourceValues? {
        get { sourceBox?.values }
        set { sourceBox = newValue.map(SourceBox.init) }
    }

    /// Behind one reference: documents are copied between the stages and through the store's
    /// batches, and the item's dozen strings inline made each copy a dozen retains and releases.
    private var sourceBox: SourceBox?

    public init(feed: String, itemIdentity: String, contentHash: String, date: Timestamp, text: String) {
        self.feed = feed
        self.itemIdentity = itemIdentity
        self.contentHash = contentHash
        shortHash = String(contentHash.prefix(16))
        self.date = date
        self.text = text
    }
}

/// `Document.source`'s storage. Immutable, so sharing it between copies is safe.
private final class SourceBox: Sendable, Hashable {
    let values: SourceValues

    init(_ values: SourceValues) {
        self.values = values
    }

    static func == (lhs: SourceBox, rhs: SourceBox) -> Bool { lhs.values == rhs.values }

    func hash(into hasher: inout Hasher) {
        hasher.combine(values)
    }
}
