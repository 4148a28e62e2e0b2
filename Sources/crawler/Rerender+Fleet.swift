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
        say(report, in: database.displayURL,
            then: dryRun || report.rewritten == 0 ? "" : "; posts sync writes them to its folder")
    }
}
