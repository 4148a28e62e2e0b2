import ArgumentParser
import CrawlerApp
import FeedModel
import Fleet

extension StoreCommand.Rerender {
    /// With a shared database the documents are rows: they are rendered again there, and each
    /// folder `posts sync` writes gets the new texts (and places) at its next sync.
    func runInFleet(_ settings: CrawlerConfig) throws {
        // The documents are the database's rows; their files are `posts sync`'s.
        if missing {
            printError("crawler: --missing writes again the files of a store on one machine; in a fleet the documents are the "
                       + "database's, and `crawler posts sync` writes their files")
            throw ExitCode.validationFailure
        }
        let database = try FleetSetup.open(settings)
        let report = try withProgress {
            try FleetRerender(config: settings, database: database, feed: feed, dryRun: dryRun).run(progress: $0)
        }
        say(report, in: database.displayURL,
            then: dryRun || report.rewritten == 0 ? "" : "; posts sync writes them to its folder")
    }
}
