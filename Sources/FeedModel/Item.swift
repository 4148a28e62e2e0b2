/// One entry of a feed, as values. Text fields are plain Unicode; `contentHTML` keeps markup.
public struct Item: Sendable, Hashable {
    /// guid / atom:id / JSON id, when the feed gives one.
    public var id: String?
    /// Plain-text title: entities decoded, tags removed, not yet trimmed or folded.
    public var title: String
    public var link: String?
    public var author: String?
    public var published: Timestamp?
    public var updated: Timestamp?
    public var categories: [String]
    /// The body as the feed carries it (content:encoded, else description; Atom content, else summary).
    public var contentHTML: String
    public var summary: String?
    /// The `src` of the body's first `<img>` (decoded, absolute).
    public var bodyImage: String?
    /// First image from media:thumbnail, an image media:content or an image enclosure.
    public var mediaImage: String?
    public var enclosures: [Enclosure]
    /// Base for relative URLs in the body: xml:base, else the item link, else the feed URL.
    public var baseURL: String?
    /// The body is a description standing in for content the item lacks (`media:description`,
    /// `itunes:summary`, a JSON Feed summary): often the same words on every video or episode,
    /// so its media tell items apart in the content hash too.
    public var bodyIsDescription = false
    /// `published` was in the future and is the fetch time (`FutureDates`): no date of the
    /// item's own, so a correction of it is no newer for `keep:` than the post it corrects.
    public var publishedWasInFuture = false
    /// The date the item gave, when it was in the future and became the fetch time: an item
    /// known by its title and date stays the same item from one fetch to the next.
    public var futureDateAsWritten: Timestamp?

    public init(id: String? = nil, title: String = "", link: String? = nil, author: String? = nil,
                published: Timestamp? = nil, updated: Timestamp? = nil, categories: [String] = [],
                contentHTML: String = "", summary: String? = nil,
                mediaImage: String? = nil, enclosures: [Enclosure] = [], baseURL: String? = nil) {
        self.id = id
        self.title = title
        self.link = link
        self.author = author
        self.published = published
        self.updated = updated
        self.categories = categories
        self.contentHTML = contentHTML
        self.summary = summary
        self.bodyImage = nil
        self.mediaImage = mediaImage
        self.enclosures = enclosures
        self.baseURL = baseURL
    }

    /// The item's identity, kept apart from its content hash: guid, else link (a URL's tracking
    /// parameters aside, the guid's too: one stamped anew on every fetch was a new item, a post
    /// per poll), else title + date.
    public var identity: String {
        // A permalink guid stamped anew on each fetch (`?utm_campaign=c7`) is one item still.
        if let id, !id.isEmpty { return Self.holdsSchemeSeparator(id) ? StoryLink.key(id) : id }
        if let link, !link.isEmpty { return StoryLink.key(link) }
        let date = futureDateAsWritten ?? published ?? updated
        return "\(title)|\(date.map { String($0.secondsSince1970) } ?? "")"
    }

    /// Whether `://` is in `id`, as three characters: on the bytes when they are ASCII (every
    /// item asks; String's search costs thousands of instructions), by characters otherwise, where
    /// a combining mark after a `/` makes it another character.
    static func holdsSchemeSeparator(_ id: String) -> Bool {
        var copy = id
        let found: Bool? = copy.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
            return bytes.indices.dropFirst(2).contains { index in
                bytes[index - 2] == UInt8(ascii: ":") && bytes[index - 1] == UInt8(ascii: "/") && bytes[index] == UInt8(ascii: "/")
            }
        }
        return found ?? id.contains("://")
    }
}

public struct Enclosure: Sendable, Hashable {
    public var url: String
    public var type: String?
    public var length: Int?

    public init(url: String, type: String? = nil, length: Int? = nil) {
        self.url = url
        self.type = type
        self.length = length
    }
}
