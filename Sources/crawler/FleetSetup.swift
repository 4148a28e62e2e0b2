import ArgumentParser
import FeedModel
import Fleet
import Foundation
import Logging

/// Opening the shared database a configuration names (or `CRAWLER_DATABASE_URL`, which wins, so
/// the secret part can stay out of feeds.yaml).
enum FleetSetup {
    static let environmentKey = "CRAWLER_DATABASE_URL"

    static func applyingEnvironment(_ config: CrawlerConfig) -> CrawlerConfig {
        var config = config
        if let url = ProcessInfo.processInfo.environment[environmentKey], !url.isEmpty { config.database = url }
        return config
    }

    /// Connects (and migrates); a failure is printed and logged, exit status 3.
    static func open(_ settings: CrawlerConfig, node: String? = nil, logger: Logger? = nil) throws -> FleetDatabase {
        guard let url = settings.database else {
            printError("crawler: this needs a shared database: set `database: postgresql://...` in the configuration "
                       + "or \(environmentKey)")
            throw ExitStatus.configError
        }
        // A database from the environment: feeds.yaml's check of the lease did not know of it.
        guard settings.lease >= 2 * settings.timeout else {
            printError("crawler: lease: \(Int(settings.lease))s must be at least twice the timeout (\(Int(settings.timeout))s) "
                       + "in a fleet: a node renews its leases between transfers; set lease: in the configuration")
            throw ExitStatus.configError
        }
        do {
            return try FleetDatabase(url: url, node: node ?? FleetDatabase.defaultNodeName())
        } catch {
            logger?.error("database", metadata: ["error": "\(error)"])
            printError("crawler: \(error)")
            throw ExitStatus.storeUnavailable
        }
    }
}
