/// The whole of feeds.yaml once validated: global settings plus the feeds.
public struct CrawlerConfig: Sendable, Hashable {
    /// Absolute path of the store directory.
    public var storePath: String
    /// Default poll interval in seconds.
    public var interval: Double
    /// Longest wait between retries of a failing feed, in seconds.
    public var maxBackoff: Double = 6 * 3600
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
    /// `assets_url:`: what a kept image's name is appended to in documents (`images: local`).
    public var assetsURL = "/assets/"
    /// The front-matter dialect documents are written in.
    public var output: OutputProfile = .hexo
    /// The file `output: template` was read from, for errors that point into it.
    public var templatePath: String?
    /// Where each document goes, relative to the store: `{year}`, `{month}`, `{day}`, `{hash}`.
    public var documentPath: String = OutputProfile.hexo.defaultDocumentPath
    public var feeds: [FeedConfig]
    /// Feeds written with `enabled: false`: kept in the file (and in `crawler list`, the duplicate
    /// checks and OPML exports), never crawled.
    public var disabledFeeds: [FeedConfig] = []
    /// Minimum seconds between two requests to one host (unless a host rule says otherwise).
    public var hostGap: Double = 0.2
    /// Politeness overrides for hosts matching a pattern; the first match wins.
    public var hostRules: [HostRule] = []
    /// A transfer slower than `lowSpeedBytesPerSecond` for `lowSpeedTime` seconds is dropped.
    public var lowSpeedBytesPerSecond: Int = 16
    public var lowSpeedTime: Double = 20
    public var maxRedirects: Int = 5
    /// Proxy for every transfer (`http://host:port`, `socks5h://...`); nil: the standard environment variables.
    public var proxy: String?
    /// Seconds after which a feed is fetched without validators once, in case they never change.
    public var revalidateAfter: Double = 86400
    /// Consecutive fetches a 301/308 must be seen on before the new URL is used.
    public var adoptRedirectAfter: Int = 3
    /// Distinct feeds of one host that must be throttled (429/503) before the whole host waits.
    public var hostBackoffFeeds: Int = 3
    /// A PostgreSQL URL: feed state, dedupe and documents shared by a fleet of crawlers.
    /// nil: the local store alone (one machine).
    public var database: String?
    /// The file's `database:` holds a password (the README says never in the file): taken, and said.
    public var databasePasswordInFile = false
    /// The global `allow_private_networks:` (each feed may override it); `add` and `import-opml`
    /// honour it too.
    public var allowPrivateNetworks = false
    /// Items taken from one fetch of a feed: the first ones in document order (feeds list newest first).
    public var maxItems: Int = 1000
    /// New documents stored per feed per UTC day; the rest wait, unseen, for a later day.
    public var maxDocumentsPerDay: Int = 2000
    /// The global `keep:`; nil keeps every document.
    public var keep: Retention?
    /// Seconds the parse and conversion of one fetch may take before the feed is cut.
    public var parseTimeLimit: Double = 10
    /// Bytes of fetched bodies (then of their documents) waiting to be parsed and stored, past
    /// which no new transfer starts.
    public var maxBacklogBytes: Int = 256 << 20
    /// Where alerts go (`notify:`); nil: nowhere but the log.
    public var notify: NotifySettings?
    /// Seconds a fleet node holds the feeds and hosts it claimed before others may take them over.
    public var lease: Double = 120

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

/// What one fetch of a feed may cost: its own settings, else the crawler-wide ones.
public struct FeedBounds: Sendable, Hashable {
    public var maxItems: Int
    public var maxDocumentsPerDay: Int
    /// Seconds.
    public var parseTimeLimit: Double

    public init(maxItems: Int, maxDocumentsPerDay: Int, parseTimeLimit: Double) {
        self.maxItems = maxItems
        self.maxDocumentsPerDay = maxDocumentsPerDay
        self.parseTimeLimit = parseTimeLimit
    }
}

extension CrawlerConfig {
    public func bounds(for feed: FeedConfig) -> FeedBounds {
        FeedBounds(maxItems: feed.maxItems ?? maxItems,
                   maxDocumentsPerDay: feed.maxDocumentsPerDay ?? maxDocumentsPerDay,
                   parseTimeLimit: feed.parseTimeLimit ?? parseTimeLimit)
    }
}

/// Politeness for a host or a family of hosts (`*.tumblr.com` is one service, one budget).
public struct HostRule: Sendable, Hashable {
    /// An exact host name, or `*.` followed by a domain (which matches the domain itself too).
    public var pattern: String
    /// Transfers in flight to the matching hosts at once.
    public var concurrency: Int
    /// Minimum seconds between the starts of two requests (a token bucket refilled at 1/gap).
    public var gap: Double
    /// Requests that may start back to back before the gap applies.
    public var burst: Int

    public init(pattern: String, concurrency: Int = 6, gap: Double = 0.2, burst: Int = 1) {
        self.pattern = pattern.lowercased()
        self.concurrency = concurrency
        self.gap = gap
        self.burst = burst
    }

    public func matches(_ host: String) -> Bool {
        let host = host.lowercased()
        guard pattern.hasPrefix("*.") else { return host == pattern }
        let domain = pattern.dropFirst(2)
        return host == domain || host.hasSuffix("." + domain)
    }
}
