/// When two feed URLs name the same feed though written differently: scheme and host are
/// case-insensitive, `:80` and `:443` are the defaults of http and https, an empty path is `/`,
/// and a fragment never reaches the server. Path and query stay as written (servers may tell
/// their case apart). Used to refuse duplicates in feeds.yaml, `add` and `import-opml`.
public enum URLIdentity {
    public static func key(_ url: String) -> String {
        // Most URLs are written canonically: one scan of their bytes, no copy. A config of
        // thousands of feeds checks every one of them at each start and reload.
        if isCanonical(url.utf8) { return url }
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
        if let defaultPort = ["http": ":80", "https": ":443"][scheme], host.hasSuffix(defaultPort) {
            host.removeLast(defaultPort.count)
        }
        let tail = rest[authorityEnd...]
        return scheme + "://" + user + host + (tail.hasPrefix("/") ? "" : "/") + tail
    }

    /// Lower-case scheme and authority without a port, a path, no fragment.
    private static func isCanonical(_ bytes: String.UTF8View) -> Bool {
        var part = 0  // 0: scheme, 1: "//", 2: authority, 3: the rest
        var slashes = 0
        for byte in bytes {
            switch part {
            case 0:
                if byte == UInt8(ascii: ":") { part = 1 } else if (65...90).contains(byte) { return false }
            case 1:
                guard byte == UInt8(ascii: "/") else { return false }
                slashes += 1
                if slashes == 2 { part = 2 }
            case 2:
                if byte == UInt8(ascii: "/") { part = 3 }
                else if byte == UInt8(ascii: ":") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")
                    || (65...90).contains(byte) { return false }
            default:
                if byte == UInt8(ascii: "#") { return false }
            }
        }
        return part == 3
    }
}
