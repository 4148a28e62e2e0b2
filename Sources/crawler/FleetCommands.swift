import ArgumentParser
import Config
import CrawlerApp
import FeedModel
import Fleet
import Foundation
import Store

struct FeedsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feeds",
        abstract: "Manage the feeds a fleet shares in its database.",
        subcommands: [Sync.self]
    )

    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "Make the database's feeds match the configuration file's.",
            discussion: """
                Added feeds are due at once; removed ones stop being polled (their documents stay); \
                a feed whose url changed is due at once and starts afresh. Every node sees the new list \
                at its next claim: no restart, no SIGHUP.
                """
        )

        @Option(name: .shortAndLong, help: "The configuration file.")
        var config: String = "feeds.yaml"

        func run() throws {
            let settings = FleetSetup.applyingEnvironment(try ConfigFile.load(config).config)
            let database = try FleetSetup.open(settings)
            do {
                let outcome = try database.syncFeeds(FleetFeedList.from(settings))
                let renamed = outcome.renamed.isEmpty ? "" : "\(outcome.renamed.count) renamed, "
                printOutput("\(database.displayURL): \(outcome.added.count) added, \(outcome.changed.count) changed, "
                            + "\(renamed)\(outcome.removed.count) removed, \(outcome.unchanged) unchanged")
                for rename in outcome.renamed { printOutput("  renamed: \(rename.from) → \(rename.to)") }
                for name in outcome.removed { printOutput("  removed: \(name)") }
            } catch {
                printError("crawler: \(error)")
                throw ExitStatus.storeUnavailable
            }
        }
    }
}

struct PostsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "posts",
        abstract: "Materialise the fleet's documents as files on this machine.",
        subcommands: [Sync.self]
    )

    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "Write every document of the shared database not yet in DIR, as files.",
            discussion: """
                DIR becomes an ordinary store (the files as `crawler once` writes them, and their \
                index), so `crawler store verify --store DIR` checks it and a Hexo site builds from it. \
                Each batch is written durably before the cursor in DIR/fleet-cursor.json moves: an \
                interrupted sync resumes where it stopped, and running it again writes only what is new. \
                A document a node replaced (revisions: replace) or store rerender rendered again is \
                written over its file, crash-safe, keeping its name. \
                A row whose hash is not 64 lower-case hex digits, or that disagrees with itself, is not \
                written: it is named and the sync goes on, exiting with status 1; every later sync reads \
                it again, names it again and writes it once it is repaired.
                """
        )

        @Argument(help: "The folder to write into (created if needed).")
        var folder: String

        @Option(name: .shortAndLong, help: "The configuration file naming the database and the layout.")
        var config: String = "feeds.yaml"

        @Option(name: .long, help: "Documents per batch.")
        var batch: Int = 500

        func run() throws {
            let settings = FleetSetup.applyingEnvironment(try ConfigFile.load(config).config)
            let database = try FleetSetup.open(settings)
            let store: DocumentStore
            let cursorFile = CursorFile(path: folder + "/fleet-cursor.json")
            do {
                var local = settings
                local.storePath = folder
                store = try DocumentStore(config: local)
            } catch {
                printError("crawler: \(error)")
                throw ExitStatus.storeUnavailable
            }
            var cursor = cursorFile.read()
            var tally = PostsSyncTally()
            do {
                // Rows passed over before come first: one repaired in place keeps its place in commit
                // order, behind the cursor (round 61: a fixed row never reached the folder).
                var passed = try tally.write(database.documents(keyed: cursor.passed, cursor: cursor), into: store)
                if passed != cursor.passed {
                    cursor.passed = passed
                    try cursorFile.write(cursor)
                }
                while true {
                    let page = try database.documents(after: cursor, limit: max(1, batch))
                    guard !page.isEmpty else { break }
                    passed += try tally.write(page, into: store).filter { !passed.contains($0) }
                    cursor = page.cursor
                    cursor.passed = passed
                    try cursorFile.write(cursor)
                }
                tally.forgotten = try PostsTombstones.apply(database.forgottenHashes(), to: store)
            } catch let status as ExitCode {
                throw status  // said already
            } catch {
                printError("crawler: posts sync stopped after \(tally.written) documents: \(error)")
                throw ExitStatus.storeUnavailable
            }
            printOutput("\(folder): \(counted(tally.written, "document")) written, \(tally.present) already there"
                        + (tally.rewritten > 0 ? ", \(tally.rewritten) rewritten" : "")
                        + (tally.forgotten > 0 ? ", \(tally.forgotten) forgotten" : "")
                        + (tally.leftDeleted > 0 ? ", \(tally.leftDeleted) left deleted" : "")
                        + (tally.refused > 0 ? "; \(tally.refused) rows not written (named above; every sync reads "
                           + "them again, and writes each once it is repaired in the database)" : ""))
            if tally.refused > 0 { throw ExitCode.failure }
        }
    }
}

/// What one `posts sync` did, page by page.
struct PostsSyncTally {
    var written = 0, present = 0, refused = 0, forgotten = 0, rewritten = 0, leftDeleted = 0

    /// Writes a page's documents into the folder; returns the rows it could not write (named on stderr).
    mutating func write(_ page: FleetDocumentPage, into store: DocumentStore) throws -> [String] {
        guard !page.isEmpty else { return [] }
        // Named as they come, so an interrupted sync has said what it passed over.
        for row in page.refused { printError("crawler: posts sync: \(row)") }
        refused += page.refused.count
        if let (fleet, here) = PostsRevisions.misplaced(page, in: store) {
            printError("crawler: posts sync: the fleet placed a document at \(fleet), where this "
                       + "configuration's output puts it at \(here): the rows hold another output:, "
                       + "template: or document_path:. Run posts sync with the fleet's settings, or "
                       + "`crawler store rerender` the fleet to these; nothing more was written")
            throw ExitStatus.configError
        }
        let (fresh, rewrites, edited, deleted) = try PostsRevisions.split(page, in: store)
        for path in edited {
            printError("crawler: posts sync: kept \(path): edited by hand, the fleet's version is not written over it")
        }
        for path in deleted {
            printError("crawler: posts sync: left \(path) deleted: deleted by hand, the fleet's version does not bring it back")
        }
        let outcome = fresh.isEmpty ? .init(stored: [], duplicates: 0) : try store.store(fresh, storedAt: WallClock.now())
        // A document the store refused (its folder a link, or on another filesystem) is not
        // written: the cursor must not pass it.
        if let refusal = outcome.refused.values.first { throw refusal }
        try store.rewrite(rewrites)
        // A replaced document new to DIR is stored, then dated anew: written, not rewritten.
        let justStored = Set(outcome.stored.map(\.shortHash))
        let overwritten = rewrites.filter { !justStored.contains($0.shortHash) }.count
        written += outcome.stored.count
        rewritten += overwritten
        // A post deleted by hand is not "already there".
        leftDeleted += deleted.count
        present += outcome.duplicates + page.documents.count - fresh.count - overwritten - deleted.count
        return page.refused.map(\.hash16)
    }
}

/// posts sync's position, kept beside the documents it describes.
struct CursorFile {
    let path: String

    func read() -> DocumentCursor {
        guard let data = FileManager.default.contents(atPath: path),
              let cursor = try? JSONDecoder().decode(DocumentCursor.self, from: data) else { return .start }
        return cursor
    }

    /// Atomically (temp file and rename): a crash leaves the old cursor or the new one.
    func write(_ cursor: DocumentCursor) throws {
        let data = try JSONEncoder().encode(cursor)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
