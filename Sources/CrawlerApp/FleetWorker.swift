public import FeedModel
public import Logging
public import Fleet
public import Convert
internal import Store
internal import Config
internal import Glibc
internal import Synchronization
internal import Fetch

/// `crawler run` and `crawler once` when feeds.yaml names a `database:`: one node of a fleet.
/// The node claims due feeds (with their hosts) from the shared database, crawls them with the
/// same pipeline as a single machine, stores documents insert-if-absent in the database, and
/// gives the leases back. Feeds come from the database (`crawler feeds sync`); the file gives
/// this node's settings.
public final class FleetWorker {
    private let configPath: String
    var config: CrawlerConfig
    var pipeline: Pipeline
    let database: FleetDatabase
    let store: FleetStore
    let logger: Logger
    let signals: SignalWatcher
    let notifier: SystemdNotifier
    private var watchdog: WatchdogPinger
    let metrics: CrawlerMetrics?
    private var lastHeartbeat: Int64 = 0
    var totals = (passes: 0, fetches: 0, new: 0, failures: 0)
    /// The alerts of the feeds this node crawled (`notify:`).
    public let alerts: AlertNotifier
    /// Reports the flow has given since the loop last handed them to `alerts`.
    var unalerted: [FeedReport] = []
    /// The fetch engine's settings, which it keeps for the process's life.
    private let engineSettings: FetchSettings

    public init(configPath: String, config: CrawlerConfig, database: FleetDatabase, logger: Logger,
                signals: SignalWatcher, environment: [String: String], metrics: CrawlerMetrics? = nil)
        throws(OutputFormat.TemplateError) {
        self.configPath = configPath
        self.config = config
        self.database = database
        // Every line of this node's own names it, the pipeline's fetch and pass lines included.
        var logger = logger
        logger[metadataKey: "node"] = "\(database.node)"
        self.logger = logger
        self.signals = signals
        self.metrics = metrics
        alerts = AlertNotifier(config: config, logger: logger)
        pipeline = try Pipeline(config: config, logger: logger)
        store = FleetStore(database: database, layout: DocumentLayout(pattern: config.documentPath) ?? .standard)
        notifier = SystemdNotifier(environment: environment)
        watchdog = WatchdogPinger(notifier: notifier, environment: environment)
        engineSettings = FetchSettings(config)
    }

    /// Claims and crawls until nothing is claimable now (`crawler once`); feeds other nodes hold
    /// are theirs to finish.
    /// `heldBack`: it stopped because what is left is on hosts held for their Retry-After (they
    /// throttled several feeds), which a pass does not wait out.
    public func runUntilIdle() async throws(FleetError) -> (summary: PassSummary, leftDue: Int, heldBack: Bool) {
        try heartbeat(force: true)
        var reports: [FeedReport] = []
        var milliseconds = 0
        let started = try database.databaseTime()
        var fetched: Set<String> = []
        var stuckSince = ContinuousClock.now
        var leftDue = 0
        var heldBack = false
        // Until every feed due at the start is fetched, by this node or another; not those that
        // fall due meanwhile (with intervals shorter than a pass, `once` would never end). A
        // host's gap or another node's lease is waited out; claims that keep failing while the
        // database says something is claimable are given up after 1.5 leases.
        while !signals.shutdownRequested {
            leftDue = try database.dueFeeds(asOf: started, excluding: fetched)
            guard leftDue > 0 else { break }
            if let summary = try await pass() {
                reports += summary.reports
                milliseconds += summary.milliseconds
                fetched.formUnion(summary.reports.map(\.feed))
                stuckSince = .now
                continue
            }
            // What is left only on hosts held for a Retry-After: not waited out by a pass.
            if try database.dueFeeds(asOf: started, excluding: fetched, outsideHostHolds: true) == 0 {
                heldBack = true
                break
            }
            guard let wait = try database.secondsUntilClaimable() else { break }
            if wait > 1 { stuckSince = .now }
            guard ContinuousClock.now - stuckSince < .seconds(config.lease * 1.5) else { break }
            try? await Task.sleep(for: .milliseconds(Int(min(max(wait, 0.05), 1) * 1000)))
        }
        if signals.shutdownRequested { leftDue = try database.dueFeeds(asOf: started, excluding: fetched) }
        logger.info("node_done", metadata: ["node": "\(database.node)", "passes": "\(totals.passes)",
                                            "feeds": "\(reports.count)", "round_trips": "\(database.connection.roundTrips)"])
        return (PassSummary(reports: reports, milliseconds: milliseconds), leftDue, heldBack && !signals.shutdownRequested)
    }

