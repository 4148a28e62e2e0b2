import ArgumentParser
import CrawlerApp
import FeedModel
import Fleet
import Store

extension StoreCommand.Forget {
    /// With a shared database the documents are rows: chosen by hash, feed and date (files and
    /// --missing are for a folder), forgotten for the whole fleet; `posts sync` removes the files.
    func runInFleet(_ settings: CrawlerConfig) throws {
        // As on one machine, a hash in capitals is a hash (round 61: refused, and not named).
        let targets = self.targets.map { $0.lowercased() }
        if missing || targets.contains(where: { !DocumentStore.isContentHash($0) }) {
            let named = self.targets.first { !DocumentStore.isContentHash($0.lowercased()) }.map { "'\($0)' is no content hash; " } ?? ""
            printError("crawler: forget: \(named)with a shared database, give content hashes, --feed or --before "
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
        // As on one machine: a mistyped feed or hash is said, not "0 documents" and success (round 61).
        if forgotten.isEmpty, let feed {
            printError("crawler: forget: no stored document of a feed named '\(feed)'"
                       + (targets.isEmpty && before == nil ? "" : " among those chosen"))
            throw ExitStatus.someFeedsFailed
        }
        if forgotten.isEmpty, !targets.isEmpty {
            printError("crawler: forget: \(targets.joined(separator: ", ")): no document has \(targets.count == 1 ? "this hash" : "these hashes")")
            throw ExitStatus.someFeedsFailed
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
