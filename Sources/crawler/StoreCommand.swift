import ArgumentParser
import Synchronization
import Config
import Foundation
import Store
import CrawlerApp
import FeedModel

struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Check the store, rebuild its index, forget documents for good, or render them again.",
        subcommands: [Verify.self, RebuildIndex.self, Forget.self, Rerender.self]
    )
}

struct StoreLocation: ParsableArguments {
    @Option(name: .shortAndLong, help: "The configuration file naming the store.")
    var config: String = "feeds.yaml"

    @Option(name: .long, help: "The store folder (overrides the configuration file).")
    var store: String?

    /// feeds.yaml as read once by this command: `status` read it three times (whether it names a
    /// fleet, the settings, the store's path), over a second of 20,000 feeds'. A daemon's reload
    /// reads the file anew, not through here.
    private static let read = Mutex<[String: Result<CrawlerConfig, ConfigError>]>([:])

    private func load() throws(ConfigError) -> CrawlerConfig {
        if let known = Self.read.withLock({ $0[config] }) { return try known.get() }
        let result = Result { () throws(ConfigError) in try ConfigLoader.load(path: config) }
        Self.read.withLock { $0[config] = result }
        return try result.get()
    }

    /// The configuration when it names a shared database (or CRAWLER_DATABASE_URL is set).
    func fleetSettings() -> CrawlerConfig? {
        let loaded = (try? load()).map(FleetSetup.applyingEnvironment)
        return loaded?.database == nil ? nil : loaded
    }

    /// `--store` as an absolute path: verify's advice names it, to be followed from anywhere
    /// (relative, `--store=-s` made `rm '-s/…'`).
    private var storeFolder: String? {
        store.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
    }

    func path() throws -> String {
        if let store = storeFolder { return store }
        return try settings().storePath
    }

    /// The configuration, with `--store` applied. `reportingErrors: false`: a configuration
    /// error is thrown as it is, not printed and turned into the exit status.
    func settings(reportingErrors: Bool = true) throws -> CrawlerConfig {
        guard reportingErrors else {
            var loaded = try load()
            if let store = storeFolder { loaded.storePath = store }
            return loaded
        }
        return try loadedSettings().settings
    }

    /// The configuration with `--store` applied, and whether it describes that store: no
    /// `--store`, or one naming the file's own store (links resolved).
    private func loadedSettings() throws -> (settings: CrawlerConfig, describesStore: Bool) {
        var loaded: CrawlerConfig
        do {
            loaded = try load()
        } catch {
            // --store alone is enough when there is no configuration file.
            guard let store = storeFolder, !FileManager.default.fileExists(atPath: config) else {
                printError("crawler: \(error)")
                throw ExitStatus.configError
            }
            return (CrawlerConfig(storePath: store), false)
        }
        guard let store = storeFolder else { return (loaded, true) }
        let same = URL(fileURLWithPath: store).resolvingSymlinksInPath().path
            == URL(fileURLWithPath: loaded.storePath).resolvingSymlinksInPath().path
        loaded.storePath = store
        return (loaded, same)
    }

    /// The store, with feeds renamed in feeds.yaml since the last crawl taken up first, as a
    /// crawl would: otherwise a command would act on the old name (`rerender` left the renamed
    /// feed's documents as "not in the configuration", `forget --feed NEW` found nothing). Not for
    /// a store `--store` names other than feeds.yaml's, which the file may not describe; a dry run
    /// writes nothing, and says which renames a real run takes up first.
    /// `freesSpace`: the command can make room on a full disk (`forget`), so the store is opened
    /// without room then (`DocumentStore.init`'s `roomless`). A dry run beside a running crawler,
    /// which holds the lock, reads the store as that crawler keeps it (`readingOnlyFor:`); with
    /// none running, it opens the store as any command does, finishing what a crash left under way.
    func open(setAsideBrokenIndex: Bool = false, dryRun: Bool = false, freesSpace: Bool = false) throws -> DocumentStore {
        let (settings, describesStore) = try loadedSettings()
        let store: DocumentStore
        do {
            do {
                store = try DocumentStore(config: settings, setAsideBrokenIndex: setAsideBrokenIndex)
            } catch where dryRun && error.isLocked {
                store = try DocumentStore(readingOnlyFor: settings)
            } catch where freesSpace && error.isOutOfSpace {
                store = try DocumentStore(config: settings, roomless: true)
            }
            guard describesStore else { return store }
            for rename in try store.adoptRenamedFeeds(settings.feeds, disabled: settings.disabledFeeds, applying: !dryRun) {
                printOutput(dryRun ? "a real run first renames feed '\(rename.from)' to '\(rename.to)'; shown here as it is now"
                                   : "renamed feed '\(rename.from)' to '\(rename.to)' (its documents and history go with it)")
            }
        } catch {
            printError("crawler: \(error)")
            throw ExitStatus.storeUnavailable
        }
        return store
    }
}

