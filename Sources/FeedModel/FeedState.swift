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

    /// 410 Gone: not polled again until its configuration changes.
    public var isGone: Bool { lastStatus == 410 && nextDue == nil }

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
