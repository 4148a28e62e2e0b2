/// What one transfer gave: a response (any status) or a transport failure.
public struct FetchResult: Sendable {
    public var request: FetchRequest
    public var outcome: Outcome
    /// Wall time of the transfer in milliseconds, from its start (not from when it was queued).
    public var milliseconds: Int
    /// Milliseconds it waited for a slot (the global cap, its host's concurrency, gap or first
    /// connection) before it started; not part of `milliseconds`, nor of the timeout.
    public var waitMilliseconds: Int = 0
    /// Where the time went, as libcurl measured it (zero for a transfer that never started).
    public var timings: TransferTimings = TransferTimings()

    public enum Outcome: Sendable {
        case response(FetchResponse)
        /// No HTTP response at all: DNS, connect, TLS, timeout, size limit...
        case failure(FetchFailure)
    }

    public init(request: FetchRequest, outcome: Outcome, milliseconds: Int) {
        self.request = request
        self.outcome = outcome
        self.milliseconds = milliseconds
    }

    /// The memory this result holds for its consumer: its body's bytes (`FetchResults` counts them
    /// against the backlog until the consumer releases them).
    public var heldBytes: Int {
        if case .response(let response) = outcome { return response.body.count }
        return 0
    }

    /// A transfer that gave no HTTP response; the message is prefixed with the URL it concerns.
    public static func failed(_ request: FetchRequest, _ kind: FetchFailure.Kind, _ message: String,
                              milliseconds: Int = 0, retryAfter: Int? = nil) -> FetchResult {
        let failure = FetchFailure(kind: kind, message: "\(request.url): \(message)", retryAfter: retryAfter)
        return FetchResult(request: request, outcome: .failure(failure), milliseconds: milliseconds)
    }
}

public struct FetchResponse: Sendable {
    public var status: Int
    /// URL after redirects.
    public var finalURL: String
    /// Header names lower-cased; the last value wins.
    public var headers: [String: String]
    /// Decoded body (after Content-Encoding).
    public var body: [UInt8]
    /// Bytes received on the wire, before decoding.
    public var wireBytes: Int
    /// Every redirect followed on the way to `finalURL`, in order.
    public var redirects: [Redirect] = []
    /// Freshness and back-off hints the server gave.
    public var cache: CacheHints = CacheHints()
    /// A fingerprint of the decoded body, to notice an unchanged body from a server without validators.
    public var bodyFingerprint: String = ""

    public init(status: Int, finalURL: String, headers: [String: String], body: [UInt8], wireBytes: Int) {
        self.status = status
        self.finalURL = finalURL
        self.headers = headers
        self.body = body
        self.wireBytes = wireBytes
    }

    /// Bytes after Content-Encoding was undone.
    public var decodedBytes: Int { body.count }

    /// The charset parameter of Content-Type, if the server named one.
    public var charset: String? {
        guard let contentType = headers["content-type"] else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2,
                  pair[0].trimmingSpaces().lowercased() == "charset" else { continue }
            let value = pair[1].trimmingSpaces().trimmingQuotes()
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// As the engine read them (`cache`): a Last-Modified far in the future is none.
    public var validators: ConditionalHeaders {
        ConditionalHeaders(etag: cache.etag, lastModified: cache.lastModified)
    }
}

public struct FetchFailure: Sendable, Error, Hashable {
    public enum Kind: String, Sendable {
        case timeout, connect, dns, tls, tooLarge = "too_large", protocolError = "protocol",
             badURL = "bad_url", cancelled, other
        /// Not attempted: the host asked every client to wait (Retry-After on many of its feeds).
        case deferred
        /// Not connected: the address is loopback, private or otherwise special (see `NetworkAccess`).
        case refused
    }
    public var kind: Kind
    /// Human reason, e.g. libcurl's message.
    public var message: String
    /// For `.deferred`: the seconds the host asked for, if it said.
    public var retryAfter: Int?

    public init(kind: Kind, message: String, retryAfter: Int? = nil) {
        self.kind = kind
        self.message = message
        self.retryAfter = retryAfter
    }
}

/// One hop of a followed redirect.
public struct Redirect: Sendable, Hashable {
    public var status: Int
    public var from: String
    public var to: String

    public init(status: Int, from: String, to: String) {
        self.status = status
        self.from = from
        self.to = to
    }

    /// 301 and 308 say "use the new URL from now on"; 302, 303 and 307 do not.
    public var isPermanent: Bool { status == 301 || status == 308 }
}

/// Cache and back-off headers, already interpreted; times are seconds from when the response arrived.
public struct CacheHints: Sendable, Hashable {
    public var etag: String?
    public var lastModified: String?
    /// Cache-Control max-age.
    public var maxAge: Int?
    /// Expires, as seconds from now (negative when already past).
    public var expiresIn: Int?
    /// Retry-After, given as seconds or as an HTTP date.
    public var retryAfter: Int?
    /// A Last-Modified too far ahead of our clock to be a validator (not kept), for the log.
    public var ignoredLastModified: String?
    /// A Retry-After that is neither seconds nor an HTTP date (not acted on), for the log.
    public var ignoredRetryAfter: String?

    public init(etag: String? = nil, lastModified: String? = nil, maxAge: Int? = nil, expiresIn: Int? = nil,
                retryAfter: Int? = nil) {
        self.etag = etag
        self.lastModified = lastModified
        self.maxAge = maxAge
        self.expiresIn = expiresIn
        self.retryAfter = retryAfter
    }
}

/// libcurl's phase times, in microseconds from the start of the transfer (its last redirect hop included).
public struct TransferTimings: Sendable, Hashable {
    public var dns: Int = 0
    public var connect: Int = 0
    public var tls: Int = 0
    public var firstByte: Int = 0
    public var total: Int = 0

    public init(dns: Int = 0, connect: Int = 0, tls: Int = 0, firstByte: Int = 0, total: Int = 0) {
        self.dns = dns
        self.connect = connect
        self.tls = tls
        self.firstByte = firstByte
        self.total = total
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

extension String {
    func trimmingQuotes() -> String {
        guard count >= 2, first == "\"", last == "\"" else { return self }
        return String(dropFirst().dropLast())
    }
}
