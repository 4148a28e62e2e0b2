import ArgumentParser
import CLinux
import Config
import CrawlerApp
import FeedModel
import Foundation
import Logging
import Store

struct Once: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "once",
        abstract: "Fetch every feed once, store what is new, print a summary, and exit.",
        discussion: """
            A feed the server asked to wait (Retry-After) or that answered 410 Gone is held back: it is \
            listed as skipped, with the reason and the time, and --force fetches it anyway. \
            Exit status: 0 when every feed fetched succeeded, 1 when some failed (the others are stored), \
            2 on a configuration error (nothing is fetched), 3 when the store cannot be opened.
            """
    )

    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String = "feeds.yaml"

    @Option(name: .long, help: "Only this feed: its name or its URL (repeat for several).")
    var feed: [String] = []

    @Flag(name: .long, help: "Fetch held-back feeds (Retry-After, 410 Gone) anyway, and read every feed anew from its configured URL (no validators, no adopted redirect, an unchanged body read again): changed rules apply to the items a feed still carries.")
    var force = false

    @Option(name: .long, help: "This node's name in a fleet (with `database:`); default HOSTNAME:PID.")
    var node: String?

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        // A pass's peak memory: 100 → 95 MB over the realistic farm's 1,000 feeds. 1 MB rather than
        // glibc's 128 KB, at which the heap's top went back and forth some 200 times a pass.
        crawler_fix_malloc_trim_threshold(1 << 20)
        let logger = try logging.makeLogger()
        let settings = try CrawlSetup.load(config, logger: logger)
        try FleetSetup.checkNode(node, settings: settings, config: config)
        if settings.database != nil { return try await runInFleet(settings, logger: logger) }
        let feeds = try selectFeeds(settings.feeds, disabled: settings.disabledFeeds)
        // Ctrl-C stops transfers in flight and keeps what is stored; it also cuts the last digest
        // short. Watched until the end: once a watcher goes, the signals it took stay ignored.
        let signals = SignalWatcher()
        let (summary, held, stopped) = try await crawl(feeds, settings: settings, signals: signals, logger: logger)
        let alerts = AlertNotifier(config: settings, logger: logger)
        alerts.record(summary)
        // One send: a retry within the same pass would meet the same outage. After a signal (one
        // during the send too), bounded like `run`'s shutdown (the timer's unit stops it with a timeout too).
        await alerts.flush(stopping: { signals.shutdownRequested })
        // After a shutdown, neither reported nor held: cut before they were stored.
        let accounted = Set(summary.reports.map(\.feed) + held.map(\.feed))
        let interrupted = stopped ? feeds.map(\.name).filter { !accounted.contains($0) } : []
        if stopped {
            // Under a timer the journal is all there is: a pass that just ended said nothing of it.
            var line: Logger.Metadata = ["stopped": "\(interrupted.count)",
                                         "reason": "a shutdown signal cut the pass short; the feeds stopped were not stored, the next pass fetches them"]
            if !interrupted.isEmpty { line["feeds"] = "\(interrupted.prefix(20).joined(separator: ","))" }
            logger.warning("interrupted", metadata: line)
        }
        printOutput(SummaryTable.render(summary, skipped: held, interrupted: interrupted, storePath: settings.storePath))
        // The store was closed as `crawl` returned; all that is left is freeing the pass's reports
        // and the configuration object by object (~2 ms at 1,000 feeds), which the exit does at once.
        ProcessEnd.now(summary.failed > 0 || !interrupted.isEmpty ? ExitStatus.someFeedsFailed : .success)
    }

    /// One pass over `feeds`, in a store opened here and closed on return (its last reference
    /// goes with this function's locals), the feeds it left out as held back, and whether a
    /// shutdown cut it short.
    private func crawl(_ feeds: [FeedConfig], settings: CrawlerConfig, signals: SignalWatcher,
                       logger: Logger) async throws -> (PassSummary, [FeedHold], stopped: Bool) {
        let store: DocumentStore
        do {
            store = try DocumentStore(config: settings)
        } catch {
            logger.error("store", metadata: ["error": "\(error)"])
            printError("crawler: \(error)")
            await alertUnopenable(error, settings: settings, signals: signals, logger: logger)
            throw ExitStatus.storeUnavailable
        }
        if !store.recovery.isEmpty {
            logger.warning("store_recovery", metadata: [
                "removed_temp_files": "\(store.recovery.removedTemporaryFiles)",
                "completed": "\(store.recovery.completedDocuments)",
                "forgotten": "\(store.recovery.forgottenDocuments)",
                "rewrites_finished": "\(store.recovery.finishedRewrites)",
            ])
        }
        do {
            try StoreProfile.check(store, config: settings)
        } catch {
            logger.error("store_profile", metadata: ["error": "\(error)"])
            printError("crawler: \(error)")
            throw ExitStatus.configError
        }
        store.adoptRenamedFeeds(settings.feeds, disabled: settings.disabledFeeds, logger: logger)
        if force { try liftHolds(feeds, in: store) }
        let pipeline = try Pipeline(config: settings, logger: logger)
        let progress = ProgressLine(total: feeds.count)
        let summary = await pipeline.runOnce(feeds: feeds, store: store, isCancelled: { signals.shutdownRequested },
                                             progress: progress.record)
        progress.finish()
        return (summary, try holds(on: feeds, notIn: summary, store: store), signals.shutdownRequested)
    }

    /// As `run` does: under a timer, a store that cannot be opened is told as `store_error`
    /// (round 59: only the journal said it). Not a store another crawler holds: that one works,
    /// and a timer's pass that overlaps the last one would page someone each time.
    private func alertUnopenable(_ error: any Error, settings: CrawlerConfig, signals: SignalWatcher, logger: Logger) async {
        if case StoreError.locked? = error as? StoreError { return }
        let alerts = AlertNotifier(config: settings, logger: logger)
        alerts.record(storeError: "\(error)")
        await alerts.flush(stopping: { signals.shutdownRequested })
    }

    /// Why the feeds the pass left out were held back. Read after the pass, and only for the
    /// feeds without a report (usually none): a pass over every feed reads no state twice.
    private func holds(on feeds: [FeedConfig], notIn summary: PassSummary, store: DocumentStore) throws -> [FeedHold] {
        let fetched = Set(summary.reports.map(\.feed))
        let missing = feeds.filter { !fetched.contains($0.name) }
        guard !missing.isEmpty else { return [] }
        do {
            let states = try store.feedStates(missing.map(\.name))
            let now = WallClock.now()
            return missing.compactMap { FeedHold.of($0, state: states[$0.name], now: now) }
        } catch {
            printError("crawler: \(error)")
            throw ExitStatus.storeUnavailable
        }
    }

    /// --force: the holds are lifted in the store before the pass, and the servers' answers this
    /// time decide the next ones. Every feed is read anew: without its validators or last body's
    /// fingerprint, a rule removed since let in nothing the feed still carried (a 304, or the
    /// same body, is never read).
    private func liftHolds(_ feeds: [FeedConfig], in store: DocumentStore) throws {
        do {
            let states = try store.feedStates(feeds.map(\.name))
            try store.save(feeds.compactMap { states[$0.name] }.map(FeedHold.lifted))
        } catch {
            printError("crawler: \(error)")
            throw ExitStatus.storeUnavailable
        }
    }

    /// One node's share: claim and crawl due feeds until none is left unclaimed.
    private func runInFleet(_ settings: CrawlerConfig, logger: Logger) async throws {
        if !feed.isEmpty || force {
            printError("crawler: \(feed.isEmpty ? "--force" : "--feed") is not available with a shared database: "
                       + "feeds are claimed, not chosen")
            throw ExitStatus.configError
        }
        let database = try FleetSetup.open(settings, node: node, asNode: true, logger: logger)
        let signals = SignalWatcher()
        let worker = try FleetWorker(configPath: config, config: settings, database: database, logger: logger,
                                     signals: signals, environment: [:])
        let summary: PassSummary, leftDue: Int, heldBack: Bool
        do {
            (summary, leftDue, heldBack) = try await worker.runUntilIdle()
        } catch {
            logger.error("database", metadata: ["error": "\(error)"])
            printError("crawler: \(error)")
            throw ExitStatus.storeUnavailable
        }
        await worker.alerts.flush(stopping: { signals.shutdownRequested })
        printOutput(SummaryTable.render(summary, storePath: database.displayURL))
        // Cut short, or given up: feeds due at the start that no node fetched are not "done".
        if leftDue > 0 {
            let why = signals.shutdownRequested ? "interrupted by the shutdown"
                : heldBack ? "held back longer than a lease: their host throttled several feeds" : "not claimable within 1.5 leases"
            logger.warning("interrupted", metadata: ["node": "\(database.node)", "due": "\(leftDue)", "reason": "\(why)"])
            printOutput("\(counted(leftDue, "feed")) due at the start not fetched (\(why)); the next pass fetches them")
            throw ExitStatus.someFeedsFailed
        }
        if summary.failed > 0 { throw ExitStatus.someFeedsFailed }
    }

    private func selectFeeds(_ feeds: [FeedConfig], disabled: [FeedConfig]) throws -> [FeedConfig] {
        guard !feed.isEmpty else { return feeds }
        var chosen: [FeedConfig] = []
        for wanted in feed {
            // A URL may be given in any spelling of it (HTTP://Example.org:80/feed#top).
            let key = URLIdentity.key(wanted)
            // A name in other capitals is the same name, as feeds.yaml reads names.
            let name = FeedNames.key(wanted)
            let named = { (candidate: FeedConfig) in FeedNames.key(candidate.name) == name || URLIdentity.key(candidate.url) == key }
            if let match = feeds.first(where: named) {
                if !chosen.contains(match) { chosen.append(match) }
            } else if let off = disabled.first(where: named) {
                printError("crawler: \(config):\(off.line): the feed '\(off.name)' is disabled (enabled: false)")
                throw ExitStatus.configError
            } else {
                // A guess, and the names only when they are few: a thousand feeds made a wall of text.
                let names = feeds.map(\.name)
                let guess = NameSuggestion.closest(to: wanted, among: names).map { "; did you mean '\($0)'?" } ?? ""
                let list = names.count <= 10 ? " (feeds: " + names.joined(separator: ", ") + ")" : " (`crawler list` shows all \(names.count))"
                printError("crawler: no feed named or at '\(TerminalText.oneLine(wanted))' in \(config)\(guess)\(list)")
                throw ExitStatus.configError
            }
        }
        return chosen
    }
}
