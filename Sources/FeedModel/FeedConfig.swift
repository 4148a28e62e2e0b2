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
    /// `keep:` for this feed; nil: the global one (see CrawlerConfig.retention(for:)).
    public var keep: Retention?
    /// Seconds.
    public var parseTimeLimit: Double?
    /// False only with an explicit `tls_verify: false` in feeds.yaml; the crawler logs it on every pass.
    public var verifyTLS: Bool = true
    /// `allow_private_networks: true` (here or globally): this feed may reach loopback and private
    /// addresses through redirects and host names, not only the address its URL is written with.
    public var allowPrivateNetworks: Bool = false
    /// The site the feed belongs to (`site_url:`, an OPML outline's `htmlUrl`), kept for exports.
    public var siteURL: String?
    /// Headers, cookies, credentials, user agent, proxy, CA file and cache/403 handling of its requests.
    public var request = RequestSettings()
    /// An edited item: rewritten in place (the default), a new document, or only recorded.
    public var revisions: RevisionPolicy = .replace
    /// What tells the feed's items apart.
    public var identity: ItemIdentityRule = .guid
    /// `block:`, `keep:` (a list) and `rewrite:`, the global ones first.
    public var rules = ItemRules()
    /// `full_content:`, `content_selector:`, `remove:`.
    public var article = ArticleSettings()
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

extension FeedConfig {
    /// Settings added after a fleet database first stored feeds may be missing from its rows:
    /// they take their defaults rather than fail the whole list.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try values.decode(String.self, forKey: .name), url: try values.decode(String.self, forKey: .url),
                  categories: try values.decode([String].self, forKey: .categories),
                  author: try values.decodeIfPresent(String.self, forKey: .author),
                  image: try values.decodeIfPresent(String.self, forKey: .image),
                  interval: try values.decode(Double.self, forKey: .interval),
                  itemCategories: try values.decode(Bool.self, forKey: .itemCategories),
                  sanitize: try values.decode(Bool.self, forKey: .sanitize),
                  line: try values.decode(Int.self, forKey: .line))
        adaptive = try values.decodeIfPresent(Bool.self, forKey: .adaptive) ?? false
        minInterval = try values.decodeIfPresent(Double.self, forKey: .minInterval)
        maxInterval = try values.decodeIfPresent(Double.self, forKey: .maxInterval)
        verifyTLS = try values.decodeIfPresent(Bool.self, forKey: .verifyTLS) ?? true
        allowPrivateNetworks = try values.decodeIfPresent(Bool.self, forKey: .allowPrivateNetworks) ?? false
        siteURL = try values.decodeIfPresent(String.self, forKey: .siteURL)
        request = try values.decodeIfPresent(RequestSettings.self, forKey: .request) ?? RequestSettings()
        revisions = try values.decodeIfPresent(RevisionPolicy.self, forKey: .revisions) ?? .replace
        identity = try values.decodeIfPresent(ItemIdentityRule.self, forKey: .identity) ?? .guid
        rules = try values.decodeIfPresent(ItemRules.self, forKey: .rules) ?? ItemRules()
        article = try values.decodeIfPresent(ArticleSettings.self, forKey: .article) ?? ArticleSettings()
    }
}

extension FeedConfig {
    /// Equal but for where its entry sits in feeds.yaml (`line`).
    public func hasSameSettings(as other: FeedConfig) -> Bool {
        var placed = other
        placed.line = line
        return placed == self
    }
}