    /// Runs until a shutdown signal; returns the process exit status.
    public func run() async -> Int32 {
        do {
            try heartbeat(force: true)
            let feeds = try database.feeds().count
            logger.info("startup", metadata: [
                "node": "\(database.node)", "database": "\(database.displayURL)",
                "feeds": "\(feeds)", "pid": "\(getpid())", "config": "\(configPath)",
            ])
            if feeds == 0 {
                logger.warning("no_feeds", metadata: ["node": "\(database.node)",
                    "reason": "the database lists no feeds; run `crawler feeds sync --config \(configPath)`"])
            }
        } catch {
            logger.error("database", metadata: ["error": "\(error)", "node": "\(database.node)"])
            return 3
        }
        notifier.ready(status: statusLine())
        // One flow at a time, for as long as this node holds its leases (see FleetWorker+Flow).
        while !signals.shutdownRequested {
            await crawlContinuously()
        }
        await alerts.flush(stopping: { true })
        notifier.stopping(status: "shutting down")
        try? database.releaseLeases()
        logger.info("shutdown", metadata: ["node": "\(database.node)", "passes": "\(totals.passes)",
                                           "fetches": "\(totals.fetches)", "new": "\(totals.new)",
                                           "failed": "\(totals.failures)",
                                           "round_trips": "\(database.connection.roundTrips)"])
        return 0
    }

    /// Claims a share of the due feeds, crawls them, gives the leases back; nil when nothing was claimable.
    private func pass() async throws(FleetError) -> PassSummary? {
        let claims = try database.claim(limits)
        guard !claims.isEmpty else { return nil }
        let hosts = Set(claims.map(\.feed.host)).count
        logger.debug("claim", metadata: ["node": "\(database.node)", "feeds": "\(claims.count)", "hosts": "\(hosts)"])
        store.prepare(for: claims)
        let leases = LeaseWatch(database: database, lease: config.lease, hosts: hosts, logger: logger)
        let signals = self.signals
        let summary = await pipeline.runOnce(feeds: claims.map(\.feed.config), store: store,
                                             isCancelled: { signals.shutdownRequested || leases.lost },
                                             heartbeat: { self.keepWatchdogHappy() }, progress: { report in
            leases.renewIfDue()
            self.metrics?.record(report)
            self.keepWatchdogHappy()
        })
        // A feed claimed but not fetched (cancelled, or skipped by its own state) must not be claimed
        // again at once, in a loop.
        let fetched = Set(summary.reports.map(\.feed))
        try database.postpone(claims.map(\.feed.config.name).filter { !fetched.contains($0) }, seconds: 60)
        // A host that throttled several feeds is the fleet's to leave alone, as in `run`: released
        // with its gap alone, the next pass (of any node) asked it again a second later.
        let hostOf = Dictionary(claims.map { ($0.feed.config.name, $0.feed.host) }, uniquingKeysWith: { first, _ in first })
        var holds: [String: Double] = [:]
        for report in summary.reports {
            guard let host = hostOf[report.feed], let seconds = Self.hostHold(report) else { continue }
            holds[host] = max(holds[host] ?? 0, seconds)
        }
        if !holds.isEmpty { try database.holdHosts(holds) }
        try database.releaseLeases()
        alerts.record(summary)
        totals.passes += 1
        totals.fetches += summary.reports.count
        totals.new += summary.new
        totals.failures += summary.failed
        notifier.status(statusLine())
        return summary
    }

