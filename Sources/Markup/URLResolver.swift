/// Resolves a reference against a base URL (RFC 3986, section 5.2), without Foundation,
/// so that relative links in feeds come out the same on every platform.
public enum URLResolver {
    public static func resolve(_ reference: String, against base: String?) -> String {
        let trimmed = reference.trimmingASCIISpaces()
        guard let base, !base.isEmpty, !hasScheme(trimmed) else { return trimmed }
        guard let parts = URLParts(base) else { return trimmed }
        if trimmed.hasPrefix("//") { return parts.scheme + ":" + trimmed }
        if trimmed.isEmpty { return parts.withoutFragment }
        if trimmed.hasPrefix("#") { return parts.withoutFragment + trimmed }
        if trimmed.hasPrefix("?") { return parts.scheme + "://" + parts.authority + parts.path + trimmed }
        if trimmed.hasPrefix("/") { return parts.scheme + "://" + parts.authority + removeDotSegments(trimmed) }
        let directory = parts.path.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(parts.path[...$0]) } ?? "/"
        return parts.scheme + "://" + parts.authority + removeDotSegments(directory + trimmed)
    }

    /// True when `text` starts with `scheme:`.
    public static func hasScheme(_ text: String) -> Bool {
        // Bytes, not Characters: this runs for every link of every item.
        var length = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ":") { return length > 0 }
            let isLetter = (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
            let isOther = (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            guard isLetter || (length > 0 && isOther) else { return false }
            length += 1
        }
        return false
    }

    private static func removeDotSegments(_ path: String) -> String {
        let utf8 = path.utf8
        let queryStart = utf8.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) ?? path.endIndex
        // The common path has no "." or ".." segment: leave it as it is.
        let hasDotSegment = utf8[..<queryStart].first == UInt8(ascii: ".")
            || zip(utf8[..<queryStart], utf8[..<queryStart].dropFirst())
                .contains { $0 == UInt8(ascii: "/") && $1 == UInt8(ascii: ".") }
        guard hasDotSegment else { return path }
        let segments = path[..<queryStart].split(separator: "/", omittingEmptySubsequences: false)
        var output: [Substring] = []
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            switch segment {
            case ".": if isLast { output.append("") }
            case "..":
                if output.count > 1 { output.removeLast() }
                if isLast { output.append("") }
            default: output.append(segment)
            }
        }
        return output.joined(separator: "/") + path[queryStart...]
    }
}

private struct URLParts {
    let scheme: String
    let authority: String
    let path: String
    let withoutFragment: String

    init?(_ url: String) {
        // Byte offsets into the UTF-8 view: Character searches cost more than the whole resolve.
        let utf8 = url.utf8
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")),
              utf8[colon...].starts(with: "://".utf8) else { return nil }
        scheme = String(url[..<colon])
        let authorityStart = utf8.index(colon, offsetBy: 3)
        let authorityEnd = utf8[authorityStart...].firstIndex(where: URLParts.endsAuthority) ?? url.endIndex
        authority = String(url[authorityStart..<authorityEnd])
        let pathEnd = utf8[authorityEnd...].firstIndex(where: URLParts.endsPath) ?? url.endIndex
        let rawPath = String(url[authorityEnd..<pathEnd])
        path = rawPath.isEmpty ? "/" : rawPath
        withoutFragment = String(url[..<(utf8.firstIndex(of: UInt8(ascii: "#")) ?? url.endIndex)])
    }

    static func endsAuthority(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")
    }

    static func endsPath(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")
    }
}
