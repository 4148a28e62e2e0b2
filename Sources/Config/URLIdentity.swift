/// When two feed URLs name the same feed though written differently: scheme and host are
/// case-insensitive, `:80` and `:443` are the defaults of http and https, an empty path is `/`,
/// and a fragment never reaches the server. Path and query stay as written (servers may tell
/// their case apart). Used to refuse duplicates in feeds.yaml, `add` and `import-opml`.
public enum URLIdentity {
    public static func key(_ url: String) -> String {
        // Most URLs are written canonically: one scan of their bytes, no copy. A config of
        // thousands of feeds checks every one of them at each start and reload.
        isCanonical(url.utf8) ? url : normalized(url)
    }

    /// The general case, for URLs the scan cannot vouch for.
    static func normalized(_ url: String) -> String {
        guard let separator = url.range(of: "://") else { return url }
        let scheme = url[..<separator.lowerBound].lowercased()
        var rest = url[separator.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        var user = Substring("")
        if let at = authority.lastIndex(of: "@") {
            user = authority[...at]
            authority = authority[authority.index(after: at)...]
        }
        var host = authority.lowercased()
        if let defaultPort = defaultPort(of: scheme), host.hasSuffix(defaultPort) {
            host.removeLast(defaultPort.count)
        }
        let tail = rest[authorityEnd...]
        return scheme + "://" + user + host + (tail.hasPrefix("/") ? "" : "/") + tail
    }

    private static func defaultPort(of scheme: String) -> String? {
        switch scheme {
        case "http": ":80"
        case "https": ":443"
        default: nil
        }
    }

    /// Lower-case scheme and host, a port only if not the scheme's default, a path, no
    /// fragment. Anything rarer (user info, IPv6 literals, a query right after the host) is
    /// left to `normalized`.
    private static func isCanonical(_ bytes: String.UTF8View) -> Bool {
        var part = 0  // 0: scheme, 1: "//", 2: host, 3: port, 4: the rest
        var slashes = 0
        var port: (digits: Int, value: Int) = (0, 0)
        for byte in bytes {
            switch part {
            case 0:
                if byte == UInt8(ascii: ":") { part = 1 } else if (65...90).contains(byte) { return false }
            case 1:
                guard byte == UInt8(ascii: "/") else { return false }
                slashes += 1
                if slashes == 2 { part = 2 }
            case 2, 3:
                if byte == UInt8(ascii: "/") {
                    guard part == 2 || !isDefault(port, in: bytes) else { return false }
                    part = 4
                } else if part == 2 && byte == UInt8(ascii: ":") {
                    part = 3
                } else if part == 3 {
                    guard (48...57).contains(byte), port.digits < 5 else { return false }
                    port = (port.digits + 1, port.value * 10 + Int(byte - 48))
                } else if isRare(inHost: byte) {
                    return false
                }
            default:
                if byte == UInt8(ascii: "#") { return false }
            }
        }
        return part == 4
    }

    private static func isRare(inHost byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: "@"), UInt8(ascii: "["), 65...90: true
        default: false
        }
    }

    /// Whether `port` (as written: `:080` is not `:80`) is the default of the URL's scheme.
    private static func isDefault(_ port: (digits: Int, value: Int), in bytes: String.UTF8View) -> Bool {
        let scheme = bytes.prefix { $0 != UInt8(ascii: ":") }
        if port == (2, 80) { return scheme.elementsEqual("http".utf8) }
        if port == (3, 443) { return scheme.elementsEqual("https".utf8) }
        return false
    }
}
