// CrawlerApp: the one place that orders the stages. Config → Fetch → Parse → Convert → Store.
public import FeedModel
public import Logging
internal import Fetch
internal import Parse
public import Convert
public import Store

/// One pass over a set of feeds: fetch them all concurrently, and as each response arrives,
/// parse, convert, dedupe and store it, then record the feed's new state.
public struct Pipeline {
    public var config: CrawlerConfig
    public var logger: Logger
    public var clock: @Sendable () -> Timestamp
    private let format: OutputFormat

    /// Fails only when the configured output template does not compile.
    public init(config: CrawlerConfig, logger: Logger,
                clock: @escaping @Sendable () -> Timestamp = WallClock.now) throws(OutputFormat.TemplateError) {
        self.config = config
        self.logger = logger
        self.clock = clock
        format = try OutputFormat(config.output)
    }

    /// Runs one pass over `feeds` into `store`. Once `isCancelled` turns true (shutdown), the
    /// transfers in flight stop and the pass returns with what it finished.
    public func runOnce(feeds: [FeedConfig], store: DocumentStore,
                        isCancelled: @escaping @Sendable () -> Bool = { false },
                        progress: (FeedReport) -> Void = { _ in }) async -> PassSummary {
        let started = WallClock.milliseconds()
        let byName = Dictionary(feeds.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var requests: [FetchRequest] = []
        for feed in feeds {
            let previous = try? store.feedState(feed.name)
            // Validators belong to a URL: a changed URL starts unconditionally.
            let conditional = previous?.url == feed.url ? previous?.validators : nil
            requests.append(FetchRequest(feed: feed.name, url: feed.url, conditional: conditional ?? ConditionalHeaders()))
        }
        let engine = FetchEngine(settings: FetchSettings(config))
        var reports: [FeedReport] = []
        for await result in engine.fetch(requests, isCancelled: isCancelled) {
            guard let feed = byName[result.request.feed] else { continue }
            if case .failure(let failure) = result.outcome, failure.kind == .cancelled { continue }
            let processor = FeedProcessor(feed: feed, config: config, store: store, now: clock(), format: format)
            let report = processor.process(result)
            log(report)
            reports.append(report)
            progress(report)
        }
        let order = Dictionary(feeds.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        reports.sort { order[$0.feed, default: 0] < order[$1.feed, default: 0] }
        let summary = PassSummary(reports: reports, milliseconds: Int(WallClock.milliseconds() - started))
        logger.info("pass", metadata: [
            "feeds": "\(reports.count)", "failed": "\(summary.failed)", "new": "\(summary.new)",
            "dup": "\(summary.duplicates)", "bytes": "\(summary.bytes)", "ms": "\(summary.milliseconds)",
        ])
        return summary
    }

    private func log(_ report: FeedReport) {
        var metadata: Logger.Metadata = [
            "feed": "\(report.feed)", "status": "\(report.httpStatus.map(String.init) ?? "error")",
            "bytes": "\(report.bytes)", "ms": "\(report.milliseconds)", "new": "\(report.new)",
            "dup": "\(report.duplicates)", "url": "\(report.url)",
            "next": "\(report.nextDue.map(RFC3339.format) ?? "never")",
        ]
        if let reason = report.nextReason { metadata["why"] = "\(reason)" }
        defer { logTransition(report) }
        if let error = report.error {
            metadata["error"] = "\(error)"
            // The feed's failures are warnings; our own disk failing is an error.
            if error.hasPrefix("store:") { logger.error("fetch", metadata: metadata) } else { logger.warning("fetch", metadata: metadata) }
        } else if report.httpStatus == 304 {
            logger.debug("fetch", metadata: metadata)
        } else {
            metadata["items"] = "\(report.items)"
            logger.info("fetch", metadata: metadata)
        }
    }

    /// One event when a feed changes health: failing, recovered, gone.
    private func logTransition(_ report: FeedReport) {
        let errors = report.state?.consecutiveErrors ?? 0
        let metadata: Logger.Metadata = ["feed": "\(report.feed)", "errors": "\(errors)", "url": "\(report.url)"]
        if report.state?.isGone == true {
            logger.warning("feed_gone", metadata: metadata.merging(["why": "410 Gone: no longer polled until its configuration changes"]) { $1 })
        } else if errors == failingAfter {
            logger.warning("feed_failing", metadata: metadata.merging(["error": "\(report.error ?? "")"]) { $1 })
        } else if errors == 0 && report.previousErrors >= failingAfter {
            logger.info("feed_recovered", metadata: metadata.merging(["after": "\(report.previousErrors)"]) { $1 })
        }
    }

    /// Consecutive failures after which a feed is reported as failing.
    let failingAfter = PollBoundsDefaults.failingAfter
}
