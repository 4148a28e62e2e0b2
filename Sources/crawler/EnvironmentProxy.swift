import FeedModel
import Foundation
import Logging

/// libcurl sends a feed without a `proxy:` of its own through the proxy the environment names
/// (`http_proxy`, `https_proxy`, `all_proxy`), loopback included. Round 57: a login shell's
/// exported proxy crawled otherwise than systemd, its answers stored as the feeds', and no line
/// said a proxy was in the way. Said once at start.
enum EnvironmentProxy {
    /// libcurl's names: `http_proxy` only in lower case (the upper-case one is a CGI request's
    /// header), the others in either.
    static let names = ["http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"]

    static func say(_ settings: CrawlerConfig, logger: Logger) {
        let environment = ProcessInfo.processInfo.environment
        // Each value's user information redacted as a URL's, however it is written (`htpp://`, a
        // slash or a quote in the password): the log's own redaction knows only well-formed ones.
        let set = names.compactMap { name in
            environment[name].flatMap { $0.isEmpty ? nil : "\(name)=\(SecretRedaction.redactURL($0))" }
        }
        guard set.contains(where: { !$0.lowercased().hasPrefix("no_proxy=") }) else { return }
        let reason = settings.proxy == nil
            ? "feeds without a proxy: of their own are fetched through the environment's proxy, loopback included "
                + "unless no_proxy names it (no_proxy=127.0.0.1,localhost); set proxy: in feeds.yaml to choose"
            : "the global proxy: in feeds.yaml is used instead"
        logger.notice("proxy_from_environment", metadata: ["variables": "\(set.joined(separator: " "))", "reason": "\(reason)"])
    }
}
