public import FeedModel
internal import Schedule
public import Logging
internal import Config
internal import Store
internal import Glibc

/// `crawler run`: polls every feed when it is due, for months, until SIGTERM. State lives in the
/// store, so a restart neither re-polls everything at once nor forgets a feed.
public final class Daemon {
    private let configPath: String
    private(set) var config: CrawlerConfig
    let logger: Logger
    private let signals: SignalWatcher
    private let notifier: SystemdNotifier
    private var watchdog: WatchdogPinger
    private var dueTimes: [String: Timestamp] = [:]
    private var totals = (passes: 0, fetches: 0, new: 0, failures: 0)
    /// Consecutive failures per feed, as of its last fetch (for the failing-feeds gauge).
    private var errorsByFeed: [String: Int] = [:]
    private let metrics: CrawlerMetrics?
    private let alerts: AlertNotifier

    /// Feeds due at start (or added by a reload) are spread over this many seconds, or their
    /// interval if shorter, so a restart does not burst every feed at once.
    let startupSpread: Double

    public init(configPath: String, config: CrawlerConfig, logger: Logger, signals: SignalWatcher,
                environment: [String: String], startupSpread: Double = 60, metrics: CrawlerMetrics? = nil) {
        self.configPath = configPath
        self.metrics = metrics
        self.startupSpread = startupSpread
        self.config = config
        self.logger = logger
        self.signals = signals
        alerts = AlertNotifier(config: config, logger: logger)
        notifier = SystemdNotifier(environment: environment)
        watchdog = WatchdogPinger(notifier: notifier, environment: environment)
    }

    /// Runs until a shutdown signal; returns the process exit status.
    public func run() async -> Int32 {
        let store: DocumentStore
        do {
            store = try DocumentStore(config: config)
        } catch {
            logger.error("store", metadata: ["error": "\(error)", "store": "\(config.storePath)"])
            alerts.record(storeError: "\(error)")
            await alerts.flush()
            return 3
        }
        logRecovery(store.recovery)
        loadSchedule(from: store, now: WallClock.now())
        logger.info("startup", metadata: ["feeds": "\(config.feeds.count)", "store": "\(config.storePath)",
                                          "pid": "\(getpid())", "config": "\(configPath)"])
        notifier.ready(status: statusLine())
        while !signals.shutdownRequested {
            if signals.takeReloadRequest() { reload(store: store) }
            let due = dueFeeds(at: WallClock.now())
            if due.isEmpty {
                try? await Task.sleep(for: .milliseconds(sleepMilliseconds(now: WallClock.now())))
            } else {
                await poll(due, store: store)
            }
            await alerts.sendIfDue()
            keepWatchdogHappy()
        }
        await alerts.flush()
        notifier.stopping(status: "shutting down")
        logger.info("shutdown", metadata: ["passes": "\(totals.passes)", "fetches": "\(totals.fetches)",
                                           "new": "\(totals.new)", "failed": "\(totals.failures)"])
        return 0
    }

    private func poll(_ feeds: [FeedConfig], store: DocumentStore) async {
        let now = WallClock.now()
        let lateness = feeds.compactMap { dueTimes[$0.name] }.map { Double(now.secondsSince1970 - $0.secondsSince1970) }
        metrics?.setQueueLag(seconds: lateness.max() ?? 0)
        guard let pipeline = try? Pipeline(config: config, logger: logger) else { return }
        let signals = self.signals
        // A long pass (thousands of feeds due at once) must not look like a hang to systemd.
        let summary = await pipeline.runOnce(feeds: feeds, store: store, isCancelled: { signals.shutdownRequested },
                                             heartbeat: { self.keepWatchdogHappy() },
                                             progress: { _ in self.keepWatchdogHappy() })
        for report in summary.reports {
            // A feed whose state could not be decided is retried after its interval.
            dueTimes[report.feed] = report.nextDue
                ?? (report.state?.gone == true ? nil : WallClock.now().adding(60))
        }
        for report in summary.reports {
            metrics?.record(report)
            errorsByFeed[report.feed] = report.state?.consecutiveErrors ?? 0
        }
        metrics?.setFeeds(total: config.feeds.count,
                          failing: errorsByFeed.values.filter { $0 >= PollBoundsDefaults.failingAfter }.count)
        alerts.record(summary)
        totals.passes += 1
        totals.fetches += summary.reports.count
        totals.new += summary.new
        totals.failures += summary.failed
        notifier.status(statusLine())
    }

    /// Pings the watchdog at half its interval, as systemd recommends.
    private func keepWatchdogHappy() {
        metrics?.tick()
        watchdog.pingIfDue()
    }

    /// Feeds due now, earliest first.
    private func dueFeeds(at now: Timestamp) -> [FeedConfig] {
        config.feeds.filter { feed in dueTimes[feed.name].map { $0 <= now } ?? false }
            .sorted { dueTimes[$0.name]! < dueTimes[$1.name]! }
    }

    /// Until the next feed is due, at most one second, so signals are seen promptly.
    private func sleepMilliseconds(now: Timestamp) -> Int {
        guard let next = dueTimes.values.min() else { return 1000 }
        return Int(max(50, min(1000, (next.secondsSince1970 - now.secondsSince1970) * 1000)))
    }

    private func statusLine() -> String {
        let waiting = dueTimes.count
        return "\(config.feeds.count) feeds (\(waiting) scheduled), \(totals.fetches) fetches, "
            + "\(totals.new) new documents, \(totals.failures) failures"
    }

    // Seams for Daemon+Schedule.swift.
    var configPathForReload: String { configPath }
    var currentFeeds: [FeedConfig] { config.feeds }
    var currentSchedule: [String: Timestamp] { dueTimes }

    func replaceSchedule(_ schedule: [String: Timestamp]) {
        dueTimes = schedule
    }

    func replaceConfig(_ fresh: CrawlerConfig, schedule: [String: Timestamp]) {
        config = fresh
        alerts.update(fresh)
        dueTimes = schedule
        let names = Set(fresh.feeds.map(\.name))
        errorsByFeed = errorsByFeed.filter { names.contains($0.key) }
        notifier.status(statusLine())
    }

    func logReload(_ metadata: Logger.Metadata, warning: Bool) {
        if warning { logger.warning("config_reload", metadata: metadata) } else { logger.info("config_reload", metadata: metadata) }
    }

    private func logRecovery(_ recovery: DocumentStore.Recovery) {
        guard !recovery.isEmpty else { return }
        logger.warning("store_recovery", metadata: [
            "removed_temp_files": "\(recovery.removedTemporaryFiles)", "completed": "\(recovery.completedDocuments)",
            "forgotten": "\(recovery.forgottenDocuments)",
        ])
    }
}
