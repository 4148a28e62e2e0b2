/// A parsed feed document: channel-level fields plus its items.
public struct Feed: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case rss2, rss1, rss09x, atom10, atom03, json
    }

    public var kind: Kind
    public var title: String
    public var link: String?
    public var description: String?
    public var language: String?
    /// RSS `<ttl>` in minutes.
    public var ttlMinutes: Int?
    public var image: String?
    public var items: [Item]

    public init(kind: Kind, title: String = "", link: String? = nil, description: String? = nil,
                language: String? = nil, ttlMinutes: Int? = nil, image: String? = nil, items: [Item] = []) {
        self.kind = kind
        self.title = title
        self.link = link
        self.description = description
        self.language = language
        self.ttlMinutes = ttlMinutes
        self.image = image
        self.items = items
    }
}
