public import FeedModel
public import Logging

/// Settings a running daemon cannot change on SIGHUP: the store it has open (and how documents
/// are laid out and written in it) and the fleet's database. A reload that changes one keeps the
/// running value and says, naming the key, that a restart is needed.
public enum RestartSettings {
    /// `fresh` with those settings at their running values, and the keys that were held back
    /// (each logged as `restart_needed`, and shown by `status` until a restart).
    public static func keepingRunning(_ fresh: CrawlerConfig, running: CrawlerConfig,
                                      logger: Logger) -> (config: CrawlerConfig, held: [String]) {
        var kept = fresh
        var held: [String] = []
        func keep<Value: Equatable>(_ key: String, _ path: WritableKeyPath<CrawlerConfig, Value>, shown: (Value) -> String) {
            guard fresh[keyPath: path] != running[keyPath: path] else { return }
            kept[keyPath: path] = running[keyPath: path]
            held.append(key)
            logger.warning("restart_needed", metadata: [
                "key": "\(key)",
                "reason": "\(key): changed; the running crawler keeps \(shown(running[keyPath: path])) until it is restarted",
            ])
        }
        keep("store", \.storePath) { $0 }
        keep("output", \.output) { $0.name }
        keep("document_path", \.documentPath) { $0 }
        keep("database", \.database) { $0.map(SecretRedaction.redact) ?? "no database" }
        return (kept, held)
    }
}
