/// How one feed's requests differ from the crawler's defaults, as feeds.yaml says (a feed's own
/// keys over the global ones): headers, cookies, credentials, identity, route and trust, and two
/// answers to servers that misbehave.
public struct RequestSettings: Sendable, Hashable, Codable {
    /// Extra request headers, in the order written.
    public var headers: [HeaderField] = []
    /// The `Cookie:` value, e.g. `session=abc; lang=en`.
    public var cookies: String?
    public var basicAuth: BasicAuth?
    /// Replaces the global `user_agent:` for this feed.
    public var userAgent: String?
    /// Replaces the global `proxy:` (and the environment's) for this feed.
    public var proxy: String?
    /// A PEM file of certificate authorities trusted in addition to the system's.
    public var caFile: String?
    /// The server's validators and freshness headers (ETag, Last-Modified, Cache-Control, Expires)
    /// are neither sent back nor believed: for servers whose validators lie.
    public var ignoreCacheHeaders = false
    /// A 403 means "slow down" on this host, as a 429 would.
    public var throttleOn403 = false

    public init() {}

    public var isEmpty: Bool { self == RequestSettings() }

    /// Sends what only the feed's own server should see: headers (an API key, a token; any
    /// header, as the operator's Referer or Accept may carry one too), cookies or a password.
    public var sendsSecrets: Bool { !headers.isEmpty || cookies != nil || basicAuth != nil }
}

/// One extra request header.
public struct HeaderField: Sendable, Hashable, Codable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// HTTP basic authentication. The password is never written into a log line or message: its
/// description shows only where it comes from.
public struct BasicAuth: Sendable, Hashable, Codable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Password: Sendable, Hashable, Codable, CustomStringConvertible {
        /// Written in feeds.yaml.
        case literal(String)
        /// Read from this environment variable when the request is made.
        case environment(String)

        public var description: String {
            switch self {
            case .literal: return "***"
            case .environment(let name): return "$" + name
            }
        }
    }

    public var username: String
    public var password: Password

    public init(username: String, password: Password) {
        self.username = username
        self.password = password
    }

    public var description: String {
        "basic_auth(\(username):\(password))"
    }

    public var debugDescription: String { description }
}
