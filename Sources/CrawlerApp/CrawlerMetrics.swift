internal import Prometheus
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
    private let latency: ValueHistogram
    private let lag: Gauge
    /// Monotonic milliseconds of the scheduler loop's last turn, for /healthz.
    private let lastTick = Atomic<Int64>(0)

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
        latency = registry.makeValueHistogram(
            descriptor: name("fetch_duration", "seconds", "Time from request to complete response."),
            buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30])
        lag = registry.makeGauge(
            descriptor: name("queue_lag", "seconds", "How late the most overdue feed of the last pass was fetched."))
    }

    func record(_ report: FeedReport) {
        let statusClass = report.httpStatus.map { "\(min(5, max(2, $0 / 100)))xx" } ?? "error"
        fetches[statusClass]?.increment()
        bytes.increment(by: Int64(report.bytes))
        stored.increment(by: Int64(report.new))
        duplicates.increment(by: Int64(report.duplicates))
        latency.record(Double(report.milliseconds) / 1000)
    }

    func setFeeds(total: Int, failing count: Int) {
        feeds.set(Double(total))
        failing.set(Double(count))
    }

    func setQueueLag(seconds: Double) {
        lag.set(max(0, seconds))
    }

    func tick() {
        lastTick.store(WallClock.milliseconds(), ordering: .releasing)
    }

    /// Alive: the scheduler loop turned within the last 30 seconds.
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
