public import FeedModel

/// How the engine behaves towards every server: identity, limits, concurrency and politeness.
public struct FetchSettings: Sendable, Hashable {
    public var userAgent: String
    /// Seconds one transfer may take in all.
    public var timeout: Double
    public var connectTimeout: Double
    /// Largest decoded body kept; a larger one (a gzip bomb, an endless stream) is cut and reported.
    public var maxBodyBytes: Int
    /// Transfers (and so connections) in flight at once, over every host.
    public var concurrency: Int
    public var maxRedirects: Int
    /// A transfer slower than `lowSpeedBytesPerSecond` for `lowSpeedSeconds` is dropped.
    public var lowSpeedBytesPerSecond: Int
    public var lowSpeedSeconds: Int
    /// Explicit proxy; nil leaves libcurl to read http_proxy, https_proxy and no_proxy.
    public var proxy: String?
    /// Politeness: the rule for hosts no pattern matches.
    public var defaultHostRule: HostRule
    /// Politeness overrides by host pattern; the first match wins.
    public var hostRules: [HostRule]
    /// Distinct throttled feeds (429/503) of one host after which that whole host waits.
    public var hostBackoffFeeds: Int
    /// The longest a whole host waits when it throttled that many (`max_backoff`): its other feeds
    /// never asked to wait, so a Retry-After of years from one route must not hold them that long.
    public var maxHostPauseSeconds = 6 * 3600
    /// Results (bodies) that may wait unread before the engine stops starting transfers.
    public var maxBacklog: Int = 64
    /// Bytes of bodies handed over and not yet released by the consumer, plus bytes received by
    /// the transfers in flight, past which no new transfer starts (`max_backlog_bytes`).
    public var maxBacklogBytes: Int = 256 << 20

    public init(userAgent: String = CrawlerConfig.defaultUserAgent, timeout: Double = 30,
                connectTimeout: Double = 10, maxBodyBytes: Int = 32 << 20, concurrency: Int = 32,
                perHostConcurrency: Int = 6, hostGap: Double = 0, maxRedirects: Int = 5,
                lowSpeedBytesPerSecond: Int = 16, lowSpeedSeconds: Int = 20, proxy: String? = nil,
                hostRules: [HostRule] = [], hostBackoffFeeds: Int = 3) {
        self.userAgent = userAgent
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxBodyBytes = maxBodyBytes
        self.concurrency = concurrency
        self.maxRedirects = maxRedirects
        self.lowSpeedBytesPerSecond = lowSpeedBytesPerSecond
        self.lowSpeedSeconds = lowSpeedSeconds
        self.proxy = proxy
        self.defaultHostRule = HostRule(pattern: "*", concurrency: perHostConcurrency, gap: hostGap)
        self.hostRules = hostRules
        self.hostBackoffFeeds = hostBackoffFeeds
    }

    public init(_ config: CrawlerConfig) {
        self.init(userAgent: config.userAgent, timeout: config.timeout, connectTimeout: config.connectTimeout,
                  maxBodyBytes: config.maxBodyBytes, concurrency: config.concurrency,
                  perHostConcurrency: config.perHostConcurrency, hostGap: config.hostGap,
                  maxRedirects: config.maxRedirects, lowSpeedBytesPerSecond: config.lowSpeedBytesPerSecond,
                  lowSpeedSeconds: max(1, Int(config.lowSpeedTime.rounded())), proxy: config.proxy,
                  hostRules: config.hostRules, hostBackoffFeeds: config.hostBackoffFeeds)
        maxBacklogBytes = config.maxBacklogBytes
        maxHostPauseSeconds = max(1, Int(min(config.maxBackoff, Double(ServerNumber.maxSeconds))))
    }

    /// The politeness budget a URL draws from, and the key that names that budget: the rule's
    /// pattern when a host rule matches its host, else its server (`HostName.server`).
    func politeness(forURL url: String) -> (key: String, rule: HostRule) {
        if !hostRules.isEmpty {
            let host = HostName.of(url)
            if let rule = hostRules.first(where: { $0.matches(host) }) { return (rule.pattern, rule) }
        }
        return (HostName.server(of: url), defaultHostRule)
    }
}
