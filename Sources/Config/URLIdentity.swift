/// When two feed URLs name the same feed though written differently: scheme and host are
/// case-insensitive, `:80` and `:443` are the defaults of http and https, an empty path is `/`,
/// and a fragment never reaches the server. Path and query stay as written (servers may tell
/// their case apart). Used to refuse duplicates in feeds.yaml, `add` and `import-opml`.
public enum URLIdentity {
    public static func key(_ url: String) -> String {
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
}
