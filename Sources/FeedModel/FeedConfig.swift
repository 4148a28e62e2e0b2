// Plain values shared by every stage. Nothing here does I/O.

/// One feed as the operator configured it in feeds.yaml.
public struct FeedConfig: Sendable, Hashable, Codable {
    /// Unique, stable name; used in logs, file names and the store's feed state.
    public var name: String
    public var url: String
    /// Categories written to every document, in order; empty means "use the channel title".
    public var categories: [String]
    public var author: String?
    /// Fallback image when an item carries none.
    public var image: String?
    /// Poll interval in seconds.
    public var interval: Double
    /// Poll busy feeds more often and quiet ones less, between `minInterval` and `maxInterval`.
    public var adaptive = false
    /// Bounds for adaptive polling and for server hints (nil: the scheduler's defaults).
    public var minInterval: Double?
    public var maxInterval: Double?
    /// Add the item's own `<category>` values after the configured ones.
    public var itemCategories: Bool
    /// Remove active content (scripts, `on*=` handlers, `javascript:` URLs) from bodies.
    public var sanitize: Bool
    /// Bounds on the work of one fetch; nil: the crawler-wide value (`CrawlerConfig.bounds(for:)`).
    /// Optional so that a configuration stored by an older crawler still reads.
    public var maxItems: Int?
    public var maxDocumentsPerDay: Int?
    /// Seconds.
    public var parseTimeLimit: Double?
    /// False only with an explicit `tls_verify: false` in feeds.yaml; the crawler logs it on every pass.
    public var verifyTLS: Bool = true
    /// 1-based line in feeds.yaml where this feed is declared (0 when not from a file).
    public var line: Int

    public init(name: String, url: String, categories: [String] = [], author: String? = nil,
                image: String? = nil, interval: Double = 1800, itemCategories: Bool = false,
                sanitize: Bool = true, line: Int = 0) {
        self.name = name
        self.url = url
        self.categories = categories
        self.author = author
        self.image = image
        self.interval = interval
        self.itemCategories = itemCategories
        self.sanitize = sanitize
        self.line = line
    }
}
