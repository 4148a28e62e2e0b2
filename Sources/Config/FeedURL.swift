internal import FeedModel

/// Just enough URL understanding to validate a feed URL and derive its default name.
struct FeedURL {
    let scheme: String
    let host: String
    let path: String

    // Read as UTF-8 bytes: every delimiter is ASCII, and a config with thousands of feeds
    // checks thousands of URLs at every start.
    init?(_ text: String) {
        let bytes = text.utf8
        guard bytes.count <= Self.maximumBytes, !bytes.contains(where: { $0 <= UInt8(ascii: " ") || $0 == 0x7F }),
              let schemeEnd = Self.firstSchemeSeparator(in: bytes) else { return nil }
        scheme = String(text[..<schemeEnd]).lowercased()
        guard ["http", "https", "file"].contains(scheme) else { return nil }
        let rest = text.utf8[text.utf8.index(schemeEnd, offsetBy: 3)...]
        let hostEnd = rest.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") })
            ?? rest.endIndex
        // user:password@ is no part of the host: a name made from it would print the password.
        let authority = text.utf8[rest.startIndex..<hostEnd]
        let hostStart = authority.lastIndex(of: UInt8(ascii: "@")).map { authority.index(after: $0) } ?? rest.startIndex
        host = String(text[hostStart..<hostEnd])
        guard scheme == "file" || !host.isEmpty else { return nil }
        // Read as libcurl reads it: a `#`, `?` or `/` in a password ends the host there, and what
        // is left of it (`reader:Xy7`) is no host and port.
        guard scheme == "file" || URLAuthority(text) != nil else { return nil }
        let pathEnd = rest[hostEnd...].firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") })
            ?? rest.endIndex
        path = String(text[hostEnd..<pathEnd])
    }

    private static func firstSchemeSeparator(in bytes: String.UTF8View) -> String.Index? {
        var index = bytes.startIndex
        while let colon = bytes[index...].firstIndex(of: UInt8(ascii: ":")) {
            if bytes[bytes.index(after: colon)...].starts(with: "//".utf8) { return colon }
            index = bytes.index(after: colon)
        }
        return nil
    }

    /// Far past any real feed's URL (servers refuse request lines past 8 KB): a URL of megabytes
    /// was taken, and stored with every state and log line of its feed.
    static let maximumBytes = 8_192

    /// Why `text` is not a feed URL, for the message that refuses it.
    static func problem(with written: String) -> String {
        // The message is printed and logged: a password that makes the URL invalid (a space in
        // it) must not be.
        if written.utf8.count > maximumBytes {
            return "'\(escaped(String(written.prefix(60))))…' is \(written.utf8.count) bytes long; a feed's url may be \(maximumBytes) at most"
        }
        let text = SecretRedaction.redactURL(written)
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "'\(escaped(text))' holds a line break or another control character; write it as %0A, %09..."
        }
        // newsboat's own kinds of feed (`query:`, `exec:`, `filter:`) are no URL, spaces or not:
        // advice to write a space as %20 could not help (round 63, `newsboat -e`).
        if let colon = text.firstIndex(of: ":"), ["query", "exec", "filter"].contains(text[..<colon].lowercased()) {
            return "'\(text)' is a newsboat \(text[..<colon].lowercased()) feed, not an http:// or https:// URL"
        }
        if text.unicodeScalars.contains(" ") {
            return "'\(text)' contains a space; write a space in a URL as %20"
        }
        if FeedURL.hasUnreadableAuthority(written) {
            return "'\(text)': its host and port cannot be read (a #, ?, / or @ in a user name or password ends "
                + "the host: write them as %23, %3F, %2F and %40)"
        }
        return "'\(text)' is not an http://, https:// or file:// URL"
    }

    private static func hasUnreadableAuthority(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return (lowered.hasPrefix("http://") || lowered.hasPrefix("https://")) && URLAuthority(text) == nil
    }

    /// Controls written as escapes, so that the message stays one line.
    private static func escaped(_ text: String) -> String {
        text.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\n": return "\\n"
            case "\t": return "\\t"
            case "\r": return "\\r"
            default: return scalar.value < 0x20 || scalar.value == 0x7F ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
            }
        }.joined()
    }

    /// host + path without a trailing slash, e.g. `rsshub.example/sina/finance`.
    var defaultName: String {
        var name = host + path
        while name.hasSuffix("/") { name.removeLast() }
        return name.isEmpty ? "feed" : name
    }
}

/// The names and comparisons feeds.yaml uses for URLs, for the commands that add feeds to it.
public enum FeedURLNaming {
    /// The name a feed gets when feeds.yaml gives it none: host (with its port) + path.
    public static func defaultName(for url: String) -> String {
        FeedURL(url)?.defaultName ?? url
    }

    /// Why `url` cannot be a feed's url in feeds.yaml, or nil when it can.
    public static func problem(with url: String) -> String? {
        FeedURL(url) == nil ? FeedURL.problem(with: url) : nil
    }
}