    /// Seconds more a feed's host is held back, when the engine deferred the feed because its
    /// host throttled several feeds (its state's notBefore says until when).
    static func hostHold(_ report: FeedReport) -> Double? {
        guard report.deferral != nil, let until = report.state?.notBefore else { return nil }
        let seconds = Double(until.secondsSince1970 - WallClock.now().secondsSince1970)
        return seconds > 0 ? seconds : nil
    }

    /// Enough hosts to keep every transfer slot busy, and per host only as many feeds as its gap
    /// lets finish well within the lease.
    var limits: ClaimLimits {
        let perHost = config.hostGap > 0 ? Int(config.lease / 3 / config.hostGap) : 200
        return ClaimLimits(hosts: config.concurrency * 2, feedsPerHost: max(1, min(200, perHost)),
                           feeds: max(64, config.concurrency * 8), lease: config.lease)
    }

    func heartbeat(force: Bool) throws(FleetError) {
        let now = WallClock.milliseconds()
        guard force || now - lastHeartbeat >= 10_000 else { return }
        try database.heartbeat(hostname: Self.hostname, pid: getpid())
        lastHeartbeat = now
    }

    /// SIGHUP: this node's own settings from the file (feeds live in the database).
    func reload() {
        do {
            var fresh = OpenFileLimit.fitted(try ConfigLoader.load(path: configPath))
            _ = try Pipeline(config: fresh, logger: logger)  // the template must compile
            // (CRAWLER_DATABASE_URL, read by the loader, wins over the file's `database:`; a changed
            // one is told as waiting for a restart: round 61 found it "applied".)
            // Round 61: a new user_agent was "applied" and never sent: the engine keeps its own.
            let engineKeys = EngineSettingsChange.keys(from: engineSettings, to: FetchSettings(fresh))
            fresh = RestartSettings.keepingRunning(fresh, running: config, logger: logger).config
            pipeline = try Pipeline(config: fresh, logger: logger)
            config = fresh
            alerts.update(fresh)
            var metadata: Logger.Metadata = ["status": "applied", "node": "\(database.node)"]
            guard !engineKeys.isEmpty else { return logger.info("config_reload", metadata: metadata) }
            let keys = engineKeys.joined(separator: ", ")
            metadata["restart_needed"] = "\(keys): changed; the running fetch engine keeps its values until the node is restarted"
            logger.warning("config_reload", metadata: metadata)
        } catch {
            logger.warning("config_reload", metadata: ["status": "rejected", "error": "\(error)"])
        }
    }

    func keepWatchdogHappy() {
        metrics?.tick()
        watchdog.pingIfDue()
    }

    func statusLine() -> String {
        "node \(database.node): \(totals.fetches) fetches, \(totals.new) new documents, \(totals.failures) failures"
    }

    private static var hostname: String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Renews this node's leases during a pass, and says when one lapsed: another node may then be
/// on that host, so this pass stops rather than break the host's gap.
private final class LeaseWatch: Sendable {
    private let lapsed = Atomic<Bool>(false)
    private let renewedAt = Atomic<Int64>(WallClock.milliseconds())
    // Used only from the pass's own task (the progress callback); the flag is what crosses threads.
    nonisolated(unsafe) private let database: FleetDatabase
    private let lease: Double
    private let hosts: Int
    let logger: Logger

    init(database: FleetDatabase, lease: Double, hosts: Int, logger: Logger) {
        self.database = database
        self.lease = lease
        self.hosts = hosts
        self.logger = logger
    }

    var lost: Bool { lapsed.load(ordering: .acquiring) }

    func renewIfDue() {
        let now = WallClock.milliseconds()
        guard !lost, Double(now - renewedAt.load(ordering: .relaxed)) >= lease * 1000 / 3 else { return }
        renewedAt.store(now, ordering: .relaxed)
        do {
            let held = try database.renewLeases(lease: lease)
            guard held < hosts else { return }
            logger.warning("lease_lost", metadata: ["node": "\(database.node)", "held": "\(held)", "claimed": "\(hosts)",
                                                     "reason": "a lease lapsed before it was renewed; stopping this pass"])
        } catch {
            logger.warning("lease_lost", metadata: ["node": "\(database.node)", "error": "\(error)"])
        }
        lapsed.store(true, ordering: .releasing)
    }
}
