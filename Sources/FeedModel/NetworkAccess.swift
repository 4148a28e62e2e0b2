/// Which addresses one transfer may connect to. A feed (or a page it redirects to, or a feed a page
/// advertises) must not make the crawler reach this machine or a private network: that is how a
/// hostile feed would read a metadata service or an internal admin page. The check is made on
/// the address libcurl actually connects to, so neither a redirect, a numeric spelling of an
/// address, nor a name that resolves (or rebinds) to a private address gets around it.
public struct NetworkAccess: Sendable, Hashable {
    /// `allow_private_networks: true`: every address is fine.
    public var allowsPrivateNetworks: Bool
    /// Where the operator pointed the crawler by address (an IP literal or `localhost` in a URL
    /// they wrote): reachable whatever its range, but only that address and port.
    public var trustedEndpoints: [Endpoint]
    /// `file://` is read only for a URL the operator wrote into feeds.yaml.
    public var allowsFiles: Bool
    /// How the operator can allow what was refused, for the message.
    public var hint: String

    public init(allowsPrivateNetworks: Bool, trustedEndpoints: [Endpoint] = [], allowsFiles: Bool = false,
                hint: String = NetworkAccess.configHint) {
        self.allowsPrivateNetworks = allowsPrivateNetworks
        self.trustedEndpoints = trustedEndpoints
        self.allowsFiles = allowsFiles
        self.hint = hint
    }

    public static let configHint = "set allow_private_networks: true for this feed to allow it"

    /// For a URL the operator wrote (feeds.yaml, or typed on the command line): its own address
    /// is trusted when written as one, and so is `localhost`; file:// is allowed.
    public static func operatorURL(_ url: String, allowsPrivateNetworks: Bool,
                                   hint: String = NetworkAccess.configHint) -> NetworkAccess {
        NetworkAccess(allowsPrivateNetworks: allowsPrivateNetworks, trustedEndpoints: Endpoint.addressed(by: url),
                      allowsFiles: true, hint: hint)
    }

    /// For a URL found in a page or a file someone else wrote: http(s) only, and no private address
    /// but the one the operator addressed to get the page (`pageURL`), if they did.
    public static func discovered(from pageURL: String? = nil, allowsPrivateNetworks: Bool,
                                  hint: String) -> NetworkAccess {
        NetworkAccess(allowsPrivateNetworks: allowsPrivateNetworks,
                      trustedEndpoints: pageURL.map { Endpoint.addressed(by: $0) } ?? [], hint: hint)
    }

    /// Why connecting to `address`:`port` is refused; nil when it is allowed.
    public func refusal(address: IPAddress, port: Int) -> SpecialAddress? {
        guard !allowsPrivateNetworks, let range = SpecialAddress.range(of: address) else { return nil }
        return trustedEndpoints.contains(Endpoint(address: address, port: port)) ? nil : range
    }

    /// The message of a refused connection.
    public func refusalMessage(url: String, address: IPAddress, range: SpecialAddress) -> String {
        "refused: \(url) resolves to \(address), a private address (\(range.rawValue); \(hint))"
    }
}

/// An address and a TCP port.
public struct Endpoint: Sendable, Hashable {
    public var address: IPAddress
    public var port: Int

    public init(address: IPAddress, port: Int) {
        self.address = address
        self.port = port
    }

    /// The endpoints a URL names by address: its IP literal, or both loopback addresses for
    /// `localhost` (libcurl resolves that name itself); none for any other host name.
    public static func addressed(by url: String, defaultPort: Int? = nil) -> [Endpoint] {
        guard let authority = URLAuthority(url, defaultPort: defaultPort) else { return [] }
        if let address = IPAddress(literal: authority.host) {
            return [Endpoint(address: address, port: authority.port)]
        }
        guard authority.host.utf8.count == 9, authority.host.lowercased() == "localhost" else { return [] }
        return ["127.0.0.1", "::1"].compactMap { IPAddress(literal: $0) }.map { Endpoint(address: $0, port: authority.port) }
    }
}

/// The scheme, host and port of an http(s) URL, read from its bytes without a full URL parser:
/// it runs for every feed on every pass.
public struct URLAuthority: Sendable, Hashable {
    public var scheme: String
    /// As written, without user info or port; an IPv6 literal keeps its brackets.
    public var host: String
    /// The explicit port, else the scheme's default.
    public var port: Int

