internal import FeedModel
internal import Fleet
internal import Logging
internal import Synchronization

/// `crawler run` on a fleet node: the daemon's continuous flow, fed by claims. Claims are made
/// whenever the flow has room; a host's lease is given back as soon as the feeds claimed on it
/// are all reported (so other nodes may take it after its gap), and the leases still held are
/// renewed every third of the lease. The database is used only while the flow's store batches
/// are settled: the connection is the store's too.
extension FleetWorker {
    /// Runs one flow until shutdown, or until a lease lapsed (another node may be on that host:
    /// the flow's transfers stop and everything this node holds is given back).
    func crawlContinuously() async {
        let node = FleetNode(worker: self)
        let lost = LeaseWatch(lease: config.lease)
        let signals = self.signals
        let flow = pipeline.flow(store: store, isCancelled: { signals.shutdownRequested || lost.isSet },
                                 heartbeat: { [unowned self] in keepWatchdogHappy() },
                                 report: { [unowned self] report in
            node.holdHostIfDeferred(report)
            node.reported(report.feed)
            metrics?.record(report)
            totals.fetches += 1
            totals.new += report.new
            if report.error != nil { totals.failures += 1 }
            unalerted.append(report)
        })
        var nextClaim: Int64 = 0
        var lastRenewal = WallClock.milliseconds()
        var outage = DatabaseOutage()
        while !signals.shutdownRequested && !lost.isSet {
            if signals.takeReloadRequest() {
                notifier.reloading()
                reload()
                flow.reconfigure(pipeline)
                notifier.ready(status: statusLine())
            }
            let now = WallClock.milliseconds()
            let claimDue = flow.inFlight < limits.feeds / 2 && now >= nextClaim
            let renewalDue = now - lastRenewal >= Int64(config.lease * 1000 / 3)
            if claimDue || renewalDue || node.hasHostsToRelease, now >= outage.retryAt {
                await flow.settle()
                do {
                    try heartbeat(force: false)
                    try node.writeHostHolds()
                    try node.releaseFinishedHosts()
                    if renewalDue {
                        lastRenewal = now
                        if try node.renew(lease: config.lease) { lost.renewed(askedAt: now) } else { lost.set() }
                    }
                    if claimDue && !lost.isSet, try await !node.claim(into: flow) {
                        // Nothing claimable: look again when something may be, within a second.
                        let wait = try database.secondsUntilClaimable() ?? 1
                        nextClaim = now + Int64(min(1, max(0.05, wait)) * 1000)
                    }
                    if let lasted = outage.ended(now: now) {
                        logger.notice("database", metadata: ["status": "back", "after_seconds": "\(lasted / 1000)",
                                                             "node": "\(database.node)"])
                    }
                } catch {
                    // The database is away (restart, network): keep trying, less and less often,
                    // and say so less and less often too; nothing local is lost.
                    if outage.failed(now: now) {
                        logger.error("database", metadata: ["error": "\(error)", "node": "\(database.node)",
                                                            "failures": "\(outage.failures)",
                                                            "retry_in_ms": "\(outage.retryAt - now)"])
                    }
                    nextClaim = outage.retryAt
                }
            }
            guard await flow.step() else { break }
            alerts.record(unalerted)
            unalerted = []
            await alerts.sendIfDue()
            keepWatchdogHappy()
        }
        if lost.ranOut {
            logger.warning("lease_lost", metadata: [
                "node": "\(database.node)",
                "reason": "\(Self.leaseRanOut)"])
        }
        // Transfers in flight stop; what was read is stored; then every lease goes back.
        flow.close()
        while await flow.step() {}
        alerts.record(unalerted)
        unalerted = []
        do {
            try database.postpone(node.outstandingFeeds, seconds: 60)
            try database.releaseLeases()
        } catch {
            logger.error("database", metadata: ["error": "\(error)", "node": "\(database.node)"])
        }
        notifier.status(statusLine())
    }
}

/// What this node holds: the feeds claimed and not yet reported, by host, and the hosts whose
/// feeds are all done, to give back.
private final class FleetNode {
    private unowned let worker: FleetWorker
    private var feedsByHost: [String: Set<String>] = [:]
    private var hostOfFeed: [String: String] = [:]
    private var finishedHosts: Set<String> = []

    init(worker: FleetWorker) {
        self.worker = worker
    }

    var hasHostsToRelease: Bool { !finishedHosts.isEmpty }
    var outstandingFeeds: [String] { Array(hostOfFeed.keys) }

    func reported(_ feed: String) {
        guard let host = hostOfFeed.removeValue(forKey: feed) else { return }
        feedsByHost[host]?.remove(feed)
        if feedsByHost[host]?.isEmpty == true {
            feedsByHost[host] = nil
            finishedHosts.insert(host)
        }
    }

    /// Hosts that throttled several feeds, and how many seconds more the whole fleet leaves them
    /// alone: the engine holds them back on this node, the database on every other.
    private var hostHolds: [String: Double] = [:]

