/// What the store does when an item it holds comes back with different content
/// (`revisions:` in feeds.yaml, globally and per feed).
public enum RevisionPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// The item's one document is rewritten in place, at the path it already has.
    case replace
    /// Every version is a document of its own.
    case new
    /// The first version stays; later ones are recorded in the index, not written.
    case keepFirst = "keep-first"
}

/// How an item is told apart from the other items of its feed (`identity:` in feeds.yaml).
public enum ItemIdentityRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// guid / atom:id / JSON id, else the link, else title and date (`Item.identity`).
    case guid
    /// The link, else the guid, else title and date.
    case link
    /// The title as written in the document.
    case title
    /// The content hash: every edit is another item, whatever `revisions:` says.
    case content
}

/// What an item was when it was fetched: enough to render its document again with other
/// settings (`crawler store rerender`).
public struct SourceValues: Sendable, Hashable {
    public var item: Item
    public var channelTitle: String
    /// Dates an item that carries none.
    public var firstSeen: Timestamp

    public init(item: Item, channelTitle: String, firstSeen: Timestamp) {
        self.item = item
        self.channelTitle = channelTitle
        self.firstSeen = firstSeen
    }
}