extension StoreCommand {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check every document against the index: present, unedited, in its place, in the format.",
            discussion: """
                Each problem is printed with the command that fixes it: missing (indexed, not on disk), \
                changed (edited by hand, which crawls keep, or truncated), corrupt (no longer a document), \
                misplaced (moved or copied), unknown (not indexed). Reads \
                only and takes no lock. Exit status 0 when the store is clean, 1 when a problem was found, \
                3 when there is no store at the path or it cannot be read.
                """
        )

        @OptionGroup var location: StoreLocation

        @Flag(name: .customLong("edits-ok"), help: """
            Count documents edited by hand (changed, and still documents) as no problem: they are listed, \
            and leave the exit status at 0, for a check run from cron on a store its owner edits. (A \
            document cut short inside its body looks edited too.)
            """)
        var editsOK = false

        func run() throws {
            let settings = try location.settings()
            // A check run from cron must not pass a mistyped path or a lost volume as a clean store.
            guard StorePresence.isStore(settings.storePath) else {
                printError("crawler: no store at \(settings.storePath): nothing to verify (check store: in \(location.config), or --store)"
                           + StorePresence.lostIndexHint(settings.storePath))
                throw ExitStatus.storeUnavailable
            }
            let report: DocumentStore.VerifyReport
            let reader: StoreReader
            do {
                // Read-only and lock-free: works on a read-only copy, as another user, beside `crawler run`.
                reader = try StoreReader(path: settings.storePath)
                // A lost index made every document "unknown", one line each (round 65): said once, as crawls say it.
                try reader.checkIndexKnowsItsDocuments()
            } catch {
                printError("crawler: \(error)")
                throw ExitStatus.storeUnavailable
            }
            let root = reader.root
            let rerender = reader.rerendering()
            if rerender != nil, let pid = reader.lockHolder() {
                // Documents move under it as it goes: what the files say now is not what they will say.
                printOutput("\(root): a `crawler store rerender` is under way (pid \(pid)), rewriting and moving documents; "
                            + "run verify again when it has finished")
                throw ExitStatus.storeUnavailable
            }
            do {
                let hexo = StoreProfile.holdsHexoGrammar(config: settings, recorded: reader.recordedProfile())
                report = try reader.verify(layout: DocumentLayout(pattern: settings.documentPath) ?? .standard,
                                           checksHexoGrammar: hexo)
            } catch {
                printError("crawler: \(error)")
                throw ExitStatus.storeUnavailable
            }
            var problems = report.problems
            let edits = editsOK ? report.edited : []
            problems.removeAll(where: Set(edits).contains)
            if report.unsettled > 0 {
                if let pid = reader.lockHolder() {
                    printOutput("\(report.unsettled) documents being stored by the crawler holding the store (pid \(pid)) "
                                + "were not checked")
                } else {
                    // A crawler stopped mid-batch: not damage, but not a store to call clean either.
                    problems.append("\(root): \(report.unsettled) documents of a batch or rewrite cut short (a kill, a power cut, or a write the disk refused) "
                                    + "were not checked; the next `crawler once` or `run` (or `crawler store rerender --dry-run`) "
                                    + "settles them; run verify again then")
                }
            }
            if let rerender {
                problems.append("\(root): a `crawler store rerender` (to \(rerender)) did not finish: some documents "
                                + "are written with the old settings, some with the new, some perhaps under both names; "
                                + "run `crawler store rerender` again, and do what it says if it cannot finish")
            }
            // One line each, whatever a file's name holds (a line feed in it split an entry in two).
            problems.forEach { printOutput(TerminalText.oneLine($0)) }
            edits.forEach { printOutput(TerminalText.oneLine($0) + " (an edit: not a problem with --edits-ok)") }
            report.setAside.map(TerminalText.oneLine).forEach {
                printOutput("\($0): an edit set aside when its document was stored again; compare it with the document "
                            + "and keep what you want by hand (not a problem)")
            }
            report.unreferencedAssets.map(TerminalText.oneLine).forEach {
                printOutput("\($0): unreferenced: no stored document uses it (a crawler stopped between storing it and its document?)")
            }
            let assets = report.assetsChecked > 0 ? " and \(report.assetsChecked) assets" : ""
            let edited = edits.isEmpty ? "" : " (\(counted(edits.count, "document")) edited by hand)"
            printOutput("verified \(report.checked) documents\(assets) in \(root): "
                        + (problems.isEmpty ? "no problems" : counted(problems.count, "problem")) + edited)
            if !problems.isEmpty { throw ExitCode.failure }
        }
    }

    struct RebuildIndex: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rebuild-index",
            abstract: "Rebuild the index of documents from the document files alone.",
            discussion: """
                Feed state and provenance are kept where the old index is readable; an unreadable \
                index is renamed to index.sqlite.broken (or .broken-2, ... beside an earlier one) and replaced.
                """
        )

        @OptionGroup var location: StoreLocation

        func run() throws {
            let settings = try location.settings()
            try refuseAFolderWithNothingToIndex(settings)
            let store = try location.open(setAsideBrokenIndex: true)
            var notDocuments = 0
            do {
                // Documents written by another profile (a rerender not run yet, or cut short) are
                // documents still: Hexo's grammar holds only where the store says it wrote Hexo.
                let hexo = StoreProfile.holdsHexoGrammar(config: settings, recorded: try store.recordedProfile())
                let report = try store.rebuildIndex(checksHexoGrammar: hexo, at: WallClock.now())
                try recordProfile(of: report, in: store, settings: settings)
                report.skipped.forEach { printOutput("skipped \($0)") }
                report.forgottenMissing.forEach {
                    printOutput("forgot \($0): in the index, no file (deleted by hand); crawls do not store it again")
                }
                report.kept.forEach { printOutput($0) }
                report.edited.forEach {
                    printOutput("edited \($0): differs from what was stored; kept as an edit (crawls and rerender do not write over it)")
                }
                report.rejected.forEach { printOutput("rejected \($0)") }
                report.misplaced.forEach { printOutput("misplaced \($0)") }
                printOutput("indexed \(counted(report.indexed, "document")) in \(store.root)"
                            + (report.skipped.isEmpty ? "" : "; skipped \(counted(report.skipped.count, "file"))")
                            + (report.rejected.isEmpty ? "" : "; rejected \(report.rejected.count) copies"))
                if let aside = store.brokenIndexKeptAs {
                    printOutput("the index that could not be used (unreadable, damaged, or not a crawler index) is kept as \(aside)")
                }
                if let carried = store.carriedFromBrokenIndex, carried.forgotten + carried.feedStates > 0 || !carried.unreadable.isEmpty {
                    printOutput("carried over from it: \(counted(carried.forgotten, "forgotten document")) (crawls do not store them again), "
                                + "\(counted(carried.feedStates, "feed state"))"
                                + (carried.unreadable.isEmpty ? "" : "; could not be read whole: \(carried.unreadable.joined(separator: ", "))"))
                }
                notDocuments = Self.otherOutputs(report.notDocuments, in: store.root, settings: settings)
                try store.recordForeignFiles(notDocuments == 0 ? nil
                    : "\(counted(notDocuments, "file")) that \(notDocuments == 1 ? "reads" : "read") as written by an output other "
                        + "than \(settings.output.name), left out by rebuild-index")
            } catch {
                printError("crawler: \(error)")
                throw ExitStatus.storeUnavailable
            }
            // Files in another output's format (written before `output:` changed) left out: the
            // next crawl would store every item again beside them. Not a success. (Not files a
            // crash left empty or cut: those are stored again by the next crawl, as they should.)
            if notDocuments > 0 {
                printError("crawler: \(counted(notDocuments, "file")) in the store did not read as documents of "
                           + "output: \(settings.output.name) but as another output writes, and \(notDocuments == 1 ? "was" : "were") "
                           + "left out; if they were written with another output: "
                           + "or template:, set it back in \(location.config) and run rebuild-index again (a crawl now "
                           + "would store their items a second time)")
                throw ExitStatus.someFeedsFailed
            }
        }

        /// How many of `paths` begin as another output than the configured one writes.
        private static func otherOutputs(_ paths: [String], in root: String, settings: CrawlerConfig) -> Int {
            let others = [OutputProfile.hexo, .hugo, .jekyll].filter { $0 != settings.output }
            return paths.filter { path in
                guard let bytes = FileManager.default.contents(atPath: root + "/" + path).map({ Array($0.prefix(4096)) }) else {
                    return false
                }
                return others.contains { StoreProfile.reads(bytes, as: $0) }
            }.count
        }

        /// A lost index took with it the settings the files were written with, and a crawl records
        /// the configuration's in a store without them: `output: hugo` then wrote Hugo files beside
        /// the Hexo ones. Every file where the configuration puts it (and in Hexo's grammar when it
        /// says Hexo) was written with its settings, as far as the files can say.
        private func recordProfile(of report: DocumentStore.RebuildReport, in store: DocumentStore,
                                   settings: CrawlerConfig) throws {
            guard try store.recordedProfile() == nil, report.indexed > 0 else { return }
            let written = try store.indexedDocuments().allSatisfy { document in
                FileManager.default.contents(atPath: store.root + "/" + document.path)
                    .map { StoreProfile.reads(Array($0.prefix(4096)), as: settings.output) } ?? false
            }
            guard report.inCurrentLayout, report.skipped.isEmpty, written else {
                return printOutput("the settings the documents were written with are not recorded: not every file is "
                                   + "where document_path: \(settings.documentPath) puts it in output: \(settings.output.name)'s "
                                   + "front matter; the next crawl records the configuration's (set output: and document_path: "
                                   + "to the ones they were written with first)")
            }
            try store.recordProfile(StoreProfile.fingerprint(of: settings))
        }
    }
}

