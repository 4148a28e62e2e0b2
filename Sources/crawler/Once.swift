import ArgumentParser
import Config
import CrawlerApp
import FeedModel
import Foundation
import Logging
import Store

struct Once: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "once",
        abstract: "Fetch every feed once, store what is new, print a summary, and exit.",
        discussion: """
            Exit status: 0 when every feed succeeded, 1 when some failed (the others are stored), \
            2 on a configuration error (nothing is fetched), 3 when the store cannot be opened.
            """
    )

    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String = "feeds.yaml"

    @Option(name: .long, help: "Only this feed: its name or its URL.")
    var feed: String?

    @Option(name: .long, help: "This node's name in a fleet (with `database:`); default HOSTNAME:PID.")
    var node: String?

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = try logging.makeLogger()
        let settings = try CrawlSetup.load(config, logger: logger)
        if settings.database != nil { return try await runInFleet(settings, logger: logger) }
        let feeds = try selectFeeds(settings.feeds, logger: logger)
        let summary = try await crawl(feeds, settings: settings, logger: logger)
        printOutput(SummaryTable.render(summary, storePath: settings.storePath))
        // The store was closed as `crawl` returned; all that is left is freeing the pass's reports
        // and the configuration object by object (~2 ms at 1,000 feeds), which the exit does at once.
        ProcessEnd.now(summary.failed > 0 ? ExitStatus.someFeedsFailed : .success)
    }

    /// One pass over `feeds`, in a store opened here and closed on return (its last reference
    /// goes with this function's locals).
    private func crawl(_ feeds: [FeedConfig], settings: CrawlerConfig, logger: Logger) async throws -> PassSummary {
        let store: DocumentStore
        do {
            store = try DocumentStore(config: settings)
        } catch {
            logger.error("store", metadata: ["error": "\(error)"])
            printError("crawler: \(error)")
            throw ExitStatus.storeUnavailable
        }
        if !store.recovery.isEmpty {
            logger.warning("store_recovery", metadata: [
                "removed_temp_files": "\(store.recovery.removedTemporaryFiles)",
                "completed": "\(store.recovery.completedDocuments)",
                "forgotten": "\(store.recovery.forgottenDocuments)",
            ])
        }
        let pipeline = try Pipeline(config: settings, logger: logger)
        let signals = SignalWatcher()  // Ctrl-C stops transfers in flight and keeps what is stored
        let progress = ProgressLine(total: feeds.count)
        let summary = await pipeline.runOnce(feeds: feeds, store: store, isCancelled: { signals.shutdownRequested },
                                             progress: progress.record)
        progress.finish()
        return summary
    }

    /// One node's share: claim and crawl due feeds until none is left unclaimed.
    private func runInFleet(_ settings: CrawlerConfig, logger: Logger) async throws {
        if feed != nil {
            printError("crawler: --feed is not available with a shared database: feeds are claimed, not chosen")
            throw ExitStatus.configError
        }
        let database = try FleetSetup.open(settings, node: node, logger: logger)
        let signals = SignalWatcher()
        let worker = try FleetWorker(configPath: config, config: settings, database: database, logger: logger,
                                     signals: signals, environment: [:])
        let summary: PassSummary
        do {
            summary = try await worker.runUntilIdle()
        } catch {
            logger.error("database", metadata: ["error": "\(error)"])
            printError("crawler: \(error)")
            throw ExitStatus.storeUnavailable
        }
        printOutput(SummaryTable.render(summary, storePath: database.displayURL))
        if summary.failed > 0 { throw ExitStatus.someFeedsFailed }
    }

    private func selectFeeds(_ feeds: [FeedConfig], logger: Logger) throws -> [FeedConfig] {
        guard let wanted = feed else { return feeds }
        let chosen = feeds.filter { $0.name == wanted || $0.url == wanted }
        guard chosen.isEmpty else { return chosen }
        let names = feeds.map(\.name).joined(separator: ", ")
        printError("crawler: no feed named or at '\(wanted)' in \(config); feeds: \(names)")
        throw ExitStatus.configError
    }
}
