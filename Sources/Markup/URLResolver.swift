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
        let directory = parts.path.lastIndex(of: "/").map { String(parts.path[...$0]) } ?? "/"
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
        let queryStart = path.firstIndex(where: { $0 == "?" || $0 == "#" }) ?? path.endIndex
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
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        scheme = String(url[..<schemeEnd.lowerBound])
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: URLParts.endsAuthority) ?? rest.endIndex
        authority = String(rest[..<authorityEnd])
        let afterAuthority = rest[authorityEnd...]
        let pathEnd = afterAuthority.firstIndex(where: URLParts.endsPath) ?? afterAuthority.endIndex
        let rawPath = String(afterAuthority[..<pathEnd])
        path = rawPath.isEmpty ? "/" : rawPath
        withoutFragment = String(url[..<(url.firstIndex(of: "#") ?? url.endIndex)])
    }

    static func endsAuthority(_ character: Character) -> Bool {
        character == "/" || character == "?" || character == "#"
    }

    static func endsPath(_ character: Character) -> Bool {
        character == "?" || character == "#"
    }
}
