public import FeedModel
public import Logging

/// Settings a running daemon cannot change on SIGHUP: the store it has open (and how documents
/// are laid out and written in it) and the fleet's database. A reload that changes one keeps the
/// running value and says, naming the key, that a restart is needed.
public enum RestartSettings {
    /// The keys `keepingRunning` would keep at their running values.
    static func changedKeys(_ fresh: CrawlerConfig, running: CrawlerConfig) -> [String] {
        var keys: [String] = []
        if fresh.storePath != running.storePath { keys.append("store") }
        if fresh.output != running.output { keys.append("output") }
        if fresh.documentPath != running.documentPath { keys.append("document_path") }
        if fresh.database != running.database { keys.append("database") }
        return keys
    }

    public static func keepingRunning(_ fresh: CrawlerConfig, running: CrawlerConfig, logger: Logger) -> CrawlerConfig {
        var kept = fresh
        func keep<Value: Equatable>(_ key: String, _ path: WritableKeyPath<CrawlerConfig, Value>, shown: (Value) -> String) {
            guard fresh[keyPath: path] != running[keyPath: path] else { return }
            kept[keyPath: path] = running[keyPath: path]
            logger.warning("restart_needed", metadata: [
                "key": "\(key)",
                "reason": "\(key): changed; the running crawler keeps \(shown(running[keyPath: path])) until it is restarted",
            ])
        }
        keep("store", \.storePath) { $0 }
        keep("output", \.output) { $0.name }
        keep("document_path", \.documentPath) { $0 }
        keep("database", \.database) { $0.map(SecretRedaction.redact) ?? "no database" }
        return kept
    }
}
