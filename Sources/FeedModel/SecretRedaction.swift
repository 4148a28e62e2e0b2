/// Takes secrets out of text before it reaches a log line, a summary or an error message:
/// the password of `scheme://user:password@host` URLs (feeds and database URLs alike) and the
/// values of `password=`, `token=`, `api_key=` and their kin in connection strings and query
/// strings. One helper for every output.
public enum SecretRedaction {
    public static let mask = "***"

    public static func redact(_ text: String) -> String {
        // Most values and lines hold neither marker: leave them untouched at the cost of a byte scan.
        let marked = { (byte: UInt8) in byte == UInt8(ascii: "=") || byte == UInt8(ascii: "@") }
        // Over the contiguous bytes where there are (every value and log line comes here).
        guard text.utf8.withContiguousStorageIfAvailable({ $0.contains(where: marked) }) ?? text.utf8.contains(where: marked)
        else { return text }
        let bytes = Array(text.utf8)
        let hasKey = containsSecretKey(bytes)
        guard hasKey || bytes.contains(UInt8(ascii: "@")) else { return text }
        let withoutUserInfo = redactUserInfo(bytes)
        return String(decoding: hasKey ? redactSecretKeys(withoutUserInfo) : withoutUserInfo, as: UTF8.self)
    }

    /// A URL as its origin and `/…` (nil without `://`): for URLs whose secret may be in their
    /// path, out of reach of masking by name (Slack's `/services/T…/B…/TOKEN`, Discord's
    /// `/api/webhooks/ID/TOKEN`).
    public static func origin(_ url: String) -> String? {
        // The `://` of a scheme, not one in the query (`https:/T@h/?r=http://x`).
        guard let scheme = url.utf8.firstRange(of: "://".utf8),
              !url.utf8[..<scheme.lowerBound].isEmpty, url.utf8[..<scheme.lowerBound].allSatisfy(isSchemeByte) else { return nil }
        let rest = url[scheme.upperBound...]
        let authority = rest.prefix { !"/?#".contains($0) }
        let host = authority.lastIndex(of: "@").map { authority[authority.index(after: $0)...] } ?? authority
        let path = rest[authority.endIndex...]
        return url[..<scheme.upperBound] + host + (path.isEmpty || path == "/" ? "" : "/…")
    }

    /// One URL and nothing else (a config value): its user info is found as libcurl finds it,
    /// white space and all, which running text cannot be searched for.
    public static func redactURL(_ url: String) -> String {
        // Each way of finding user info ends it at an `@`; without one, skip the searches (`list`
        // and `export-opml` redact every configured feed's URL: 40 K instructions a URL without this).
        guard url.utf8.contains(UInt8(ascii: "@")) else { return redact(url) }
        guard let range = URLUserInfo.range(in: url) ?? looseUserInfo(in: url) ?? misspeltUserInfo(in: url) else {
            return redact(url)
        }
        let bytes = Array(url.utf8)
        let info = bytes[range.lowerBound..<(range.upperBound - 1)]
        var output = Array(bytes[..<range.lowerBound])
        if let colon = info.firstIndex(of: UInt8(ascii: ":")) { output += bytes[range.lowerBound...colon] }
        output += Array(mask.utf8) + bytes[(range.upperBound - 1)...]
        return String(decoding: output, as: UTF8.self)
    }

    /// In a URL whose password holds `#`, `?` or `/` (which libcurl and `URLUserInfo` take for
    /// the end of the host): up to its last `@`, when what comes before has a `:`.
    private static func looseUserInfo(in url: String) -> Range<Int>? {
        let bytes = Array(url.utf8)
        guard let scheme = url.utf8.firstRange(of: "://".utf8).map({ url.utf8.distance(from: url.utf8.startIndex, to: $0.upperBound) }),
              let at = bytes.lastIndex(of: UInt8(ascii: "@")), at > scheme,
              bytes[scheme..<at].contains(UInt8(ascii: ":")) else { return nil }
        return scheme..<(at + 1)
    }

