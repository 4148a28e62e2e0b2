/// Just enough URL understanding to validate a feed URL and derive its default name.
struct FeedURL {
    let scheme: String
    let host: String
    let path: String

    init?(_ text: String) {
        guard let schemeEnd = text.firstRange(of: "://") else { return nil }
        scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard ["http", "https", "file"].contains(scheme) else { return nil }
        let rest = text[schemeEnd.upperBound...]
        let hostEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        host = String(rest[..<hostEnd])
        guard scheme == "file" || !host.isEmpty, !text.contains(" ") else { return nil }
        let pathEnd = rest[hostEnd...].firstIndex(where: { $0 == "?" || $0 == "#" }) ?? rest.endIndex
        path = String(rest[hostEnd..<pathEnd])
    }

    /// host + path without a trailing slash, e.g. `rsshub.example/sina/finance`.
    var defaultName: String {
        var name = host + path
        while name.hasSuffix("/") { name.removeLast() }
        return name.isEmpty ? "feed" : name
    }
}
