/// The whole of feeds.yaml once validated: global settings plus the feeds.
public struct CrawlerConfig: Sendable, Hashable {
    /// Absolute path of the store directory.
    public var storePath: String
    /// Default poll interval in seconds.
    public var interval: Double
    /// Transfers in flight at once.
    public var concurrency: Int
    /// Connections to one host at once.
    public var perHostConcurrency: Int
    public var userAgent: String
    /// Total time one transfer may take, in seconds.
    public var timeout: Double
    public var connectTimeout: Double
    /// Bodies larger than this are cut and reported.
    public var maxBodyBytes: Int
    /// Last-resort image for documents whose item and feed have none.
    public var defaultImage: String?
    /// The front-matter dialect documents are written in.
    public var output: OutputProfile = .hexo
    /// Where each document goes, relative to the store: `{year}`, `{month}`, `{day}`, `{hash}`.
    public var documentPath: String = OutputProfile.hexo.defaultDocumentPath
    public var feeds: [FeedConfig]

    public init(storePath: String, interval: Double = 1800, concurrency: Int = 32,
                perHostConcurrency: Int = 6, userAgent: String = CrawlerConfig.defaultUserAgent,
                timeout: Double = 30, connectTimeout: Double = 10,
                maxBodyBytes: Int = 32 * 1024 * 1024, defaultImage: String? = nil,
                feeds: [FeedConfig] = []) {
        self.storePath = storePath
        self.interval = interval
        self.concurrency = concurrency
        self.perHostConcurrency = perHostConcurrency
        self.userAgent = userAgent
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxBodyBytes = maxBodyBytes
        self.defaultImage = defaultImage
        self.feeds = feeds
    }

    public static let defaultUserAgent = "crawler/0.1 (+https://example.org/about-our-crawler)"
}
