/// What the crawler remembers about a feed between fetches (persisted by the store).
public struct FeedState: Sendable, Hashable, Codable {
    public var feed: String
    public var url: String
    public var validators: ConditionalHeaders
    public var lastFetch: Timestamp?
    public var lastStatus: Int?
    public var lastError: String?
    public var consecutiveErrors: Int
    public var nextDue: Timestamp?
    /// Why `nextDue` is what it is, in words (for logs and `crawler explain`).
    public var nextReason: String?
    /// The interval adaptive scheduling settled on, when enabled.
    public var adaptiveInterval: Double?
    public var documents: Int
    /// The server answered 410 Gone for `url`: not polled again until the configured URL changes.
    public var gone: Bool = false
    /// A 301/308 target seen on every fetch since `pendingRedirectCount` fetches ago.
    public var pendingRedirect: String?
    public var pendingRedirectCount: Int = 0
    /// The permanent redirect target now fetched instead of `url`.
    public var adoptedURL: String?
    /// Fingerprint of the last body, for servers that send no validators.
    public var bodyFingerprint: String?
    /// When the feed was last fetched without validators (to escape validators that never change).
    public var lastUnconditional: Timestamp?
    /// Retry-After: the feed must not be fetched before this time.
    public var notBefore: Timestamp?


    public init(feed: String, url: String, validators: ConditionalHeaders = ConditionalHeaders(),
                lastFetch: Timestamp? = nil, lastStatus: Int? = nil, lastError: String? = nil,
                consecutiveErrors: Int = 0, nextDue: Timestamp? = nil, documents: Int = 0) {
        self.feed = feed
        self.url = url
        self.validators = validators
        self.lastFetch = lastFetch
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.consecutiveErrors = consecutiveErrors
        self.nextDue = nextDue
        self.nextReason = nil
        self.adaptiveInterval = nil
        self.documents = documents
    }
}
