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
    /// Syndication module `sy:updatePeriod`: hourly, daily, weekly, monthly or yearly.
    public var updatePeriod: String?
    /// Syndication module `sy:updateFrequency`: updates per `updatePeriod`.
    public var updateFrequency: Int?
    /// RSS `<skipHours>`: hours of the day (0-23, GMT) in which the feed need not be read.
    public var skipHours: [Int]
    /// RSS `<skipDays>`: English day names (Monday...Sunday) on which the feed need not be read.
    public var skipDays: [String]
    public var items: [Item]

    public init(kind: Kind, title: String = "", link: String? = nil, description: String? = nil,
                language: String? = nil, ttlMinutes: Int? = nil, image: String? = nil, items: [Item] = [],
                updatePeriod: String? = nil, updateFrequency: Int? = nil, skipHours: [Int] = [],
                skipDays: [String] = []) {
        self.kind = kind
        self.title = title
        self.link = link
        self.description = description
        self.language = language
        self.ttlMinutes = ttlMinutes
        self.image = image
        self.items = items
        self.updatePeriod = updatePeriod
        self.updateFrequency = updateFrequency
        self.skipHours = skipHours
        self.skipDays = skipDays
    }
}
