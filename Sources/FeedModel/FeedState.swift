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
    /// What the feed's last body asked of its pollers (`<ttl>`, `sy:updatePeriod`, `skipHours`,
    /// `skipDays`, and its answer's Cache-Control max-age), kept for the answers without a body
    /// (304, the same body) that still schedule the next poll: `ServerHintsReader.stored`.
    public var feedHints: String?
    /// When the feed was last fetched without validators (to escape validators that never change).
    public var lastUnconditional: Timestamp?
    /// Retry-After: the feed must not be fetched before this time.
    public var notBefore: Timestamp?
    /// New documents stored on one UTC day, for `max_documents_per_day` (nil: none yet).
    public var storedToday: DailyCount?
    /// When a fetch last brought new documents, and the gaps (seconds) between the last few such
    /// fetches: the feed's own rhythm, against which a long silence is judged.
    public var lastNew: Timestamp?
    public var newItemGaps: [Int64] {
        get { recentGaps ?? [] }
        set { recentGaps = newValue.isEmpty ? nil : newValue }
    }
    /// Optional so that states saved (as JSON, by a fleet) before it existed still decode.
    private var recentGaps: [Int64]?

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

/// Documents stored on one UTC day.
public struct DailyCount: Sendable, Hashable, Codable {
    /// Days since 1970-01-01, UTC.
    public var day: Int64
    public var documents: Int

    public init(day: Int64, documents: Int) {
        self.day = day
        self.documents = documents
    }

    public static func day(of time: Timestamp) -> Int64 {
        let (quotient, remainder) = time.secondsSince1970.quotientAndRemainder(dividingBy: 86400)
        return remainder < 0 ? quotient - 1 : quotient
    }

    /// Documents stored on the day of `time`.
    public func documents(on time: Timestamp) -> Int {
        day == Self.day(of: time) ? documents : 0
    }

    /// `count` more documents stored at `time`.
    public func adding(_ count: Int, at time: Timestamp) -> DailyCount {
        DailyCount(day: Self.day(of: time), documents: documents(on: time) + count)
    }
}

extension FeedState {
    /// Whether this state belongs to the feed at `url`. The store keeps URLs without their
    /// passwords, so both sides are compared that way: a changed password is not a changed feed.
    public func belongs(to url: String) -> Bool {
        Self.sameFeed(self.url, url)
    }

    /// Two URLs of one feed: the same but for a password, or written differently as feeds.yaml's
    /// duplicate check reads them (`URLIdentity`: a fragment, the scheme's case, `:80`). A rename
    /// with `#top` added was taken for a new feed, and what its `keep:` had forgotten came back.
    public static func sameFeed(_ stored: String, _ url: String) -> Bool {
        stored == url || URLIdentity.key(SecretRedaction.redact(stored)) == URLIdentity.key(SecretRedaction.redact(url))
    }
}

extension FeedState {
    /// Gaps kept: enough for a median that one odd week does not move.
    public static let keptGaps = 8

    /// Records that a fetch at `time` brought new documents.
    public mutating func noteNewDocuments(at time: Timestamp) {
        if let last = lastNew, time > last {
            newItemGaps = Array((newItemGaps + [time.secondsSince1970 - last.secondsSince1970]).suffix(Self.keptGaps))
        }
        lastNew = time
    }
}
