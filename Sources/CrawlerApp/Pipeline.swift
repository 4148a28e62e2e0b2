// CrawlerApp: the one place that orders the stages. Config → Fetch → Parse → Convert → Store.
public import FeedModel
public import Logging
internal import Fetch
internal import Parse
internal import Convert
public import Store

/// One pass over a set of feeds: fetch them all concurrently, and as each response arrives,
/// parse, convert, dedupe and store it, then record the feed's new state.
public struct Pipeline {
    public var config: CrawlerConfig
    public var logger: Logger
    public var clock: @Sendable () -> Timestamp

    public init(config: CrawlerConfig, logger: Logger, clock: @escaping @Sendable () -> Timestamp = WallClock.now) {
        self.config = config
        self.logger = logger
        self.clock = clock
    }

    /// Runs one pass over `feeds` into `store`.
    public func runOnce(feeds: [FeedConfig], store: DocumentStore) async -> PassSummary {
        let started = WallClock.milliseconds()
        let byName = Dictionary(feeds.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let requests = plan(feeds, store: store)
        let engine = FetchEngine(settings: FetchSettings(config))
        var reports: [FeedReport] = []
        for await result in engine.fetch(requests) {
            guard let feed = byName[result.request.feed] else { continue }
            let processor = FeedProcessor(feed: feed, config: config, store: store, now: clock(), logger: logger)
            let report = processor.process(result)
            log(report)
            reports.append(report)
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

    /// The requests of this pass; feeds that must not be fetched now are logged and left out.
    private func plan(_ feeds: [FeedConfig], store: DocumentStore) -> [FetchRequest] {
        let now = clock()
        var requests: [FetchRequest] = []
        for feed in feeds {
            let state = try? store.feedState(feed.name)
            switch FetchPlan.plan(feed, state: state ?? nil, config: config, now: now) {
            case .skip(let reason):
                logger.info("skip", metadata: ["feed": "\(feed.name)", "reason": "\(reason)"])
            case .fetch(let request, let unconditionalReason):
                if let unconditionalReason {
                    logger.debug("unconditional", metadata: ["feed": "\(feed.name)", "reason": "\(unconditionalReason)"])
                }
                if !request.verifyTLS {
                    logger.warning("tls_unverified", metadata: ["feed": "\(feed.name)", "url": "\(request.url)"])
                }
                requests.append(request)
            }
        }
        return requests
    }

    private func log(_ report: FeedReport) {
        var metadata: Logger.Metadata = [
            "feed": "\(report.feed)", "status": "\(report.httpStatus.map(String.init) ?? "error")",
            "bytes": "\(report.bytes)", "ms": "\(report.milliseconds)", "new": "\(report.new)",
            "dup": "\(report.duplicates)", "url": "\(report.url)",
        ]
        if let error = report.error {
            metadata["error"] = "\(error)"
            logger.warning("fetch", metadata: metadata)
        } else if report.httpStatus == 304 {
            logger.debug("fetch", metadata: metadata)
        } else {
            metadata["items"] = "\(report.items)"
            logger.info("fetch", metadata: metadata)
        }
    }
}