/// Whether a folder is a store: one the crawler has opened holds its index, lock or `tmp/`. An
/// empty mount point, or the store's own `posts/` given as `--store`, passed for a clean store.
extension StoreCommand.RebuildIndex {
    /// Neither a store nor a folder of documents (a mistyped --store, a web root): made into an
    /// empty store, it said "indexed 0 documents" and left an index, a lock and tmp/ there.
    func refuseAFolderWithNothingToIndex(_ settings: CrawlerConfig) throws {
        let path = try location.path()
        let top = String(settings.documentPath.prefix { $0 != "/" })
        // A path that begins with a date or a name of the feed's puts documents anywhere at the top.
        let documentsMayBeThere = Self.holdsADocumentFile(top.contains("{") ? path : path + "/" + top)
        guard !StorePresence.isStore(path), !documentsMayBeThere else { return }
        printError("crawler: no store at \(path), and no document to index there (none under \(top)/); nothing was made "
                   + "(check --store, or store: in \(location.config))")
        throw ExitStatus.storeUnavailable
    }
}

extension StoreCommand.RebuildIndex {
    /// A file named by a content hash somewhere under `folder` (a `posts/` with a project's own
    /// files was made a store too).
    static func holdsADocumentFile(_ folder: String) -> Bool {
        guard let walk = FileManager.default.enumerator(atPath: folder) else { return false }
        while let relative = walk.nextObject() as? String {
            let name = relative.split(separator: "/").last ?? ""
            if DocumentLayout.shortHash(ofFileName: name) != nil { return true }
        }
        return false
    }
}

enum StorePresence {
    static func isStore(_ path: String) -> Bool {
        // Not `tmp/` or `lock` alone: `/` has a /tmp, and /var a /var/lock.
        var isFolder: ObjCBool = false
        let lockIsFile = FileManager.default.fileExists(atPath: path + "/lock", isDirectory: &isFolder) && !isFolder.boolValue
        return FileManager.default.fileExists(atPath: path + "/index.sqlite")
            || (lockIsFile && FileManager.default.fileExists(atPath: path + "/tmp"))
    }

    /// For a folder that is no store: what to do when it is one whose index was lost.
    static func lostIndexHint(_ path: String) -> String {
        guard FileManager.default.fileExists(atPath: path + "/posts") else { return "" }
        return "; if it is a store whose index was lost, `crawler store rebuild-index --store \(path)` makes one from its documents"
    }
}
