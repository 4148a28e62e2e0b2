public import FeedModel

/// How the engine behaves towards every server: identity, limits and concurrency.
public struct FetchSettings: Sendable, Hashable {
    public var userAgent: String
    /// Seconds one transfer may take in all.
    public var timeout: Double
    public var connectTimeout: Double
    public var maxBodyBytes: Int
    /// Transfers in flight at once.
    public var concurrency: Int
    /// Connections to one host at once.
    public var perHostConcurrency: Int
    public var maxRedirects: Int
    /// A transfer slower than `lowSpeedBytesPerSecond` for `lowSpeedSeconds` is dropped.
    public var lowSpeedBytesPerSecond: Int
    public var lowSpeedSeconds: Int

    public init(userAgent: String = CrawlerConfig.defaultUserAgent, timeout: Double = 30,
                connectTimeout: Double = 10, maxBodyBytes: Int = 32 << 20, concurrency: Int = 32,
                perHostConcurrency: Int = 6, maxRedirects: Int = 5,
                lowSpeedBytesPerSecond: Int = 16, lowSpeedSeconds: Int = 20) {
        self.userAgent = userAgent
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxBodyBytes = maxBodyBytes
        self.concurrency = concurrency
        self.perHostConcurrency = perHostConcurrency
        self.maxRedirects = maxRedirects
        self.lowSpeedBytesPerSecond = lowSpeedBytesPerSecond
        self.lowSpeedSeconds = lowSpeedSeconds
    }

    public init(_ config: CrawlerConfig) {
        self.init(userAgent: config.userAgent, timeout: config.timeout, connectTimeout: config.connectTimeout,
                  maxBodyBytes: config.maxBodyBytes, concurrency: config.concurrency,
                  perHostConcurrency: config.perHostConcurrency)
    }
}
