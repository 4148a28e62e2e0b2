public import FeedModel
internal import Fetch
public import Logging

/// Fits the transfers at once to the open-file limit (`DescriptorBudget`), which the crawler
/// has raised to its hard limit. Past it every connect failed with EMFILE, said as the feed's
/// server refusing; under the limit the crawl is slower, and says why once.
public enum OpenFileLimit {
    /// The configuration with `concurrency:` (and per-host values) at most what the limit allows;
    /// logs a warning when it lowered them and `logger` is given (at start, not at each reload).
    public static func fitted(_ config: CrawlerConfig, logger: Logger? = nil) -> CrawlerConfig {
        let allowed = DescriptorBudget.transfers()
        guard config.concurrency > allowed else { return config }
        var fitted = config
        fitted.concurrency = allowed
        fitted.perHostConcurrency = min(config.perHostConcurrency, allowed)
        fitted.hostRules = config.hostRules.map { rule in
            var rule = rule
            rule.concurrency = min(rule.concurrency, allowed)
            return rule
        }
        let reason = "the open-file limit leaves room for \(allowed) transfer\(allowed == 1 ? "" : "s") at once, not \(config.concurrency): "
            + "raise LimitNOFILE= (or ulimit -n) to crawl at the configured concurrency"
        logger?.warning("open_file_limit", metadata: [
            "limit": "\(DescriptorBudget.openFileLimit())", "concurrency": "\(config.concurrency)", "allowed": "\(allowed)",
            "reason": "\(reason)",
        ])
        return fitted
    }
}
