import ArgumentParser
import Config
import FeedModel
import Fleet
import Foundation
import Logging

/// Opening the shared database a configuration names (or `CRAWLER_DATABASE_URL`, which wins, so
/// the secret part can stay out of feeds.yaml).
enum FleetSetup {
    static let environmentKey = "CRAWLER_DATABASE_URL"

    /// `--node` must be a name (`NodeNames`), and names a node of a fleet: without a database it was ignored, and the "node" crawled
    /// every feed into a store of its own beside the fleet (round 61).
    static func checkNode(_ node: String?, settings: CrawlerConfig, config: String) throws {
        if let node, let problem = NodeNames.problem(with: node) {
            printError("crawler: --node: \(problem)")
            throw ExitStatus.configError
        }
        guard node != nil, settings.database == nil else { return }
        printError("crawler: --node names a node of a fleet, and \(config) has no database: (nor is \(environmentKey) set): "
                   + "this would crawl every feed into a store of its own; set database:, or leave --node out")
        throw ExitStatus.configError
    }

    static func applyingEnvironment(_ config: CrawlerConfig) -> CrawlerConfig {
        var config = config
        if let url = ProcessInfo.processInfo.environment[environmentKey], !url.isEmpty { config.database = url }
        return config
    }

    /// Connects (and migrates); a failure is printed and logged, exit status 3.
    /// `asNode`: a crawling node (`run`, `once`), whose name no other process may be running under.
    static func open(_ settings: CrawlerConfig, node: String? = nil, asNode: Bool = false, logger: Logger? = nil) throws -> FleetDatabase {
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
            let database = try FleetDatabase(url: url, node: node ?? FleetDatabase.defaultNodeName())
            if asNode, !(try database.holdName()) {
                let holder = database.nameHolder().map { " (\($0))" } ?? ""
                let message = "another crawler runs as node '\(database.node)' on this database\(holder): two nodes under "
                    + "one name would both crawl every feed; give each its own --node"
                logger?.error("node_name", metadata: ["node": "\(database.node)", "error": "\(message)"])
                printError("crawler: \(message)")
                throw ExitStatus.storeUnavailable
            }
            return database
        } catch let exit as ExitCode {
            throw exit
        } catch {
            logger?.error("database", metadata: ["error": "\(error)"])
            printError("crawler: \(error)")
            throw ExitStatus.storeUnavailable
        }
    }
}
