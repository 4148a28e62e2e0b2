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
    public var documents: Int

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
        self.documents = documents
    }
}
