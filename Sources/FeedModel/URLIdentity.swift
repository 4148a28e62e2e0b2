/// When two feed URLs name the same feed though written differently: scheme and host are
/// case-insensitive, `:80` and `:443` are the defaults of http and https (however many zeros
/// lead them), a host's final dot is the root DNS adds anyway, an empty path is `/`, `.` and `..`
/// segments are resolved (libcurl asks for `/a/../f` as `/f`), a fragment never reaches the
/// server, and an escaped unreserved character (`%7E`) is the character. Path and query stay
/// otherwise as written (servers may tell their case apart). Used to refuse duplicates in
/// feeds.yaml, `add` and `import-opml`, and to know a feed's state and history under a URL
/// written another way (`FeedState.sameFeed`).
public enum URLIdentity {
    public static func key(_ url: String) -> String {
        // Most URLs are written canonically: one scan of their bytes, no copy. A config of
        // thousands of feeds checks every one of them at each start and reload.
        isCanonical(url.utf8) ? url : normalized(url)
    }

    /// The general case, for URLs the scan cannot vouch for.
    static func normalized(_ url: String) -> String {
        guard let separator = url.firstRange(of: "://") else { return url }
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
        let host = hostAndPort(percentNormalized(authority).lowercased(), scheme: scheme)
        // Dot segments as libcurl resolves them, before escapes are decoded: it sends `%2e%2e` as
        // written, which a server may not read as `..`.
        let tail = rest[authorityEnd...]
        let queryStart = tail.firstIndex(of: "?") ?? tail.endIndex
        let path = percentNormalized(Substring(removingDotSegments(String(tail[..<queryStart]))))
        // An empty query (`f.xml?`) asks the same as none, to any server one would poll.
        let query = tail[queryStart...] == "?" ? "" : percentNormalized(tail[queryStart...])
        return scheme + "://" + user + host + (path.hasPrefix("/") ? "" : "/") + path + query
    }

    /// The host without a final dot, and its port only when it is not the scheme's default,
    /// written without leading zeros.
    private static func hostAndPort(_ authority: String, scheme: String) -> String {
        var name = Substring(authority), port = ""
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            let digits = authority[authority.index(after: colon)...]
            // An empty port is the scheme's default (RFC 3986, 3.2.3), as libcurl reads it.
            if digits.isEmpty {
                name = authority[..<colon]
            } else if let number = Int(digits) {
                name = authority[..<colon]
                port = defaultPort(of: scheme) == ":\(number)" ? "" : ":\(number)"
            }
        }
        while name.count > 1, name.hasSuffix(".") { name.removeLast() }
        return name + port
    }

    /// RFC 3986, 5.2.4, for an absolute path: `.` segments go, `..` takes the one before with it.
    static func removingDotSegments(_ path: String) -> String {
        guard path.contains("/.") else { return path }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var output: [Substring] = []
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            if segment == "." || segment == ".." {
                if segment == "..", output.count > 1 { output.removeLast() }
                if isLast { output.append("") }
                continue
            }
            output.append(segment)
        }
        return output.joined(separator: "/")
    }

    /// RFC 3986, 6.2.2: `%7E` and `%7e` are `~` (an unreserved character means the same encoded or
    /// not), and other escapes are compared in upper case.
    static func percentNormalized(_ text: Substring) -> String {
        var bytes = Array(text.utf8)[...]
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        while let byte = bytes.popFirst() {
            guard byte == UInt8(ascii: "%"), bytes.count >= 2,
                  let high = hexValue(bytes[bytes.startIndex]), let low = hexValue(bytes[bytes.startIndex + 1]) else {
                output.append(byte)
                continue
            }
            let decoded = high << 4 | low
            bytes = bytes.dropFirst(2)
            if isUnreserved(decoded) {
                output.append(decoded)
            } else {
                output += [UInt8(ascii: "%"), hexDigit(high), hexDigit(low)]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "-._~".utf8.contains(byte)
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
        var previous: UInt8 = 0
        for byte in bytes {
            switch part {
            case 0:
                if byte == UInt8(ascii: ":") { part = 1 } else if (65...90).contains(byte) { return false }
            case 1:
                guard byte == UInt8(ascii: "/") else { return false }
                slashes += 1
                if slashes == 2 { part = 2 }
            case 2, 3:
                // A host's final dot (`example.org./`) is left to `normalized`.
                if part == 2, byte == UInt8(ascii: "/") || byte == UInt8(ascii: ":"), previous == UInt8(ascii: ".") {
                    return false
                }
                if byte == UInt8(ascii: "/") {
                    guard part == 2 || (port.digits > 0 && !isDefault(port, in: bytes)) else { return false }
                    part = 4
                } else if part == 2 && byte == UInt8(ascii: ":") {
                    part = 3
                } else if part == 3 {
                    // A leading zero (`:0443`) is the port without it: left to `normalized`.
                    guard (48...57).contains(byte), port.digits < 5, port.digits > 0 || byte != 48 else { return false }
                    port = (port.digits + 1, port.value * 10 + Int(byte - 48))
                } else if isRare(inHost: byte) {
                    return false
                }
            default:
                // A fragment goes, escapes are normalized (`percentNormalized`), and a segment
                // that starts with a dot may be `.` or `..`.
                if byte == UInt8(ascii: "#") || byte == UInt8(ascii: "%") { return false }
                if byte == UInt8(ascii: "."), previous == UInt8(ascii: "/") { return false }
            }
            previous = byte
        }
        return part == 4 && previous != UInt8(ascii: "?")
    }

    private static func isRare(inHost byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: "@"), UInt8(ascii: "["), UInt8(ascii: "%"), 65...90: true
        default: false
        }
    }

    /// Whether `port` is the default of the URL's scheme (one written with a leading zero went to `normalized`).
    private static func isDefault(_ port: (digits: Int, value: Int), in bytes: String.UTF8View) -> Bool {
        let scheme = bytes.prefix { $0 != UInt8(ascii: ":") }
        if port == (2, 80) { return scheme.elementsEqual("http".utf8) }
        if port == (3, 443) { return scheme.elementsEqual("https".utf8) }
        return false
    }
}
