internal import FeedModel
internal import Yams

/// The keys that shape a feed's requests: `headers:`, `cookies:`, `basic_auth:`, `user_agent:`,
/// `proxy:`, `ca_file:`, `ignore_cache_headers:` and `throttle_on_403:`. Globally they are each
/// feed's defaults (a feed's own headers are added to the global ones, a name it repeats replaced);
/// cookies and credentials belong to one feed only. Every value that becomes part of a request is
/// refused here if it could split it (a line break or another control character).
struct RequestSettingsParser {
    let parser: ConfigParser

    static let globalKeys = ["headers", "ca_file", "ignore_cache_headers", "throttle_on_403"]
    static let feedKeys = ["headers", "cookies", "basic_auth", "user_agent", "proxy", "ca_file",
                           "ignore_cache_headers", "throttle_on_403"]

    func global(_ reader: MappingReader) throws(ConfigError) -> RequestSettings {
        var settings = RequestSettings()
        settings.headers = try headers(reader) ?? []
        settings.caFile = try caFile(reader)
        settings.ignoreCacheHeaders = try reader.bool("ignore_cache_headers") ?? false
        settings.throttleOn403 = try reader.bool("throttle_on_403") ?? false
        return settings
    }

    /// `urlHasCredentials`: the feed's URL holds a user and password, which a global
    /// Authorization header would replace as basic_auth's would.
    func feed(_ reader: MappingReader, defaults: RequestSettings,
              urlHasCredentials: Bool = false) throws(ConfigError) -> RequestSettings {
        var settings = defaults
        let own = try headers(reader) ?? []
        settings.cookies = try cookies(reader)
        settings.basicAuth = try basicAuth(reader)
        // A feed's own value wins over a global one: its own header of a name, and its own
        // credentials and cookies over global Authorization and Cookie headers (libcurl would
        // send the header and not the credentials). Both given for one feed is a mistake to name.
        var replaced = Set(own.map { $0.name.lowercased() })
        if settings.basicAuth != nil {
            try refuseBoth(own, "authorization", "basic_auth", reader)
            replaced.insert("authorization")
        }
        if urlHasCredentials { replaced.insert("authorization") }
        if settings.cookies != nil {
            try refuseBoth(own, "cookie", "cookies", reader)
            replaced.insert("cookie")
        }
        settings.headers = defaults.headers.filter { !replaced.contains($0.name.lowercased()) } + own
        settings.userAgent = try headerValue(reader, "user_agent")
        settings.proxy = try proxy(reader)
        settings.caFile = try caFile(reader) ?? defaults.caFile
        settings.ignoreCacheHeaders = try reader.bool("ignore_cache_headers") ?? defaults.ignoreCacheHeaders
        settings.throttleOn403 = try reader.bool("throttle_on_403") ?? defaults.throttleOn403
        return settings
    }

    /// Checked where it is written: a global one was blamed on `feeds[0].ca_file`, at the first
    /// feed's line (round 58).
    private func caFile(_ reader: MappingReader) throws(ConfigError) -> String? {
        guard let path = try reader.path("ca_file").map(parser.resolve(path:)) else { return nil }
        if let problem = parser.fileProblem?(.caFile, path) {
            throw parser.error(at: reader.node("ca_file")!, key: reader.qualified("ca_file"), problem)
        }
        return path
    }

    private func refuseBoth(_ own: [HeaderField], _ header: String, _ key: String,
                            _ reader: MappingReader) throws(ConfigError) {
        guard let field = own.first(where: { $0.name.lowercased() == header }) else { return }
        throw parser.error(at: reader.node("headers") ?? reader.node(key)!, key: reader.qualified("headers"),
                           "gives the header \(field.name) and \(key): too; keep one of them")
    }

    /// Headers that frame the request or name its host: libcurl writes them from the URL and the
    /// body, and one given here would contradict them (a request smuggled past a proxy).
    static let framingHeaders: Set<String> = ["host", "content-length", "transfer-encoding", "connection", "upgrade",
                                              "te", "trailer", "keep-alive", "proxy-connection", "expect"]

