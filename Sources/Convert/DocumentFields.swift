public import FeedModel

/// Everything a front-matter dialect needs, decided once per item (SPEC.md's value rules).
public struct DocumentFields: Sendable {
    /// Title after the white-space rule (not yet mapped or quoted).
    public var title: String
    public var categories: [String]
    public var author: String
    public var image: String?
    public var date: Timestamp
    /// The body after the three rewrites.
    public var body: String
    public var link: String?
    public var feedName: String
    public var channelTitle: String
    /// The item's enclosures a site can link to (a podcast's audio): http(s) URLs only.
    public var enclosures: [Enclosure] = []
    /// The body was too costly to parse as HTML and holds its text alone (no links, no images).
    public var bodyReducedToText = false
}
