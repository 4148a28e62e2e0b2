public import FeedModel
internal import Schedule
public import Logging
internal import Config
internal import Store
internal import Glibc
internal import Fetch

/// `crawler run`: polls every feed when it is due, for months, until SIGTERM. State lives in the
/// store, so a restart neither re-polls everything at once nor forgets a feed.
///
/// Continuous, not in passes: feeds wait in a due-queue by the time they are next due, and are
/// handed to one long-lived pipeline flow (one fetch engine for the process's life) as they fall
/// due; each is rescheduled when its report comes back. A stalled server holds its own feeds only.
public final class Daemon {
    private let configPath: String
    private(set) var config: CrawlerConfig {
        didSet { feedPositions = Self.positions(config.feeds) }
    }
    /// What the fetch engine runs with: it lives as long as the process, so a reload that changes
    /// these waits for a restart, and one that puts them back needs none.
    let engineSettings: FetchSettings
    /// Where each configured feed is in `config.feeds`, by name: looked up for every feed that
    /// falls due and every report. Positions, not copies: a feed's settings are several hundred
    /// bytes, 7 MB more for 10,000 feeds.
    private var feedPositions: [String: Int]
    let logger: Logger
    private let signals: SignalWatcher
    private let notifier: SystemdNotifier
    private var watchdog: WatchdogPinger
    var queue = DueQueue()
    /// Feeds handed to the flow and not reported yet.
    var submitted: [String: Submission] = [:]
    var lateness = LatenessWindow()
    private var totals = (fetches: 0, new: 0, failures: 0)
    private var summary = PeriodSummary()
    /// Each feed's consecutive failures and whether it is gone, as of its last fetch: read from
    /// the store at start (a feed backed off for hours, or gone, is not fetched again soon) and
    /// kept from each report, for the failing and gone gauges.
    private var standing: [String: (errors: Int, gone: Bool)] = [:]
    /// When the last reload refused feeds.yaml; nil once one works (`logReload`).
    private(set) var configRefused: Timestamp?
    /// The configuration file's modification time when the running configuration was read.
    var configModified: Int64?
    /// Since when the store fails, and its last error (`noteStoreHealth`); nil while it works.
    var storeFailure: (since: Timestamp, error: String)?
    /// The keys of feeds.yaml changed since start that wait for a restart (`RestartSettings`,
    /// `EngineSettingsChange`), as the last reload found them.
    var restartPending: [String] = []
    /// Why the runtime file could not be written the last time (nil: it was).
    var runtimeFileProblem: String?
    /// `store_slow` was logged for the batch the store is on.
    var storeSlowSaid = false
    /// When the loop last began a turn, or finished a reload (wall clock, ms): a longer gap than a
    /// turn takes means the daemon was not running (`spreadOverdueAfterPause`).
    var turnStartedAt: Int64?
    let metrics: CrawlerMetrics?
    private var publishedAt: Int64 = 0
    private let alerts: AlertNotifier
    /// Reports since the loop last handed them to `alerts` (a batch's store failure is one event).
    private var unalerted: [FeedReport] = []

    /// Feeds due at start (or added by a reload) are spread over this many seconds, or their
    /// interval if shorter, so a restart does not burst every feed at once.
    let startupSpread: Double

    public init(configPath: String, config: CrawlerConfig, logger: Logger, signals: SignalWatcher,
                environment: [String: String], startupSpread: Double = 60, metrics: CrawlerMetrics? = nil) {
        self.configPath = configPath
        configModified = modificationTime(of: configPath)
        self.metrics = metrics
        self.startupSpread = startupSpread
        self.config = config
        engineSettings = FetchSettings(config)
        feedPositions = Self.positions(config.feeds)
        self.logger = logger
        self.signals = signals
        alerts = AlertNotifier(config: config, logger: logger)
        notifier = SystemdNotifier(environment: environment)
        watchdog = WatchdogPinger(notifier: notifier, environment: environment)
    }

