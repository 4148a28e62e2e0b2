// Config: feeds.yaml text → a validated CrawlerConfig. Every error names the file, line and key.

/// A problem in feeds.yaml, located as precisely as the YAML allows.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based line, 0 when the problem concerns the whole file.
    public var line: Int
    /// Dotted key path, e.g. `feeds[3].interval`; empty for file-level problems.
    public var key: String
    public var message: String
    /// The name of the feed whose entry is at fault, when it gave one: a reload's message in the
    /// journal is read after the file has changed, and its line may no longer be that feed's.
    public var feed: String?
    /// The problems of later feed entries, so that one run names every broken entry.
    public var further: [ConfigError] = []
    /// How many of `further` the description lists; the rest are counted.
    static let listed = 10

    public init(file: String, line: Int, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    /// One line per problem, the first as before (callers put `crawler: ` ahead of it).
    public var description: String {
        // Ten lines in all, this one's first (round 58: eleven were listed before the count).
        var lines = [located]
        lines += further.prefix(Self.listed - 1).map(\.located)
        if further.count > Self.listed - 1 {
            let more = further.count - (Self.listed - 1)
            lines.append("and \(more) more problem\(more == 1 ? "" : "s") in \(file)")
        }
        return lines.joined(separator: "\n")
    }

    private var located: String {
        let place = line > 0 ? "\(file):\(line)" : file
        let named = feed.map { " (feed '\($0)')" } ?? ""
        return key.isEmpty ? "\(place): \(message)" : "\(place): \(key)\(named): \(message)"
    }
}
