internal import Prometheus
internal import Store
internal import Synchronization
internal import Glibc

/// The daemon's Prometheus metrics, fed from each pass's reports.
public final class CrawlerMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let fetches: [String: Counter]
    private let bytes: Counter
    private let stored: Counter
    private let duplicates: Counter
    private let feeds: Gauge
    private let failing: Gauge
    private let gone: Gauge
    private let latency: ValueHistogram
    private let lag: Gauge
    private let queued: Gauge
    private let due: Gauge
    private let inFlight: Gauge
    private let waiting: Gauge
    private let lateness: [String: Gauge]
    private let hostsWaiting: Gauge
    private let longestHostWait: Gauge
    private let hostsHeld: Gauge
    private let configRefused: Gauge
    private let storeFailingGauge: Gauge
    /// The store's last failure while nothing has been stored since (nil: it works), for /healthz.
    private let storeFailure = Mutex<String?>(nil)
    /// Monotonic milliseconds of the scheduler loop's last turn, for /healthz. It starts at
    /// creation: a daemon still opening its store and loading state has the same 30 s to turn
    /// its loop as a running one, rather than being reported stalled before it began.
    private let lastTick = Atomic<Int64>(WallClock.milliseconds())

    static let statusClasses = ["2xx", "3xx", "4xx", "5xx", "error"]

    public init() {
        func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "crawler", metricName: metric, unitName: unit, helpText: help)
        }
        var fetches: [String: Counter] = [:]
        for statusClass in Self.statusClasses {
            fetches[statusClass] = registry.makeCounter(
                descriptor: name("fetches", "total", "Fetches by HTTP status class (error: no response)."),
                labels: [("class", statusClass)])
        }
        self.fetches = fetches
        bytes = registry.makeCounter(descriptor: name("fetched_bytes", "total", "Bytes received on the wire."))
        stored = registry.makeCounter(descriptor: name("documents_stored", "total", "Documents written to the store."))
        duplicates = registry.makeCounter(descriptor: name("duplicates", "total", "Items already in the store."))
        feeds = registry.makeGauge(descriptor: name("feeds", "", "Feeds configured."))
        failing = registry.makeGauge(descriptor: name("feeds_failing", "", "Feeds failing 5 or more times in a row."))
        gone = registry.makeGauge(descriptor: name("feeds_gone", "", "Feeds that answered 410 Gone: not polled until their URL changes."))
        latency = registry.makeValueHistogram(
            descriptor: name("fetch_duration", "seconds", "Time from request to complete response."),
            buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30])
        lag = registry.makeGauge(
            descriptor: name("queue_lag", "seconds", "How late the latest fetch started after it was due."))
        queued = registry.makeGauge(descriptor: name("queue_feeds", "", "Feeds waiting in the due-queue."))
        due = registry.makeGauge(descriptor: name("queue_due", "", "Feeds in the due-queue that are due now."))
        inFlight = registry.makeGauge(descriptor: name("transfers_in_flight", "", "Transfers running."))
        waiting = registry.makeGauge(
            descriptor: name("transfers_waiting", "", "Requests waiting for a transfer slot or their host's politeness."))
        var lateness: [String: Gauge] = [:]
        for quantile in ["0.5", "0.99"] {
            lateness[quantile] = registry.makeGauge(
                descriptor: name("queue_lateness", "seconds", "Due to transfer started, over the feeds started recently and those still waiting."),
                labels: [("quantile", quantile)])
        }
        self.lateness = lateness
        hostsWaiting = registry.makeGauge(descriptor: name("hosts_waiting", "", "Hosts with requests held back."))
        longestHostWait = registry.makeGauge(
            descriptor: name("host_wait_max", "seconds", "The longest a request has waited for its host."))
        hostsHeld = registry.makeGauge(descriptor: name(
            "hosts_held", "", "Hosts held back after throttling several feeds (429/503): their feeds wait for the hold to end."))
        configRefused = registry.makeGauge(descriptor: name(
            "config_reload_refused", "", "1 when the last reload refused feeds.yaml (the daemon runs the configuration read before)."))
        storeFailingGauge = registry.makeGauge(descriptor: name(
            "store_failing", "", "1 while the store refuses writes (a full disk, a read-only filesystem) and nothing was stored since."))
    }

    func record(_ report: FeedReport) {
        guard report.deferral == nil else { return }  // not fetched: no transfer to count
        let statusClass = report.httpStatus.map { "\(min(5, max(2, $0 / 100)))xx" } ?? "error"
        fetches[statusClass]?.increment()
        bytes.increment(by: Int64(report.bytes))
        stored.increment(by: Int64(report.new))
        duplicates.increment(by: Int64(report.duplicates))
        latency.record(Double(report.milliseconds) / 1000)
    }

    func setFeeds(total: Int, failing failingCount: Int, gone goneCount: Int) {
        feeds.set(Double(total))
        failing.set(Double(failingCount))
        gone.set(Double(goneCount))
    }

    func setConfigRefused(_ refused: Bool) {
        configRefused.set(Double(refused ? 1 : 0))
    }

    func setQueueLag(seconds: Double) {
        lag.set(max(0, seconds))
    }

    func setQueue(_ runtime: DaemonRuntime) {
        queued.set(Double(runtime.scheduled))
        due.set(Double(runtime.due))
        inFlight.set(Double(runtime.inFlight))
        waiting.set(Double(runtime.waiting))
        lateness["0.5"]?.set(Double(runtime.latenessP50) / 1000)
        lateness["0.99"]?.set(Double(runtime.latenessP99) / 1000)
        hostsWaiting.set(Double(runtime.hosts.filter { $0.waiting > 0 && !$0.forSlot }.count))
        hostsHeld.set(Double(runtime.hosts.filter { $0.heldMilliseconds > 0 }.count))
        longestHostWait.set(Double(runtime.hosts.map(\.oldestMilliseconds).max() ?? 0) / 1000)
    }

    func tick() {
        lastTick.store(WallClock.milliseconds(), ordering: .releasing)
    }

    /// Alive: the scheduler loop turned within the last 30 seconds.
    func setStoreFailing(_ error: String?) {
        storeFailure.withLock { $0 = error }
        storeFailingGauge.set(Double(error == nil ? 0 : 1))
    }

    var storeFailing: String? { storeFailure.withLock { $0 } }

    var schedulerAlive: Bool {
        WallClock.milliseconds() - lastTick.load(ordering: .acquiring) < 30_000
    }

    /// The Prometheus text exposition format.
    func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
