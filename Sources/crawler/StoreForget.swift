import ArgumentParser
import CrawlerApp
import FeedModel
import Foundation
import Parse
import Store

extension StoreCommand {
    struct Forget: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "forget",
            abstract: "Remove documents for good: their files go and they are never stored again.",
            discussion: """
                Selects the documents matching every criterion given: FILE or HASH arguments, --feed, \
                --before, --missing. Each leaves a tombstone (its content hash and its item's identity), \
                so the next fetch neither stores it again nor stores a new version of the item. \
                --missing makes deletions by hand stick (see `crawler store verify`).
                """
        )

        @OptionGroup var location: StoreLocation

        @Argument(help: "Document files (as paths) or content hashes (16 or 64 hex digits).")
        var targets: [String] = []

        @Option(help: "Only the documents of this feed (by name).")
        var feed: String?

        @Option(help: "Only documents dated before this day (YYYY-MM-DD, UTC) or time (RFC 3339).")
        var before: String?

        @Flag(help: "Only documents the index lists whose file is gone.")
        var missing = false

        @Flag(name: .customLong("dry-run"), help: "Say what would be forgotten, change nothing.")
        var dryRun = false

        func validate() throws {
            if targets.isEmpty && feed == nil && before == nil && !missing {
                throw ValidationError("say what to forget: FILE or HASH arguments, --feed NAME, --before DATE or --missing")
            }
            if let before, ForgetDate.parse(before) == nil {
                throw ValidationError("--before '\(before)' is not a date; write 2026-01-31 or 2026-01-31T12:00:00Z")
            }
        }

        func run() throws {
            if location.store == nil, let fleet = location.fleetSettings() { return try runInFleet(fleet) }
            let selection = DocumentStore.ForgetSelection(targets: targets, feed: feed, before: before.flatMap(ForgetDate.parse),
                                                          missing: missing)
            // Opening a store creates it; there is nothing to forget in one that is not there.
            guard FileManager.default.fileExists(atPath: try location.path() + "/index.sqlite") else {
                printError("crawler: forget: no store at \(try location.path()) (run `crawler once` first)")
                throw ExitStatus.storeUnavailable
            }
            let store = try location.open(dryRun: dryRun, freesSpace: true)
            let report: DocumentStore.ForgetReport
            do {
                report = try store.forget(selection, at: WallClock.now(), dryRun: dryRun)
            } catch {
                printError("crawler: \(error)")
                throw ExitStatus.storeUnavailable
            }
            let verb = dryRun ? "would forget" : "forgot"
            // A file the disk would not let go is forgotten, but still there: said on its own line.
            let unremoved = report.stillThere
            report.forgotten.forEach {
                let edit = report.edited.contains($0.path)
                    ? " (edited by hand: its file \(dryRun ? "would be" : "is") kept as \(DocumentStore.ForgetReport.keptEdit(of: $0.path)))" : ""
                printOutput("\(verb) \($0.path)" + edit + (unremoved.contains($0.path) ? " (its file could not be removed)" : ""))
            }
            report.removedAssets.forEach { printOutput("removed \($0) (no remaining document uses it)") }
            report.moved.forEach {
                printOutput("kept \($0): not missing but moved elsewhere in the store (crawler store verify says how to move it back)")
            }
            report.strays.forEach { printOutput("\(dryRun ? "would remove" : "removed") \($0) (not indexed)") }
            report.leftovers.filter { !unremoved.contains($0) }.forEach {
                printOutput("\(dryRun ? "would remove" : "removed") \($0) (forgotten before: a forget cut short left its file)")
            }
            report.unmatched.forEach { printError("crawler: forget: \($0)") }
            // A removed feed's documents may still be forgotten by its name, so the name is not
            // checked against feeds.yaml; a name that matches nothing is said to.
            // A feed with documents, none of which the other criteria pick, is no error (`--feed a
            // --missing` with none missing said "no stored document of a feed named 'a' matches").
            let nothingOfFeed = feed != nil && report.forgotten.isEmpty && !report.feedHasDocuments && report.leftovers.isEmpty
            if let feed, nothingOfFeed { printError("crawler: forget: no stored document of a feed named '\(feed)'") }
            report.unremoved.forEach { printError("crawler: forget: could not remove \($0); it stays forgotten, "
                                                  + "and `crawler store forget` of the file again removes it") }
            printOutput("\(verb) \(counted(report.forgotten.count, "document")) in \(store.root)"
                        + (report.forgotten.isEmpty ? "" : Self.afterward(feed: targets.isEmpty ? feed : nil, dryRun: dryRun)))
            if !report.unmatched.isEmpty || !report.unremoved.isEmpty || nothingOfFeed { throw ExitCode.failure }
        }
    }
}

extension StoreCommand.Forget {
    /// What holds the documents back after: by feed alone, that feed's tombstones only (see
    /// `DocumentStore.forget`); it said "they will not be stored again", and another feed
    /// carrying the same items stored them at its next pass.
    static func afterward(feed: String?, dryRun: Bool) -> String {
        guard let feed else { return dryRun ? "" : "; they will not be stored again" }
        return "; \(feed) \(dryRun ? "would" : "will") not store them again (another feed with the same text may: "
            + "forget FILE holds back every feed)"
    }
}

/// `--before`: a UTC day, or an RFC 3339 time.
enum ForgetDate {
    static func parse(_ text: String) -> Timestamp? {
        let parts = text.split(separator: "-", maxSplits: 2)
        if parts.count == 3, parts[0].count == 4, parts[2].count == 2,
           let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) {
            return Timestamp(year: year, month: month, day: day)
        }
        return DateParser.parse(text)
    }
}