    /// `headers: {X-Api-Key: abc, Accept-Language: de}`, in the order written.
    private func headers(_ reader: MappingReader) throws(ConfigError) -> [HeaderField]? {
        guard let node = reader.node("headers"), !MappingReader.isNull(node) else { return nil }
        let key = reader.qualified("headers")
        guard let mapping = node.mapping else {
            throw parser.error(at: node, key: key, "must be a mapping of header names to values, e.g. {X-Api-Key: abc}")
        }
        var fields: [HeaderField] = []
        var seen: [String: String] = [:]  // by lower-cased name, the name as first written
        for (name, value) in mapping {
            guard let name = name.scalar?.string, Self.isToken(name) else {
                // Not shown: `Authorization: Bearer …` written as a name holds the token.
                throw parser.error(at: name, key: key, "a name here is not a header name (letters, digits and -, "
                                   + "no spaces, colons or =); write each header as `Name: value`")
            }
            guard !Self.framingHeaders.contains(name.lowercased()) else {
                throw parser.error(at: value, key: "\(key).\(name)",
                                   "is written by the crawler itself from the URL and the request; it cannot be set")
            }
            guard let text = value.scalar?.string, Self.isSafe(text) else {
                throw parser.error(at: value, key: "\(key).\(name)", "must be one line of text")
            }
            try checkLength(text, at: value, key: "\(key).\(name)")
            // Header names know no case: `X-Key` and `x-key` were both sent.
            if let first = seen[name.lowercased()] {
                throw parser.error(at: value, key: "\(key).\(name)", "is the header \(first) again (header names "
                                   + "know no case); give it once")
            }
            seen[name.lowercased()] = name
            fields.append(HeaderField(name: name, value: text))
        }
        return fields
    }

    /// `cookies: "a=1; b=2"` or `cookies: {a: 1, b: 2}`: one `Cookie:` header either way.
    private func cookies(_ reader: MappingReader) throws(ConfigError) -> String? {
        guard let node = reader.node("cookies"), !MappingReader.isNull(node) else { return nil }
        let key = reader.qualified("cookies")
        if let scalar = node.scalar {
            guard Self.isSafe(scalar.string) else { throw parser.error(at: node, key: key, "must be one line of text") }
            try checkLength(scalar.string, at: node, key: key)
            return scalar.string
        }
        guard let mapping = node.mapping else {
            throw parser.error(at: node, key: key, "must be a string (\"a=1; b=2\") or a mapping ({a: 1, b: 2})")
        }
        var pairs: [String] = []
        for (name, value) in mapping {
            guard let name = name.scalar?.string, Self.isToken(name) else {
                throw parser.error(at: name, key: key, "a name here is not a cookie name (letters, digits and -, "
                                   + "no spaces or =); write each cookie as `name: value`")
            }
            guard let text = value.scalar?.string, Self.isSafe(text), !text.contains(";") else {
                throw parser.error(at: value, key: "\(key).\(name)", "must be one line of text without ';'")
            }
            pairs.append("\(name)=\(text)")
        }
        let joined = pairs.joined(separator: "; ")
        try checkLength(joined, at: node, key: key)
        return joined
    }

    /// A value for one header line, which servers refuse past 8 KB (nginx's buffer, Apache's
    /// LimitRequestFieldSize): the feed would fail on every fetch with a 431 naming neither.
    private func checkLength(_ value: String, at node: Node, key: String) throws(ConfigError) {
        let bytes = value.utf8.count
        guard bytes > 8000 else { return }
        throw parser.error(at: node, key: key, "is \(bytes) bytes; servers refuse a header line over 8 KB (nginx, Apache), "
                           + "so the feed could never be fetched")
    }