    /// `defaultPort`, when given, replaces the scheme's (a proxy's port is 1080 unless written).
    public init?(_ url: String, defaultPort: Int? = nil) {
        // Read through the string's contiguous UTF-8: every delimiter is ASCII, and the scan
        // through String's own indices cost five times as much (three readings a feed a pass).
        var text = url
        guard let authority = text.withUTF8({ Self.read($0, defaultPort: defaultPort) }) else { return nil }
        self = authority
    }

    private init(scheme: String, host: String, port: Int) {
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// Hex digits, `:` and `.` (an embedded IPv4 address): an IPv6 address before its zone.
    private static func isIPv6AddressByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"),
             UInt8(ascii: ":"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    /// A zone, `%25eth0` written percent-encoded: letters, digits, `%`, `-`, `_` and `.`.
    private static func isZoneByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
            || [UInt8(ascii: "%"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: ".")].contains(byte)
    }

    private static func read(_ bytes: UnsafeBufferPointer<UInt8>, defaultPort: Int?) -> URLAuthority? {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), bytes[colon...].starts(with: "://".utf8) else {
            return nil
        }
        let scheme = String(decoding: bytes[..<colon].map(asciiLowercased), as: UTF8.self)
        var start = colon + 3
        let end = bytes[start...].firstIndex { Self.endsAuthority($0) } ?? bytes.endIndex
        // libcurl reads `http://a.example\@b.example/` as user `a.example\` at b.example; a
        // browser as a.example with the path `\@b.example/`. Read either way, a check made on one
        // reading (whose host a page is on) would let a request go to the other.
        guard !bytes[start..<end].contains(UInt8(ascii: "\\")) else { return nil }
        if let at = bytes[start..<end].lastIndex(of: UInt8(ascii: "@")) {
            // A second `@` (unencoded in a password): libcurl refuses the URL.
            guard !bytes[start..<at].contains(UInt8(ascii: "@")) else { return nil }
            start = at + 1
        }
        var hostEnd = end, portStart: Int?
        if bytes[start..<end].first == UInt8(ascii: "[") {
            // An IPv6 literal, whole: `[zz` passed `check` and failed only at the fetch (round 66).
            guard let close = bytes[start..<end].firstIndex(of: UInt8(ascii: "]")), close > start + 1 else { return nil }
            let literal = bytes[(start + 1)..<close]
            let zone = literal.firstIndex(of: UInt8(ascii: "%")) ?? close
            guard literal[..<zone].allSatisfy(Self.isIPv6AddressByte), literal[zone...].allSatisfy(Self.isZoneByte) else { return nil }
            hostEnd = close + 1
            if hostEnd < end {
                guard bytes[hostEnd] == UInt8(ascii: ":") else { return nil }
                portStart = hostEnd + 1
            }
        } else if let portColon = bytes[start..<end].lastIndex(of: UInt8(ascii: ":")) {
            hostEnd = portColon
            portStart = portColon + 1
        }
        let host = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<hostEnd]), as: UTF8.self)
        if let portStart, portStart < end {
            guard let number = Self.port(bytes[portStart..<end]) else { return nil }
            return URLAuthority(scheme: scheme, host: host, port: number)
        }
        guard let known = defaultPort ?? Self.defaultPort(scheme) else { return nil }
        return URLAuthority(scheme: scheme, host: host, port: known)
    }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    /// Where libcurl ends an authority.
    private static func endsAuthority(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")
    }

    /// Where a feed's credentials, cookies and headers may follow it from `url`: the same origin
    /// (scheme, host in any case, port), or the same host moved from http to https on the default
    /// ports (an upgrade: what went in clear goes encrypted).
    public static func keepsSecrets(from url: String, to target: String) -> Bool {
        guard let from = URLAuthority(url), let to = URLAuthority(target),
              from.host.lowercased() == to.host.lowercased() else { return false }
        if from.scheme == to.scheme { return from.port == to.port }
        return from.scheme == "http" && from.port == 80 && to.scheme == "https" && to.port == 443
    }

    private static func defaultPort(_ scheme: String) -> Int? {
        scheme == "http" ? 80 : scheme == "https" ? 443 : nil
    }

    private static func port(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            guard value <= 65535 else { return nil }
        }
        return value
    }

    /// True for the schemes a discovered or imported feed may use.
    public static func isWeb(_ url: String) -> Bool {
        guard let authority = URLAuthority(url) else { return false }
        return (authority.scheme == "http" || authority.scheme == "https") && !authority.host.isEmpty
    }
}
