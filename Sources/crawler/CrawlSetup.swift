import ArgumentParser
import CLinux
import Config
import Convert
import CrawlerApp
import FeedModel
import Logging

/// What `once` and `run` both need before crawling: a valid configuration whose output
/// template compiles. Either problem is a configuration error (exit 2), logged and printed.
enum CrawlSetup {
    static func load(_ path: String, logger: Logger) throws -> CrawlerConfig {
        crawler_raise_open_file_limit()
        ProcessLimits.warn(logger)
        do {
            let settings = OpenFileLimit.fitted(FleetSetup.applyingEnvironment(try ConfigLoader.load(path: path)), logger: logger)
            _ = try Pipeline(config: settings, logger: logger)
            warnAboutDefaultUserAgent(settings, logger: logger)
            if settings.databasePasswordInFile { logger.warning("database_password", metadata: ["reason": "\(passwordInFile)"]) }
            EnvironmentProxy.say(settings, logger: logger)
            return settings
        } catch {
            logger.error("config", metadata: ["error": "\(error)", "config": "\(path)"])
            // A ConfigError names the file (and line) itself; a template error its template's.
            let placed = error is ConfigError || (error as? OutputFormat.TemplateError)?.file != nil
            printError(placed ? "crawler: \(error)" : "crawler: \(path): \(error)")
            throw ExitStatus.configError
        }
    }

    static let passwordInFile = "database: holds a password; put it in PGPASSWORD or ~/.pgpass, which keep it out of this file"

    /// Site owners who see a crawler misbehave look for whom to tell in its user agent; ours
    /// names no one until the operator sets it. Once per start, so it is seen and not drowned.
    private static func warnAboutDefaultUserAgent(_ settings: CrawlerConfig, logger: Logger) {
        guard settings.userAgent == CrawlerConfig.defaultUserAgent else { return }
        let reason = "the default user agent names no contact; set user_agent: to a contact "
            + "(e.g. \"mycrawler/1.0 (+https://example.net/bot; ops@example.net)\") so site owners can reach you"
        logger.warning("user_agent", metadata: [
            "user_agent": "\(settings.userAgent)",
            "reason": "\(reason)",
        ])
    }
}