    /// `basic_auth: {username: u, password: p}` or `{username: u, password_env: FEED_PASSWORD}`.
    private func basicAuth(_ reader: MappingReader) throws(ConfigError) -> BasicAuth? {
        guard let node = reader.node("basic_auth"), !MappingReader.isNull(node) else { return nil }
        let key = reader.qualified("basic_auth")
        guard let mapping = node.mapping else {
            throw parser.error(at: node, key: key, "must be a mapping with username: and password: or password_env:")
        }
        let auth = MappingReader(parser: parser, mapping: mapping, path: key)
        try auth.rejectUnknownKeys(allowed: ["username", "password", "password_env"])
        guard let username = try auth.string("username") else {
            throw parser.error(at: node, key: "\(key).username", "missing; basic_auth needs a username")
        }
        guard Self.isSafe(username), !username.contains(":") else {
            throw parser.error(at: auth.node("username") ?? node, key: "\(key).username",
                               "must be one line of text without ':'")
        }
        switch (try auth.string("password"), try auth.string("password_env")) {
        case (let password?, nil):
            guard Self.isSafe(password) else {
                throw parser.error(at: auth.node("password") ?? node, key: "\(key).password", "must be one line of text")
            }
            return BasicAuth(username: username, password: .literal(password))
        case (nil, let variable?):
            // A NUL in the name read another variable (the system stops there), whose secret was sent;
            // a line break forged a line of the summary. A name as shells write one, or nothing.
            guard Self.isVariableName(variable) else {
                throw parser.error(at: auth.node("password_env") ?? node, key: "\(key).password_env",
                                   "'\(TerminalText.oneLine(variable))' is no environment variable's name "
                                   + "(letters, digits and _, not starting with a digit)")
            }
            return BasicAuth(username: username, password: .environment(variable))
        default:
            throw parser.error(at: node, key: key, "needs exactly one of password: or password_env: "
                               + "(the name of an environment variable holding the password)")
        }
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || ($0 | 0x20 >= UInt8(ascii: "a") && $0 | 0x20 <= UInt8(ascii: "z"))
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// `proxy:` (per feed, or global): a URL whose host and port can be read (libcurl's error for
    /// one it cannot read repeats it, password and all), one line.
    func proxy(_ reader: MappingReader) throws(ConfigError) -> String? {
        guard let value = try reader.string("proxy"), !value.isEmpty else { return nil }
        let url = value.contains("://") ? value : "http://" + value
        // `http:/u:pw@host`: a scheme that lost a slash, which the `http://` put in front would hide.
        let misspelt = !value.contains("://") && value.prefix { $0.isLetter || $0.isNumber || "+.-".contains($0) }.count > 0
            && value.drop { $0.isLetter || $0.isNumber || "+.-".contains($0) }.hasPrefix(":/")
        guard Self.isSafe(value), !misspelt, !value.contains(where: { $0 == " " || $0 == "\t" }),
              let authority = URLAuthority(url, defaultPort: 1080), !authority.host.isEmpty,
              authority.host.first != "[" || authority.host.last == "]" else {
            throw parser.error(at: reader.node("proxy")!, key: reader.qualified("proxy"),
                               "'\(SecretRedaction.redactURL(url))': its host and port cannot be read (a #, ?, / or @ "
                               + "in a user name or password ends the host: write them as %23, %3F, %2F and %40)")
        }
        // Without a scheme, `host:port` (after any `user:password@`): `socks5h//host:1080`,
        // `https:host:3128` or `socks5h:` were read as host names, and every feed then failed.
        if !value.contains("://") {
            let hostAndPort = value.split(separator: "@").last.map(String.init) ?? value
            let parts = hostAndPort.split(separator: ":", omittingEmptySubsequences: false)
            let portless = parts.count == 1 && !hostAndPort.isEmpty
            let ported = parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && parts[1].allSatisfy(\.isNumber)
            let literal = hostAndPort.hasPrefix("[")  // an IPv6 address, [::1]:1080
            guard !value.contains("/"), literal || portless || ported, !Self.proxySchemes.contains(String(parts[0]).lowercased()) else {
                throw parser.error(at: reader.node("proxy")!, key: reader.qualified("proxy"), "'\(SecretRedaction.redactURL(value))' "
                                   + "is neither host:port nor scheme://host:port (e.g. socks5h://127.0.0.1:1080)")
            }
        }
        // libcurl's own: any other failed every feed at its first fetch ("Unsupported proxy scheme").
        let scheme = value.contains("://") ? String(value.prefix { $0 != ":" }).lowercased() : "http"
        guard Self.proxySchemes.contains(scheme) else {
            throw parser.error(at: reader.node("proxy")!, key: reader.qualified("proxy"), "'\(SecretRedaction.redactURL(url))': "
                               + "\(scheme):// is no proxy scheme; use one of \(Self.proxySchemes.joined(separator: ", "))")
        }
        return value
    }

    static let proxySchemes = ["http", "https", "socks4", "socks4a", "socks5", "socks5h"]

    private func headerValue(_ reader: MappingReader, _ key: String) throws(ConfigError) -> String? {
        guard let value = try reader.string(key) else { return nil }
        guard Self.isSafe(value) else {
            throw parser.error(at: reader.node(key)!, key: reader.qualified(key), "must be one line of text")
        }
        return value
    }

    /// No control characters (C0, DEL, C1 with NEL, the line and paragraph separators): a line
    /// break would end the header and start another.
    static func isSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains { $0 != "\t" && TerminalText.isUnsafe($0) }
    }

    /// An HTTP token (RFC 9110): what a header or cookie name may be made of.
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "!#$%&'*+-.^_`|~".unicodeScalars.contains($0))
        }
    }
}
