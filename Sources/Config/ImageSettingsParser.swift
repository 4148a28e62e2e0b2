internal import Yams
internal import FeedModel

/// `images:`, `max_image_size:` (globally and per feed; a feed's own over the global) and
/// `assets_url:` (global only).
struct ImageSettingsParser {
    let parser: ConfigParser

    static let feedKeys = ["images", "max_image_size"]
    static let globalKeys = feedKeys + ["assets_url"]

    /// Reads the image keys of one mapping over `defaults` (the global values for a feed).
    func parse(_ reader: MappingReader, into settings: inout ArticleSettings, defaults: ArticleSettings) throws(ConfigError) {
        settings.localImages = defaults.localImages
        settings.maxImageBytes = defaults.maxImageBytes
        if let mode = try reader.string("images") {
            switch mode.lowercased() {
            case "local": settings.localImages = true
            case "remote": settings.localImages = false
            default:
                throw parser.error(at: reader.node("images")!, key: reader.qualified("images"),
                                   "'\(mode)' is not one of local, remote")
            }
        }
        if let size = try reader.size("max_image_size") {
            guard size > 0 else {
                throw parser.error(at: reader.node("max_image_size")!, key: reader.qualified("max_image_size"),
                                   "must be above 0")
            }
            settings.maxImageBytes = size
        }
    }

    /// `assets_url:`: a URL or a path ending in `/`, written into attributes as it is.
    func assetsURL(_ reader: MappingReader) throws(ConfigError) -> String? {
        guard let url = try reader.string("assets_url") else { return nil }
        let unsafe = url.unicodeScalars.contains { $0.value <= 0x20 || "\"'<>\\`".unicodeScalars.contains($0) }
        guard !url.isEmpty, url.hasSuffix("/"), !unsafe else {
            throw parser.error(at: reader.node("assets_url")!, key: "assets_url",
                               "'\(url)' must end with / and hold no spaces or quotes (e.g. /assets/ or https://cdn.example/assets/)")
        }
        // Round 59: `javascript:alert(1)/` passed, and kept images were written with it as their `src`.
        let scheme = url.prefix { $0 != "/" && $0 != ":" }
        if url.dropFirst(scheme.count).hasPrefix(":"), !["http", "https"].contains(scheme.lowercased()) {
            throw parser.error(at: reader.node("assets_url")!, key: "assets_url",
                               "'\(url)' has the scheme \(scheme):; write a path (/assets/) or an http(s) URL")
        }
        return url
    }
}