    /// In a URL whose scheme lost a character of its `://` (`http:/u:pw@host`, `https:u:pw@host`,
    /// `http//u:pw@host`), which is refused and so printed: from past the scheme and its slashes
    /// up to the last `@`, when that holds a `:` before any `/` (else it is a path, `a/b@2x.png`).
    /// Only what comes before the query or fragment is looked at (a `://` there is another URL's),
    /// and user info without a `:` is masked whole, as a token, when it holds no `/`.
    private static func misspeltUserInfo(in url: String) -> Range<Int>? {
        let all = Array(url.utf8)
        let bytes = all.prefix { $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
        guard bytes.firstRange(of: Array("://".utf8)) == nil, let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return nil }
        var start = bytes.prefix { isSchemeByte($0) }.count
        guard start < bytes.count, bytes[start] == UInt8(ascii: ":") || bytes[start] == UInt8(ascii: "/") else { return nil }
        while start < at, [UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "\\")].contains(bytes[start]) { start += 1 }
        let info = bytes[start..<at]
        guard !info.isEmpty else { return nil }
        if let colon = info.firstIndex(of: UInt8(ascii: ":")) {
            guard info.firstIndex(of: UInt8(ascii: "/")).map({ colon < $0 }) ?? true else { return nil }
        } else if info.contains(UInt8(ascii: "/")) {
            return nil
        }
        return start..<(at + 1)
    }

    private static func isSchemeByte(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
    }

    /// `://user:secret@` → `://user:***@`; the user name stays, it helps to tell feeds apart.
    /// User info without a password is masked whole (`://***@`): it may be a token.
    static func redactUserInfo(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard startsScheme(bytes, at: index) else { output.append(bytes[index]); index += 1; continue }
            output += bytes[index..<(index + 3)]
            index += 3
            var end = index
            while end < bytes.count, !endsAuthority(bytes[end]) { end += 1 }
            // The last `@` of the authority ends the user info (a password may hold `@` too).
            guard let at = lastAt(bytes, index, end) else { continue }
            // `token:@` (an empty password) is a token as user name: masked whole too.
            if let colon = bytes[index..<at].firstIndex(of: UInt8(ascii: ":")), colon + 1 < at { output += bytes[index...colon] }
            output += Array(mask.utf8)
            index = at
        }
        return output
    }

    /// The values of `password=`, `token=` and their kin masked (`secretNames`, `secretEndings`).
    static func redactSecretKeys(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            output.append(bytes[index])
            index += 1
            guard bytes[index - 1] == UInt8(ascii: "="), isSecretName(before: index - 1, in: bytes) else { continue }
            // libpq reads `password = x` as `password=x`, whatever the white space.
            while index < bytes.count, isSpace(bytes[index]) { output.append(bytes[index]); index += 1 }
            output += Array(mask.utf8)
            index = valueEnd(bytes, from: index)
        }
        return output
    }

    /// Where the value starting at `start` ends. A value in single quotes (libpq's way to write a
    /// password holding a space or a quote, `password='it\'s x'`) ends at its closing quote; any
    /// other at white space or a separator, or at the `: ` after a URL an error message quotes.
    private static func valueEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start
        if index < bytes.count, bytes[index] == UInt8(ascii: "'") {
            index += 1
            while index < bytes.count, bytes[index] != UInt8(ascii: "'") {
                index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            return min(index + 1, bytes.count)
        }
        // libpq takes a double quote as part of the password (`password="x"`).
        if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
            index += 1
            while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] > 0x20 { index += 1 }
            return min(index + (index < bytes.count && bytes[index] == UInt8(ascii: "\"") ? 1 : 0), bytes.count)
        }
        while index < bytes.count, !endsValue(bytes[index]) {
            if bytes[index] == UInt8(ascii: ":"), index + 1 == bytes.count || bytes[index + 1] == UInt8(ascii: " ") { break }
            // libpq reads `\ ` in an unquoted value as a space of the value (`password=a\ b`).
            index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
        }
        return min(index, bytes.count)
    }

    /// Names whose value is a secret, in connection strings and query strings (`password=`,
    /// `?token=`, `&api_key=`, `client_secret=`...), as a whole name or its end.
    private static let secretNames: Set<String> = ["pwd", "pass", "session", "jwt"]
    /// `sessionid` and `sessid` as endings: Java's `;jsessionid=`, PHP's `PHPSESSID=`.
    private static let secretEndings = ["password", "passwd", "token", "secret", "apikey", "api_key", "api-key",
                                        "access_key", "secret_key", "private_key", "signature", "credential",
                                        "sessionid", "sessid"]
    /// Short names that are secrets in a URL's query (`?key=`, `&sig=`, an OAuth `code=`, a CAS
    /// `ticket=`, a private feed's `hash=`), and log fields elsewhere; so is any query name ending
    /// in `key` (a tracker's `passkey=`, `authkey=`, `rsskey=`).
    private static let queryOnlyNames: Set<String> = ["key", "sig", "auth", "sid", "code", "ticket", "hash"]

    private static func containsSecretKey(_ bytes: [UInt8]) -> Bool {
        bytes.indices.contains { bytes[$0] == UInt8(ascii: "=") && isSecretName(before: $0, in: bytes) }
    }

    /// Whether the name that ends at the `=` at `equals` (spaces between allowed, as libpq allows
    /// them) is a secret's. A name is read percent-decoded: a server reads `t%6fken=` as `token=`.
    private static func isSecretName(before equals: Int, in bytes: [UInt8]) -> Bool {
        var end = equals
        while end > 0, isSpace(bytes[end - 1]) { end -= 1 }
        var start = end
        while start > 0, isNameByte(bytes[start - 1]) || bytes[start - 1] == UInt8(ascii: "%") { start -= 1 }
        guard start < end, end - start <= 60 else { return false }
        let name = String(decoding: percentDecoded(bytes[start..<end]).map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 },
                          as: UTF8.self)
        if secretNames.contains(name) || secretEndings.contains(where: name.hasSuffix) { return true }
        return start > 0 && (bytes[start - 1] == UInt8(ascii: "?") || bytes[start - 1] == UInt8(ascii: "&"))
            && (queryOnlyNames.contains(name) || name.hasSuffix("key"))
    }

    /// White space as libpq's `isspace` reads it around `=`: space, tab, line breaks, VT, FF.
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    private static func percentDecoded(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "%")) else { return Array(bytes) }
        var output: [UInt8] = [], index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.endIndex,
               let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16) {
                output.append(value)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    private static func startsScheme(_ bytes: [UInt8], at index: Int) -> Bool {
        index + 3 <= bytes.count && bytes[index] == UInt8(ascii: ":") && bytes[index + 1] == UInt8(ascii: "/")
            && bytes[index + 2] == UInt8(ascii: "/")
    }

    private static func lastAt(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int? {
        bytes[start..<end].lastIndex(of: UInt8(ascii: "@"))
    }

    /// Where an authority ends: its path, query or fragment, or white space in running text. Not
    /// at `&`, `;` or a quote, which a password may hold unencoded (libcurl sends it as written).
    private static func endsAuthority(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") || byte <= 0x20
    }

    /// A double quote does not end a value: libpq keeps it in a password (`password=a"b`), and
    /// values are redacted before a log line quotes them.
    private static func endsValue(_ byte: UInt8) -> Bool {
        byte <= 0x20 || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: ";")
    }
}
