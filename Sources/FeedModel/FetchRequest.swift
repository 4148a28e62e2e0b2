/// Validators from the previous successful fetch, sent back as a conditional GET.
public struct ConditionalHeaders: Sendable, Hashable, Codable {
    /// Byte-exact as the server sent them: some servers compare the string, quotes and all.
    public var etag: String?
    public var lastModified: String?

    public init(etag: String? = nil, lastModified: String? = nil) {
        self.etag = etag
        self.lastModified = lastModified
    }

    public var isEmpty: Bool { etag == nil && lastModified == nil }
}

/// One transfer the fetch engine should make.
public struct FetchRequest: Sendable, Hashable {
    /// The feed's name; results are matched back to feeds by it.
    public var feed: String
    public var url: String
    public var conditional: ConditionalHeaders
    /// False only when the operator opted this feed out of TLS verification in feeds.yaml.
    public var verifyTLS: Bool
    /// Which addresses the transfer may reach; by default those of a URL the operator wrote,
    /// without `allow_private_networks`.
    public var access: NetworkAccess
    /// The feed's own headers, cookies, credentials, user agent, proxy and trust.
    public var settings: RequestSettings
    /// A body to POST (an alert's JSON) instead of a GET; its Content-Type goes in `settings.headers`.
    public var postBody: String?
    /// Feeds go before the pages and images their items ask for (see `FetchPriority`).
    public var priority = FetchPriority.feed
    /// A cap below the session's `max_body_size` for this transfer (an image's `max_image_size`).
    public var maxBodyBytes: Int?

    public init(feed: String, url: String, conditional: ConditionalHeaders = ConditionalHeaders(),
                verifyTLS: Bool = true, access: NetworkAccess? = nil, settings: RequestSettings = RequestSettings()) {
        self.feed = feed
        self.url = url
        self.conditional = conditional
        self.verifyTLS = verifyTLS
        self.access = access ?? .operatorURL(url, allowsPrivateNetworks: false)
        self.settings = settings
    }
}

/// Which requests a host's free slots go to first: a feed's own fetch is never kept waiting by
/// the article pages and images its items ask for (they obey the same host budgets).
public enum FetchPriority: Int, Sendable, Hashable, Comparable {
    case feed = 0
    case page = 1

    public static func < (lhs: FetchPriority, rhs: FetchPriority) -> Bool { lhs.rawValue < rhs.rawValue }
}
