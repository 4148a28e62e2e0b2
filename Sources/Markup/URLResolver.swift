/// Resolves a reference against a base URL (RFC 3986, section 5.2), without Foundation,
/// so that relative links in feeds come out the same on every platform.
public enum URLResolver {
    public static func resolve(_ reference: String, against base: String?) -> String {
        var trimmed = reference.trimmingASCIISpaces()
        if let (scheme, rest) = webScheme(trimmed) {
            guard !rest.hasPrefix("//") else { return scheme + ":" + rest }
            // Relative to a base of the same scheme, as browsers read it; another host otherwise.
            if let base = webBase(base), base.utf8.prefix(scheme.utf8.count + 1).map({ $0 | 0x20 }).elementsEqual((scheme + ":").utf8) {
                // A path, even with a colon in it (`https:javascript:x` is `./javascript:x`).
                return resolve(hasScheme(rest) ? "./" + rest : rest, against: base)
            }
            return scheme + "://" + rest.drop { $0 == "/" }
        }
        guard let base, !base.isEmpty, !hasScheme(trimmed) else { return trimmed }
        guard let parts = URLParts(base) else { return trimmed }
        if webBase(base) != nil { trimmed = slashed(trimmed) }
        switch ReferenceStart(trimmed) {
        case .empty: return parts.withoutFragment
        case .networkPath: return parts.scheme + ":" + trimmed
        case .fragment: return parts.withoutFragment + trimmed
        case .query: return parts.origin + parts.path + trimmed
        case .absolutePath: return parts.origin + removeDotSegments(trimmed)
        case .relativePath:
            let path = parts.path
            let directory = path.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(path[...$0]) } ?? "/"
            return parts.origin + removeDotSegments(directory + trimmed)
        }
    }

    /// `https:x`, `https:/x` (or `http:`): a browser reads an http(s) URL without its `//` as relative
    /// to a base of that scheme. The scheme lower-cased, and the rest (its backslashes read as slashes).
    public static func webSchemeWithoutSlashes(_ value: String) -> (scheme: String, rest: String)? {
        webScheme(value).flatMap { $0.rest.hasPrefix("//") ? nil : $0 }
    }

    /// An http(s) URL's scheme, lower-cased, and what follows its colon, backslashes read as slashes.
    /// Nil too for the usual `scheme://…` without a backslash, which needs no second reading.
    private static func webScheme(_ value: String) -> (scheme: String, rest: String)? {
        // Read on the contiguous bytes: every item's link comes here.
        var copy = value
        let colonOffset: Int? = copy.withUTF8 { bytes in
            guard let colon = bytes.prefix(6).firstIndex(of: UInt8(ascii: ":")) else { return nil }
            let lowered = bytes[..<colon].lazy.map { $0 | 0x20 }
            guard lowered.elementsEqual("http".utf8) || lowered.elementsEqual("https".utf8) else { return nil }
            let rest = bytes[(colon + 1)...]
            if rest.starts(with: "//".utf8), !rest.contains(UInt8(ascii: "\\")) { return nil }
            return colon
        }
        guard let colonOffset else { return nil }
        let utf8 = value.utf8
        let colon = utf8.index(utf8.startIndex, offsetBy: colonOffset)
        return (String(value[..<colon]).lowercased(), slashed(String(value[utf8.index(after: colon)...])))
    }

    /// A browser reads a backslash before the query as a slash in an http(s) URL: `\\host/x` is
    /// `//host/x`, another host, not a path under the base's.
    private static func slashed(_ reference: String) -> String {
        let utf8 = reference.utf8
        let end = utf8.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) ?? reference.endIndex
        guard utf8[..<end].contains(UInt8(ascii: "\\")) else { return reference }
        return String(reference[..<end].replacing("\\", with: "/")) + reference[end...]
    }

    /// `base` when it is an http(s) URL, else nil: a relative reference resolved against any other
    /// base (`javascript://%0Aalert(1)//`) would take that base's scheme.
    /// A base longer than any real page's address is none: it was written into every relative
    /// URL of a body (a 100 KB item link made a 114 KB body a 100 MB post, round 62).
    public static let maximumBaseBytes = 2_048

    public static func webBase(_ base: String?) -> String? {
        guard let base, base.utf8.count <= maximumBaseBytes else { return nil }
        let scheme = base.utf8.prefix(8).map { $0 | 0x20 }
        return scheme.starts(with: "http://".utf8) || scheme.starts(with: "https://".utf8) ? base : nil
    }

    /// What a feed's own relative links resolve against: `webBase` without its query and
    /// fragment. Only an empty or fragment-only reference keeps its base's query (RFC 3986), and
    /// such a link names the feed document itself: with the query kept, a token in the feed's URL
    /// (`?token=`) went into every post's `source:` and out as the Referer of its images.
    public static func documentBase(_ url: String?) -> String? {
        guard let base = webBase(url) else { return nil }
        guard let end = base.utf8.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) else {
            return base
        }
        return String(base[..<end])
    }

    /// True when `text` starts with `scheme:`.
    public static func hasScheme(_ text: String) -> Bool {
        hasScheme(utf8: text.utf8)
    }

    /// True when the bytes start with `scheme://`: an absolute URL a browser reads as written.
    public static func hasSchemeAndAuthority<Bytes: Collection<UInt8>>(utf8 bytes: Bytes) -> Bool {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), hasScheme(utf8: bytes) else { return false }
        return bytes[bytes.index(after: colon)...].starts(with: "//".utf8)
    }

    /// The same over bytes (an attribute's value, before it is made a String).
    public static func hasScheme<Bytes: Sequence<UInt8>>(utf8 bytes: Bytes) -> Bool {
        // Bytes, not Characters: this runs for every link of every item.
        var length = 0
        for byte in bytes {
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

/// How a reference starts: `//`, `#`, `?`, `/` or anything else, compared as Characters (as
/// `hasPrefix` compares). When the first three bytes are ASCII the first bytes are the first
/// Characters (nothing combines with them), and bytes are compared: this runs for every link.
private enum ReferenceStart {
    case empty, networkPath, fragment, query, absolutePath, relativePath

    init(_ reference: String) {
        let utf8 = reference.utf8
        guard let first = utf8.first else { self = .empty; return }
        guard utf8.prefix(3).allSatisfy({ $0 < 0x80 }) else { self.init(characters: reference); return }
        let second = utf8.dropFirst().first
        switch first {
        case UInt8(ascii: "/"): self = second == UInt8(ascii: "/") ? .networkPath : .absolutePath
        case UInt8(ascii: "#"): self = .fragment
        case UInt8(ascii: "?"): self = .query
        default: self = .relativePath
        }
    }

    private init(characters reference: String) {
        if reference.hasPrefix("//") { self = .networkPath }
        else if reference.hasPrefix("#") { self = .fragment }
        else if reference.hasPrefix("?") { self = .query }
        else if reference.hasPrefix("/") { self = .absolutePath }
        else { self = .relativePath }
    }
}

/// Where the parts of an absolute `scheme://authority/path?query#fragment` URL end; each part
/// is made into a String only when a resolution asks for it.
private struct URLParts {
    private let url: String
    private let colon: String.Index
    private let authorityEnd: String.Index

    init?(_ url: String) {
        // Byte offsets into the UTF-8 view: Character searches cost more than the whole resolve.
        let utf8 = url.utf8
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")),
              utf8[colon...].starts(with: "://".utf8) else { return nil }
        self.url = url
        self.colon = colon
        let authorityStart = utf8.index(colon, offsetBy: 3)
        authorityEnd = utf8[authorityStart...].firstIndex(where: URLParts.endsAuthority) ?? url.endIndex
    }

    var scheme: String { String(url[..<colon]) }

    /// `scheme://authority`.
    var origin: String { String(url[..<authorityEnd]) }

    var path: String {
        let pathEnd = url.utf8[authorityEnd...].firstIndex(where: URLParts.endsPath) ?? url.endIndex
        return pathEnd == authorityEnd ? "/" : String(url[authorityEnd..<pathEnd])
    }

    var withoutFragment: String {
        String(url[..<(url.utf8.firstIndex(of: UInt8(ascii: "#")) ?? url.endIndex)])
    }

    static func endsAuthority(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")
    }

    static func endsPath(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#")
    }
}
