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
        crawler_limit_malloc_arenas(2)
        crawler_raise_open_file_limit()
        do {
            let settings = FleetSetup.applyingEnvironment(try ConfigLoader.load(path: path))
            _ = try Pipeline(config: settings, logger: logger)
            return settings
        } catch {
            logger.error("config", metadata: ["error": "\(error)", "config": "\(path)"])
            // A ConfigError names the file (and line) itself; a template error its template's.
            let placed = error is ConfigError || (error as? OutputFormat.TemplateError)?.file != nil
            printError(placed ? "crawler: \(error)" : "crawler: \(path): \(error)")
            throw ExitStatus.configError
        }
    }
}