    /// Runs until a shutdown signal; returns the process exit status.
    public func run() async -> Int32 {
        let store: DocumentStore
        let pipeline: Pipeline
        do {
            store = try DocumentStore(config: config)
        } catch {
            logger.error("store", metadata: ["error": "\(error)", "store": "\(config.storePath)"])
            alerts.record(storeError: "\(error)")
            await alerts.flush()
            return 3
        }
        do {
            pipeline = try Pipeline(config: config, logger: logger)
        } catch {
            // Checked when the configuration was loaded; kept as an error rather than a crash.
            logger.error("config", metadata: ["error": "\(error)", "config": "\(configPath)"])
            return 2
        }
        logRecovery(store.recovery)
        do {
            try StoreProfile.check(store, config: config)
        } catch {
            logger.error("store_profile", metadata: ["error": "\(error)", "store": "\(config.storePath)"])
            return 2
        }
        let signals = self.signals
        let flow = pipeline.flow(store: store, isCancelled: { signals.shutdownRequested },
                                 heartbeat: { [unowned self] in keepWatchdogHappy() },
                                 report: { [unowned self] in record($0) })
        flow.remember(loadSchedule(from: store, now: WallClock.now()))
        logger.info("startup", metadata: ["feeds": "\(config.feeds.count)", "store": "\(config.storePath)",
                                          "pid": "\(getpid())", "config": "\(configPath)"])
        if notifier.isActive, !notifier.ready(status: statusLine()) {
            // Under systemd this ends as a start timeout with nothing else in the journal (round 60).
            logger.warning("notify_socket", metadata: [
                "socket": "\(notifier.socketName)",
                "reason": "NOTIFY_SOCKET is set but READY=1 could not be sent there; a Type=notify unit will time out starting",
            ])
        }
        while !signals.shutdownRequested {
            spreadOverdueAfterPause()
            if signals.takeReloadRequest() {
                // systemd holds `systemctl reload` until READY=1 follows RELOADING=1.
                notifier.reloading()
                await reload(flow: flow, store: store)
                notifier.ready(status: statusLine())
                turnStartedAt = WallClock.wallMilliseconds()  // a long reload is no pause
            }
            await submitDue(to: flow)
            // Returns on the next result, or within a quarter second on the flow's tick.
            guard await flow.step() else { break }
            alerts.record(unalerted)
            unalerted = []
            await alerts.sendIfDue()
            keepWatchdogHappy()
            publishIfDue(flow: flow)
        }
        // Transfers in flight stop (the engine sees the shutdown); what was read is stored.
        flow.close()
        while await flow.step() {}
        RuntimeFile.remove(storePath: config.storePath)
        alerts.record(unalerted)
        // Bounded: past the unit's stop timeout, systemd's SIGKILL would lose the digest and its log line.
        await alerts.flush(stopping: { true })
        notifier.stopping(status: "shutting down")
        logger.info("shutdown", metadata: ["fetches": "\(totals.fetches)", "new": "\(totals.new)",
                                           "failed": "\(totals.failures)"])
        return 0
    }

    /// Hands the feeds due now to the flow, earliest first. A feed held back by its state (gone,
    /// or asked to wait) is not fetched; it is looked at again when its hold ends, or in a minute.
    private func submitDue(to flow: PipelineFlow) async {
        let now = WallClock.now()
        var due = queue.popDue(at: now)
        guard !due.isEmpty else { return }
        // A feed whose old transfer (before a reload renamed it, re-added it or changed its URL)
        // is still out is looked at again in a second.
        due.removeAll { entry in
            guard let position = feedPositions[entry.feed], flow.isInFlight(config.feeds[position]) else { return false }
            queue.schedule(entry.feed, at: now.adding(1))
            return true
        }
        guard !due.isEmpty else { return }
        let feeds = due.compactMap { feedPositions[$0.feed].map { config.feeds[$0] } }
        let submittedAt = WallClock.wallMilliseconds()
        for entry in due { submitted[entry.feed] = Submission(due: entry.due, at: submittedAt) }
        let held = await flow.submit(feeds)
        let states = held.isEmpty ? [:] : await flow.states(of: held)
        for feed in held {
            submitted[feed.name] = nil
            if let state = states[feed.name], state.gone { continue }
            let until = states[feed.name]?.notBefore.flatMap { $0 > now ? $0 : nil }
            queue.schedule(feed.name, at: until ?? now.adding(60))
        }
    }

    /// A feed's report: reschedule it, and count it.
    private func record(_ report: FeedReport) {
        if let submission = submitted.removeValue(forKey: report.feed), submission.started == nil {
            // Not seen starting (its transfer was shorter than a look at the engine): due →
            // started is the lateness in being handed over, then the wait for a transfer slot.
            let handedOver = max(0, submission.at - submission.due.secondsSince1970 * 1000)
            addLateness(handedOver + Int64(report.waitMilliseconds))
        }
        // A feed removed by a reload while it was being fetched is not scheduled again; a feed
        // whose state could not be decided is retried after a minute.
        // Nor counted among the failing or gone feeds.
        if feedPositions[report.feed] != nil {
            if let next = report.nextDue ?? (report.state?.gone == true ? nil : WallClock.now().adding(60)) {
                queue.schedule(report.feed, at: next)
            }
            standing[report.feed] = (report.state?.consecutiveErrors ?? 0, report.state?.gone ?? false)
        }
        metrics?.record(report)
        noteStoreHealth(report)
        unalerted.append(report)
        totals.fetches += 1
        totals.new += report.new
        if report.error != nil { totals.failures += 1 }
        summary.add(report)
    }

