import ArgumentParser
import CrawlerApp
import FeedModel
import Fleet
import Store

extension StoreCommand.Forget {
    /// With a shared database the documents are rows: chosen by hash, feed and date (files and
    /// --missing are for a folder), forgotten for the whole fleet; `posts sync` removes the files.
    func runInFleet(_ settings: CrawlerConfig) throws {
        if missing || targets.contains(where: { !DocumentStore.isContentHash($0) }) {
            printError("crawler: forget: with a shared database, give content hashes, --feed or --before "
                       + "(files and --missing are for a store folder: add --store DIR)")
            throw ExitStatus.configError
        }
        let database = try FleetSetup.open(settings)
        let forgotten: [(hash16: String, path: String)]
        do {
            forgotten = try database.forget(hashes: targets.isEmpty ? nil : targets.map { String($0.prefix(16)) },
                                            feed: feed, before: before.flatMap(ForgetDate.parse), dryRun: dryRun)
        } catch {
            printError("crawler: \(error)")
            throw ExitStatus.storeUnavailable
        }
        let verb = dryRun ? "would forget" : "forgot"
        forgotten.forEach { printOutput("\(verb) \($0.path)") }
        printOutput("\(verb) \(counted(forgotten.count, "document")) in \(database.displayURL)"
                    + (dryRun || forgotten.isEmpty ? "" : "; they will not be stored again (posts sync removes their files)"))
    }
}

/// `posts sync`: what the fleet forgot goes from the folder too.
enum PostsTombstones {
    /// Forgets in `store` each of `hashes` it holds; returns how many.
    static func apply(_ hashes: [String], to store: DocumentStore) throws -> Int {
        let held = try hashes.filter { try store.contains(hash: $0) }
        guard !held.isEmpty else { return 0 }
        return try store.forget(.init(targets: held), at: WallClock.now()).forgotten.count
    }
}
