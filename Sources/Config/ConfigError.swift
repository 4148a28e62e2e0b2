// Config: feeds.yaml text → a validated CrawlerConfig. Every error names the file, line and key.

/// A problem in feeds.yaml, located as precisely as the YAML allows.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based line, 0 when the problem concerns the whole file.
    public var line: Int
    /// Dotted key path, e.g. `feeds[3].interval`; empty for file-level problems.
    public var key: String
    public var message: String

    public init(file: String, line: Int, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        let place = line > 0 ? "\(file):\(line)" : file
        return key.isEmpty ? "\(place): \(message)" : "\(place): \(key): \(message)"
    }
}