    /// Every few seconds: the queue's figures to /metrics, systemd and the store's runtime file
    /// (`crawler status` reads it); once a minute, a `pass` line summing up the minute.
    private func publishIfDue(flow: PipelineFlow) {
        let now = WallClock.milliseconds()
        guard now - publishedAt >= 2000 else { return }
        publishedAt = now
        let load = flow.engineLoad
        noteStarts(load)
        let runtime = runtimeFigures(flow: flow, load: load)
        metrics?.setQueue(runtime)
        metrics?.setFeeds(total: config.feeds.count,
                          failing: standing.values.count { !$0.gone && $0.errors >= PollBoundsDefaults.failingAfter },
                          gone: standing.values.count(where: \.gone))
        noteRuntimeFile(RuntimeFile.write(runtime, storePath: config.storePath))
        noteStoreBusy(flow.storeBusyMilliseconds)
        notifier.status(statusLine())
        if let line = summary.takeIfDue(now: now) {
            logger.info("pass", metadata: line.merging([
                "queued": "\(runtime.scheduled)", "in_flight": "\(runtime.inFlight)",
                "lateness_p50_ms": "\(runtime.latenessP50)", "lateness_p99_ms": "\(runtime.latenessP99)",
            ]) { $1 })
        }
    }

    /// Pings the watchdog at half its interval, as systemd recommends.
    private func keepWatchdogHappy() {
        metrics?.tick()
        watchdog.pingIfDue()
    }

    private static func positions(_ feeds: [FeedConfig]) -> [String: Int] {
        Dictionary(feeds.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    private func statusLine() -> String {
        "\(config.feeds.count) feeds (\(queue.count) scheduled, \(submitted.count) in flight), \(totals.fetches) fetches, "
            + "\(totals.new) new documents, \(totals.failures) failures"
            + (configRefused == nil ? "" : "; the last reload was refused: running the configuration read before")
    }

    /// A feed's stored state, read at start or at a reload, as the gauges count it: a state of
    /// another URL (changed while the daemon was stopped) is the old address's, not this feed's.
    func noteStanding(of feed: FeedConfig, _ state: FeedState?) {
        guard let state, state.belongs(to: feed.url) else {
            standing[feed.name] = nil
            return
        }
        standing[feed.name] = (state.consecutiveErrors, state.gone)
    }

    // Seams for Daemon+Schedule.swift.
    var configPathForReload: String { configPath }
    var currentFeeds: [FeedConfig] { config.feeds }
    func configuredFeed(named name: String) -> FeedConfig? {
        feedPositions[name].map { config.feeds[$0] }
    }

    func replaceConfig(_ fresh: CrawlerConfig) {
        config = fresh
        alerts.update(fresh)
        let names = Set(fresh.feeds.map(\.name))
        standing = standing.filter { names.contains($0.key) }
        notifier.status(statusLine())
    }

    /// A refused reload is kept in view until one works: in `crawler status`, /metrics and
    /// systemd's status line. One warning line was all, and the feed just added never came.
    func logReload(_ metadata: Logger.Metadata, warning: Bool, refused: Bool = false) {
        if warning { logger.warning("config_reload", metadata: metadata) } else { logger.info("config_reload", metadata: metadata) }
        configRefused = refused ? WallClock.now() : nil
        metrics?.setConfigRefused(refused)
        publishedAt = 0  // `crawler status` hears of it at the loop's next turn, not minutes later
        notifier.status(statusLine())
    }

    private func logRecovery(_ recovery: DocumentStore.Recovery) {
        guard !recovery.isEmpty else { return }
        logger.warning("store_recovery", metadata: [
            "removed_temp_files": "\(recovery.removedTemporaryFiles)", "completed": "\(recovery.completedDocuments)",
            "forgotten": "\(recovery.forgottenDocuments)", "rewrites_finished": "\(recovery.finishedRewrites)",
        ])
    }
}
