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
        guard authority.host.lowercased() == "localhost" else { return [] }
        return ["127.0.0.1", "::1"].compactMap { IPAddress(literal: $0) }.map { Endpoint(address: $0, port: authority.port) }
    }
}

/// The scheme, host and port of an http(s) URL, read without a full URL parser.
public struct URLAuthority: Sendable, Hashable {
    public var scheme: String
    /// As written, without user info or port; an IPv6 literal keeps its brackets.
    public var host: String
    /// The explicit port, else the scheme's default.
    public var port: Int

    /// `defaultPort`, when given, replaces the scheme's (a proxy's port is 1080 unless written).
    public init?(_ url: String, defaultPort: Int? = nil) {
        guard let separator = url.firstRange(of: "://") else { return nil }
        scheme = url[..<separator.lowerBound].lowercased()
        let rest = url[separator.upperBound...]
        var authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" && $0 != "\\" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var portText: Substring = ""
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[...close])
            portText = authority[authority.index(after: close)...].drop { $0 == ":" }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            portText = authority[authority.index(after: colon)...]
        } else {
            host = String(authority)
        }
        if portText.isEmpty {
            guard let known = defaultPort ?? ["http": 80, "https": 443][scheme] else { return nil }
            port = known
        } else {
            guard let number = Int(portText), (0...65535).contains(number) else { return nil }
            port = number
        }
    }

    /// True for the schemes a discovered or imported feed may use.
    public static func isWeb(_ url: String) -> Bool {
        guard let authority = URLAuthority(url) else { return false }
        return (authority.scheme == "http" || authority.scheme == "https") && !authority.host.isEmpty
    }
}