    /// A feed its host held back (it throttled several feeds) says how long: its state's notBefore.
    func holdHostIfDeferred(_ report: FeedReport) {
        guard let host = hostOfFeed[report.feed], let seconds = FleetWorker.hostHold(report) else { return }
        hostHolds[host] = max(hostHolds[host] ?? 0, seconds)
    }

    func writeHostHolds() throws(FleetError) {
        guard !hostHolds.isEmpty else { return }
        try worker.database.holdHosts(hostHolds)
        hostHolds = [:]
    }

    func releaseFinishedHosts() throws(FleetError) {
        guard !finishedHosts.isEmpty else { return }
        try worker.database.releaseLeases(hosts: Array(finishedHosts))
        finishedHosts = []
    }

    /// Extends the leases; false when fewer hosts are held than this node has feeds on.
    func renew(lease: Double) throws(FleetError) -> Bool {
        let held = try worker.database.renewLeases(lease: lease)
        guard held < feedsByHost.count else { return true }
        worker.logger.warning("lease_lost", metadata: [
            "node": "\(worker.database.node)", "held": "\(held)", "claimed": "\(feedsByHost.count)",
            "reason": "a lease lapsed before it was renewed; stopping this node's transfers and starting afresh"])
        return false
    }

    /// Claims due feeds and hands them to the flow; true when any were claimed. Feeds their state
    /// holds back are postponed, and a host left without feeds is given back.
    func claim(into flow: PipelineFlow) async throws(FleetError) -> Bool {
        let claims = try worker.database.claim(worker.limits)
        guard !claims.isEmpty else { return false }
        worker.logger.debug("claim", metadata: ["node": "\(worker.database.node)", "feeds": "\(claims.count)",
                                                "hosts": "\(Set(claims.map(\.feed.host)).count)"])
        var states: [String: FeedState?] = [:]
        for claim in claims {
            let name = claim.feed.config.name
            states[name] = .some(claim.state)
            hostOfFeed[name] = claim.feed.host
            feedsByHost[claim.feed.host, default: []].insert(name)
        }
        // The claim's state is the fleet's latest (another node may have fetched the feed since).
        flow.remember(states)
        worker.store.claimed(claims)
        let held = await flow.submit(claims.map(\.feed.config))
        try worker.database.postpone(held.map(\.name), seconds: 60)
        for feed in held { reported(feed.name) }
        worker.totals.passes += 1
        return true
    }
}

extension FleetWorker {
    static let leaseRanOut = "no renewal for a whole lease (the process was stopped or starved, or the database away); "
        + "stopping this node's transfers before another node's on the same hosts, and starting afresh"
}

/// Whether this node may still act on its leases: not once a renewal found one lapsed (`set`),
/// nor once a whole lease has passed since the last renewal that held them all, whatever the
/// loop was doing (a process stopped or starved that long runs on a lease another node may
/// hold now). Asked by the fetch engine before every transfer it starts, from its own thread.
private final class LeaseWatch: Sendable {
    private let flag = Atomic<Bool>(false)
    /// Monotonic milliseconds until which the leases hold: a renewal asked at `t` holds them to
    /// the database's `now() + lease`, which is no earlier than `t + lease`.
    private let validUntil: Atomic<Int64>
    private let lease: Int64

    init(lease: Double) {
        self.lease = Int64(lease * 1000)
        // The flow's first claims are made after this, with leases of their own that long.
        validUntil = Atomic(WallClock.milliseconds() + Int64(lease * 1000))
    }

    func set() { flag.store(true, ordering: .releasing) }

    func renewed(askedAt milliseconds: Int64) {
        validUntil.store(milliseconds + lease, ordering: .releasing)
    }

    var ranOut: Bool { WallClock.milliseconds() >= validUntil.load(ordering: .acquiring) }
    var isSet: Bool { flag.load(ordering: .acquiring) || ranOut }
}

/// A database that does not answer: asked again after 1, 2, 4 ... up to 30 seconds, and logged
/// at the first failure, then at most once a minute (round 61: a line a second, 3,600 an hour).
struct DatabaseOutage {
    private(set) var failures = 0
    private(set) var retryAt: Int64 = 0
    private var since: Int64 = 0
    private var loggedAt: Int64 = 0

    /// Whether this failure is to be logged.
    mutating func failed(now: Int64) -> Bool {
        if failures == 0 { since = now }
        failures += 1
        retryAt = now + min(30_000, 1000 << min(failures - 1, 5))
        guard failures == 1 || now - loggedAt >= 60_000 else { return false }
        loggedAt = now
        return true
    }

    /// How long the outage lasted (ms), when one just ended.
    mutating func ended(now: Int64) -> Int64? {
        guard failures > 0 else { return nil }
        defer { self = DatabaseOutage() }
        return now - since
    }
}
