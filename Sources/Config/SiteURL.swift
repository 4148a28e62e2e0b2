internal import FeedModel

/// What a feed's `site_url:` may be: the address of a web page. `export-opml` writes it as an
/// outline's htmlUrl, where a `javascript:` link runs in whatever reader imports the file, and a
/// control or line break (which no URL holds unescaped) breaks the line it is written on.
public enum SiteURL {
    /// Why `text` cannot be a site_url, or nil when it can.
    /// `key` names the setting in the message (`image`, `default_image` are checked alike).
    public static func problem(with text: String, key: String = "site_url") -> String? {
        if text.utf8.count > FeedURL.maximumBytes {
            return "is \(text.utf8.count) bytes long; a \(key) may be \(FeedURL.maximumBytes) at most"
        }
        let shown = TerminalText.oneLine(SecretRedaction.redactURL(text))
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || FeedNames.breaksLines($0) }) {
            return "'\(shown)' holds a line break or another control character"
        }
        if text.contains(" ") { return "'\(shown)' contains a space; write a space in a URL as %20" }
        guard let url = FeedURL(text), url.scheme == "http" || url.scheme == "https" else {
            return "'\(shown)' is not an http:// or https:// URL"
        }
        return nil
    }
}
