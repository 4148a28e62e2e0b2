import ArgumentParser
import Config
import Foundation
import Store
import CrawlerApp
import FeedModel

struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Check the store, rebuild its index from the documents, or render the documents again.",
        subcommands: [Verify.self, RebuildIndex.self, Rerender.self]
    )
}

struct StoreLocation: ParsableArguments {
    @Option(name: .shortAndLong, help: "The configuration file naming the store.")
    var config: String = "feeds.yaml"

    @Option(name: .long, help: "The store folder (overrides the configuration file).")
    var store: String?

    /// The configuration when it names a shared database (or CRAWLER_DATABASE_URL is set).
    func fleetSettings() -> CrawlerConfig? {
        let loaded = (try? ConfigLoader.load(path: config)).map(FleetSetup.applyingEnvironment)
        return loaded?.database == nil ? nil : loaded
    }

    func path() throws -> String {
        if let store { return store }
        return try settings().storePath
    }

    /// The configuration, with `--store` applied.
    func settings() throws -> CrawlerConfig {
        var loaded: CrawlerConfig
        do {
            loaded = try ConfigLoader.load(path: config)
        } catch {
            // --store alone is enough when there is no configuration file.
            guard let store, !FileManager.default.fileExists(atPath: config) else {
                printError("crawler: \(error)")
                throw ExitStatus.configError
            }
            loaded = CrawlerConfig(storePath: store)
        }
        if let store { loaded.storePath = store }
        return loaded
    }

    func open(setAsideBrokenIndex: Bool = false) throws -> DocumentStore {
        let settings = try settings()
        do {
            return try DocumentStore(config: settings, setAsideBrokenIndex: setAsideBrokenIndex)
        } catch {
            printError("crawler: \(error)")
            throw ExitStatus.storeUnavailable
        }
    }
}

extension StoreCommand {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check every document against the index: present, whole, named by its hash, in the format.",
            discussion: "Exit status 0 when the store is clean, 1 when a problem was found (each is printed)."
        )

        @OptionGroup var location: StoreLocation

        func run() throws {
            let store = try location.open()
            if !store.recovery.isEmpty {
                let recovery = store.recovery
                printOutput("recovered after an unclean stop: removed \(recovery.removedTemporaryFiles) temp files, "
                            + "completed \(recovery.completedDocuments) and forgot \(recovery.forgottenDocuments) pending documents"
                            + (recovery.finishedRewrites > 0 ? ", finished \(recovery.finishedRewrites) rewrites" : ""))
            }
            let report: DocumentStore.VerifyReport
            do {
                report = try store.verify()
            } catch {
                printError("crawler: \(error)")
                throw ExitStatus.storeUnavailable
            }
            report.problems.forEach { printOutput($0) }
            printOutput("verified \(report.checked) documents in \(store.root): "
                        + (report.problems.isEmpty ? "no problems" : "\(report.problems.count) problems"))
            if !report.problems.isEmpty { throw ExitCode.failure }
        }
    }

    struct RebuildIndex: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rebuild-index",
            abstract: "Rebuild the index of documents from the document files alone.",
            discussion: """
                Feed state and provenance are kept where the old index is readable; an unreadable \
                index is renamed to index.sqlite.broken and replaced.
                """
        )

        @OptionGroup var location: StoreLocation

        func run() throws {
            let store = try location.open(setAsideBrokenIndex: true)
            do {
                let report = try store.rebuildIndex()
                report.skipped.forEach { printOutput("skipped \($0)") }
                printOutput("indexed \(report.indexed) documents in \(store.root)"
                            + (report.skipped.isEmpty ? "" : "; skipped \(report.skipped.count) files"))
            } catch {
                printError("crawler: \(error)")
                throw ExitStatus.storeUnavailable
            }
        }
    }
}
