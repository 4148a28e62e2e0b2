import ArgumentParser
import CrawlerApp
import FeedModel
import Foundation
import Glibc
import Store

extension StoreCommand {
    struct Rerender: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rerender",
            abstract: "Write every document again from its stored source values, with the current settings.",
            discussion: """
                Uses the current output:, template:, document_path: and each feed's settings. A document \
                whose path changes is moved (the new file is durable before the old one goes). Crash-safe: \
                killed, run it again and it finishes. Documents already as they should be are not touched.
                """
        )

        @OptionGroup var location: StoreLocation

        @Option(name: .long, help: "Only the documents of this feed (by name).")
        var feed: String?

        @Flag(name: .long, help: "Say what would be rewritten, write nothing.")
        var dryRun = false

        @Flag(name: .long, help: "Also write again the documents whose file is gone from the store (deleted, or lost with an older backup of the posts put back), from their kept source values.")
        var missing = false

        func run() throws {
            if location.store == nil, let fleet = location.fleetSettings() { return try runInFleet(fleet) }
            let settings = try location.settings()
            // A documents' feed must be configured to be rendered; a misspelt one would rewrite nothing, silently.
            if let feed, !(settings.feeds + settings.disabledFeeds).contains(where: { $0.name == feed }) {
                printError("crawler: no feed named '\(feed)' in \(location.config) (see `crawler list`)")
                throw ExitCode.failure
            }
            // Opening a store creates it: a mistyped --store was made a store, dry run or not.
            guard StorePresence.isStore(settings.storePath) else {
                printError("crawler: no store at \(settings.storePath): nothing to rerender (check store: in \(location.config), "
                           + "or --store)" + StorePresence.lostIndexHint(settings.storePath))
                throw ExitStatus.storeUnavailable
            }
            let store = try location.open(dryRun: dryRun)
            // Refused for a dry run too: a script that checks it first must see what the run will do.
            if feed != nil, let cut = store.interruptedRerender() {
                printError("crawler: a `crawler store rerender` of the whole store (to \(cut)) was cut short; run it again "
                           + "without --feed to finish it")
                throw ExitStatus.configError
            }
            // One feed's documents in another profile than the rest would be a store of two formats.
            if let feed, let recorded = try? store.recordedProfile(),
               recorded != StoreProfile.fingerprint(of: settings) {
                printError("crawler: the store holds documents written with \(recorded), and the configuration says "
                           + "\(StoreProfile.fingerprint(of: settings)): --feed \(feed) would leave it in two formats; "
                           + "rerender the whole store (without --feed), or put the old settings back")
                throw ExitStatus.configError
            }
            if store.recovery.finishedRewrites > 0 {
                printOutput("recovered after an unclean stop or a write the disk refused: finished \(store.recovery.finishedRewrites) rewrites")
            }
            // A change of profile that cannot be finished (a feed removed in the same edit) is
            // refused before anything is moved: it rewrote 60 of 104 documents, then every crawl
            // was refused until the feed came back. Looked at only when the profile changes.
            if !dryRun, feed == nil, let recorded = try? store.recordedProfile(), recorded != StoreProfile.fingerprint(of: settings) {
                let preview = try withProgress { try StoreRerender(config: settings, store: store, feed: nil, dryRun: true).run(progress: $0) }
                if preview.profileNotRecorded {
                    printError("crawler: nothing was rewritten: " + Self.unfinishable(preview, config: location.config))
                    throw ExitCode.failure
                }
            }
            let report = try withProgress {
                try StoreRerender(config: settings, store: store, feed: feed, dryRun: dryRun, restoresMissing: missing).run(progress: $0)
            }
            say(report, in: store.root)
            // Behind a link, documents look deleted by hand: verify, rebuild-index and forget
            // --missing named the link; the rerender said only "left 86 documents" and exit 0.
            let refused = Set(report.missing.compactMap(store.refusedFolder(onPathTo:))).sorted()
            if !refused.isEmpty {
                refused.forEach { printError("crawler: \($0); the documents there were not rewritten (crawler store verify "
                                             + "says what to do)") }
                throw ExitCode.failure
            }
            // A dry run changed nothing: it says what the real run would be refused for.
            if dryRun, report.profileNotRecorded {
                printError("crawler: the rerender would not finish (dry run: nothing was rewritten): "
                           + Self.unfinishable(report, config: location.config))
                throw ExitCode.failure
            }
            if report.profileNotRecorded, report.withoutSource > 0 {
                printError("crawler: the store stays half rewritten: \(counted(report.withoutSource, "document")) "
                           + Self.withoutSourceValues + ", can only stay in the settings they were written "
                           + "with (\((try? store.recordedProfile()).flatMap { $0 } ?? "the store's")). Put those settings back in "
                           + "\(location.config) and run `crawler store rerender` again; until then `once` and `run` refuse the store. "
                           + "(`crawler store forget` removes documents for good, with `--before DAY` the oldest ones)")
                throw ExitCode.failure
            }
            if report.profileNotRecorded {
                let names = report.unknownFeeds.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
                printError("crawler: the store stays half rewritten: the documents of \(names) are in the old settings. "
                           + "Add each such feed back to \(location.config) (`enabled: false` keeps it from being fetched), "
                           + "then run `crawler store rerender` again; until then `once` and `run` refuse the store. "
                           + "(`crawler store forget --feed NAME` would end it too, but takes with them the posts other "
                           + "feeds carry as duplicates, which those feeds then never store)")
                // A dry run says what the run would end in: a script that checks it first must see the failure.
                throw ExitCode.failure
            }
            // Up to date or not, a store whose rerender was cut short is crawled again only after a real run.
            if dryRun, let cut = store.interruptedRerender() {
                printOutput("a `crawler store rerender` of the whole store (to \(cut)) was cut short: run it (without "
                            + "--dry-run) to finish it; until then `once` and `run` refuse the store")
            }
        }

        /// Documents the index keeps no item values for: stored by a crawler older than those values,
        /// or indexed again from their files after the index was lost.
        static let withoutSourceValues = "whose item values the index does not hold (stored by an older crawler, or indexed "
            + "again from their files after the index was lost)"

        /// Why a rerender to new settings could not finish, and what to do first.
        static func unfinishable(_ report: StoreRerender.Report, config: String) -> String {
            if report.withoutSource > 0 {
                return "\(counted(report.withoutSource, "document")) \(withoutSourceValues), "
                    + "can only stay in the settings they were written with; put those back in \(config), or forget them first "
                    + "(`crawler store forget --before DAY`)"
            }
            let names = report.unknownFeeds.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return "the documents of \(names) would stay in the old settings (not in \(config)): add each such feed back "
                + "(`enabled: false` keeps it from being fetched) and run `crawler store rerender` again (`crawler store "
                + "forget --feed NAME` would end it too, but takes with them the posts other feeds carry as duplicates, "
                + "which those feeds then never store)"
        }

        /// Runs a rerender with the live line on a terminal; a failure is printed and ends the
        /// command as "store unavailable", whether the documents are files or fleet rows.
        func withProgress(_ rerender: (@escaping (StoreRerender.Report) -> Void) throws -> StoreRerender.Report) throws
            -> StoreRerender.Report {
            let progress = RerenderProgress()
            do {
                let report = try rerender(progress.draw)
                progress.finish()
                return report
            } catch {
                progress.finish()
                printError("crawler: \(error)")
                throw ExitStatus.storeUnavailable
            }
        }

        /// What was rewritten, and what was left as it is and why.
        func say(_ report: StoreRerender.Report, in place: String, then next: String = "") {
            if report.withoutSource > 0 {
                printOutput("left \(counted(report.withoutSource, "document")) as they are: the index holds no item values for them "
                            + "(stored by an older crawler, or indexed again from their files after the index was lost)")
            }
            for (name, count) in report.unknownFeeds.sorted(by: { $0.key < $1.key }) {
                printOutput("left \(counted(count, "document")) of feed '\(name)' as they are: it is not in the configuration")
            }
            printOutput((dryRun ? "would rewrite" : "rewrote") + " \(report.rewritten) of \(report.examined) documents in "
                        + "\(place) (\(report.moved) moved, \(report.unchanged) already up to date)" + next)
            if !report.restored.isEmpty {
                printOutput((dryRun ? "would write again " : "wrote again ") + "\(counted(report.restored.count, "document")) whose file "
                            + "was gone: " + report.restored.prefix(20).map(TerminalText.escapingControls).joined(separator: ", ")
                            + (report.restored.count > 20 ? ", ..." : ""))
            }
            if !report.missing.isEmpty {
                printOutput("left \(counted(report.missing.count, "document")) not at their place (deleted or moved by hand) as they are, "
                            + "not written again: " + report.missing.prefix(20).map(TerminalText.escapingControls).joined(separator: ", ")
                            + (report.missing.count > 20 ? ", ..." : "")
                            // Moved back later (verify's advice), it is in the settings it was written with.
                            + "; one moved by hand and put back (crawler store verify says where) is still as it was "
                            + "written: run crawler store rerender again after"
                            + (missing ? "" : "; one deleted or lost is written again by crawler store rerender --missing"))
            }
            if !report.keptEdited.isEmpty {
                let one = report.keptEdited.count == 1
                printOutput("left \(counted(report.keptEdited.count, "document")) edited by hand as \(one ? "it is" : "they are"): "
                            + report.keptEdited.prefix(20).map(TerminalText.escapingControls).joined(separator: ", ")
                            + (report.keptEdited.count > 20 ? ", ..." : ""))
            }
            if !report.wouldSetAside.isEmpty {
                printOutput("would set aside \(counted(report.wouldSetAside.count, "document")) edited by hand as .NAME.edited "
                            + "(the output settings changed, so the crawler's version takes \(report.wouldSetAside.count == 1 ? "its" : "their") "
                            + "place; copy the edit back into the new document after): "
                            + report.wouldSetAside.prefix(20).map(TerminalText.escapingControls).joined(separator: ", ")
                            + (report.wouldSetAside.count > 20 ? ", ..." : ""))
            }
            if !report.keptAside.isEmpty {
                printOutput("kept \(counted(report.keptAside.count, "file")) edited by hand or not the store's, beside the documents "
                            + "written in their place: " + report.keptAside.map(TerminalText.escapingControls).joined(separator: ", "))
            }
        }
    }
}

/// The live line on a terminal while documents are rewritten; nothing off a terminal.
final class RerenderProgress {
    private let enabled = isatty(STDERR_FILENO) == 1

    func draw(_ report: StoreRerender.Report) {
        guard enabled else { return }
        write("\r\u{1B}[K[\(report.examined) documents] \(report.rewritten) rewritten, \(report.moved) moved")
    }

    func finish() {
        if enabled { write("\r\u{1B}[K") }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
