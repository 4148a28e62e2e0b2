import CrawlerApp
import FeedModel
import Fleet

extension StoreCommand.Rerender {
    /// With a shared database the documents are rows: they are rendered again there, and each
    /// folder `posts sync` writes gets the new texts (and places) at its next sync.
    func runInFleet(_ settings: CrawlerConfig) throws {
        let database = try FleetSetup.open(settings)
        let progress = RerenderProgress()
        let report: StoreRerender.Report
        do {
            report = try FleetRerender(config: settings, database: database, feed: feed, dryRun: dryRun).run(progress: progress.draw)
        } catch {
            progress.finish()
            printError("crawler: \(error)")
            throw ExitStatus.storeUnavailable
        }
        progress.finish()
        if report.withoutSource > 0 {
            printOutput("left \(report.withoutSource) documents as they are: stored before source values were kept")
        }
        for (name, count) in report.unknownFeeds.sorted(by: { $0.key < $1.key }) {
            printOutput("left \(count) documents of feed '\(name)' as they are: it is not in the configuration")
        }
        printOutput((dryRun ? "would rewrite" : "rewrote") + " \(report.rewritten) of \(report.examined) documents in "
                    + "\(database.displayURL) (\(report.moved) moved, \(report.unchanged) already up to date)"
                    + (dryRun || report.rewritten == 0 ? "" : "; posts sync writes them to its folder"))
    }
}
