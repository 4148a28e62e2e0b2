// CrawlerApp: the one place that orders the stages. Config → Fetch → Parse → Convert → Store.
public import FeedModel
public import Logging
internal import Fetch
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
    /// transfers in flight stop, so do the parses, and the pass returns with what it finished.
    /// `heartbeat` is called every 100 ms while the pass waits for a parse (a daemon
    /// pings its watchdog there), and `progress` once per feed reported.
    public func runOnce(feeds: [FeedConfig], store: any CrawlStore,
                        isCancelled: @escaping @Sendable () -> Bool = { false },
                        heartbeat: () -> Void = {},
                        progress: (FeedReport) -> Void = { _ in }) async -> PassSummary {
        let started = WallClock.milliseconds()
        let byName = Dictionary(feeds.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let (requests, states) = plan(feeds, store: store)
        let engine = FetchEngine(settings: FetchSettings(config))
        let context = PassContext(config: config, store: store, format: format, logger: logger, isCancelled: isCancelled)
        var reports: [FeedReport] = []
        reports.reserveCapacity(requests.count)
        var batch = StoreBatch()
        var writer = BatchWriter(store: store)
        var reading = OrderedWork<(FeedProcessor, FeedProcessor.Decided), FeedReader.Reading?>(limit: readersInFlight)
        var fullContent = FullContentWork()
        let results = engine.fetch(requests, isCancelled: isCancelled)
        // Bytes each feed holds against the fetch backlog: its body until it is read, then its
        // documents until they are stored and the feed reported.
        var held: [String: Int] = [:]
        func deliver(_ finished: [FeedReport]) {
            for report in finished {
                results.release(held.removeValue(forKey: report.feed) ?? 0)
                log(report)
                reports.append(report)
                progress(report)
            }
        }
        // A batch's reports are delivered before a batch beyond the writer's capacity starts: a
        // progress callback may use the store's connection (the fleet renews its leases there).
        func flush() async {
            if writer.isFull { deliver(await writer.finishOldest()) }
            writer.start(batch, at: clock())
            batch = StoreBatch()
        }
        // Bodies are parsed and converted on the pool, two or more at once, while this task
        // decides and batches, and the writer's threads store the batches before; results come
        // back in the order they arrived.
        func takeOne() async {
            // A parse is bounded by its time limit, not by the watchdog's patience.
            while !(await reading.oldestFinishes(within: .milliseconds(100))) { heartbeat() }
            guard let ((processor, decided), output) = await reading.next() else { return }
            let name = processor.feed.name
            // Shut down mid-parse: like a transfer cut by shutdown, the feed is neither stored nor reported.
            if output?.cut == .shutdown {
                results.release(held.removeValue(forKey: name) ?? 0)
                return
            }
            let prepared = processor.prepared(decided, reading: output)
            let documentBytes = prepared.documents.reduce(0) { $0 + $1.text.utf8.count }
            results.hold(documentBytes)
            results.release(held[name] ?? 0)
            held[name] = documentBytes
            if let source = output?.source, !prepared.documents.isEmpty {
                fullContent.add(prepared, processor: processor, source: source)
                return
            }
            batch.add(prepared, processor: processor)
            // An idle writer takes what there is: a pass's first batch no longer waits for 32
            // feeds to be parsed before storing starts. A busy one lets the batch grow.
            if batch.isFull || (writer.isIdle && batch.hasDocuments) { await flush() }
        }
        // Over the backlog's bound the engine starts nothing new: finish work here rather than
        // wait for results that cannot come.
        func relieveBacklog() async {
            while results.isOverByteLimit {
                if !reading.isEmpty {
                    await takeOne()
                } else if !batch.isEmpty {
                    await flush()
                } else if !writer.isIdle {
                    deliver(await writer.finishOldest())
                } else {
                    return
                }
            }
        }
        for await result in results {
            heartbeat()
            guard let feed = byName[result.request.feed] else {
                results.release(result.heldBytes)
                continue
            }
            if case .failure(let failure) = result.outcome, failure.kind == .cancelled { continue }
            held[feed.name, default: 0] += result.heldBytes
            let processor = FeedProcessor(feed: feed, now: clock(), context: context)
            let decided = processor.decide(result, previous: states[feed.name])
            if let response = decided.toRead {
                let reader = processor.reader, hints = decided.prepared.hints
                reading.add((processor, decided)) { reader.read(response, hints: hints) }
            } else {
                reading.add((processor, decided), ready: nil)
            }
            // Finished feeds go on to the batch at once, so a slow feed in the window holds nothing up.
            while reading.isFull || reading.oldestIsFinished { await takeOne() }
            while writer.hasFinished { deliver(await writer.finishOldest()) }
            await relieveBacklog()
        }
        while !reading.isEmpty { await takeOne() }
        if !batch.isEmpty { await flush() }
        deliver(await writer.finishAll())
        if !fullContent.isEmpty, !isCancelled() {
            // Every feed's own transfer is done and no batch is in flight: now the pages.
            func tick() async {
                heartbeat()
                if writer.isIdle && !batch.isEmpty { await flush() }
                while writer.hasFinished { deliver(await writer.finishOldest()) }
            }
            await fullContent.complete(store: store, config: config, logger: logger, now: clock(),
                                       isCancelled: isCancelled, tick: tick) { entry in
                // Shut down while the pages were fetched: like a transfer cut by shutdown, not stored nor reported.
                guard !isCancelled() else { return }
                batch.add(entry.prepared, processor: entry.processor)
                if batch.isFull || writer.isIdle { await flush() }
            }
            if !batch.isEmpty { await flush() }
            deliver(await writer.finishAll())
        }
        reports = Self.inConfigOrder(reports, feeds: feeds)
        let summary = PassSummary(reports: reports, milliseconds: Int(WallClock.milliseconds() - started))
        logger.info("pass", metadata: [
            "feeds": "\(reports.count)", "failed": "\(summary.failed)", "new": "\(summary.new)",
            "dup": "\(summary.duplicates)", "bytes": "\(summary.bytes)", "ms": "\(summary.milliseconds)",
        ])
        return summary
    }

    /// The requests of this pass, and the states they were planned from (kept for deciding on
    /// the responses, so each state is read once; a feed without one has none yet); feeds that
    /// must not be fetched now are logged and left out.
    private func plan(_ feeds: [FeedConfig], store: any CrawlStore) -> ([FetchRequest], [String: FeedState]) {
        let now = clock()
        var requests: [FetchRequest] = []
        // Read at once; should that fail, feed by feed, so one unreadable state costs one feed.
        let states = (try? store.feedStates(feeds.map(\.name))) ?? Self.statesOneByOne(feeds, store: store)
        for feed in feeds {
            switch FetchPlan.plan(feed, state: states[feed.name], config: config, now: now) {
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
        return (requests, states)
    }

    private static func statesOneByOne(_ feeds: [FeedConfig], store: any CrawlStore) -> [String: FeedState] {
        var states: [String: FeedState] = [:]
        for feed in feeds { states[feed.name] = (try? store.feedState(feed.name)) ?? nil }
        return states
    }

    /// Reports in the order their feeds are configured: each report's position is looked up
    /// once, then the positions are sorted, not the reports with a comparator that looked both
    /// feeds up (two hash lookups per comparison, ~10 ms at 5,000). Stable, so a feed's reports
    /// keep their order; reports of feeds not configured come last.
    static func inConfigOrder(_ reports: [FeedReport], feeds: [FeedConfig]) -> [FeedReport] {
        var position: [String: Int] = [:]
        position.reserveCapacity(feeds.count)
        for (index, feed) in feeds.enumerated() where position[feed.name] == nil { position[feed.name] = index }
        let positions = reports.map { position[$0.feed] ?? feeds.count }
        let order = reports.indices.sorted { (positions[$0], $0) < (positions[$1], $1) }
        return order.map { reports[$0] }
    }

    private func log(_ report: FeedReport) {
        // Unchanged feeds are logged at debug level only; their metadata is built only if shown.
        if report.error == nil && report.unchanged && logger.logLevel > .debug {
            logTransition(report)
            return
        }
        var metadata: Logger.Metadata = [
            "feed": "\(report.feed)", "status": "\(report.httpStatus.map(String.init) ?? "error")",
            "bytes": "\(report.bytes)", "ms": "\(report.milliseconds)", "wait_ms": "\(report.waitMilliseconds)",
            "new": "\(report.new)",
            "dup": "\(report.duplicates)", "url": "\(report.url)",
            "next": "\(report.nextDue.map(\.rfc3339) ?? "never")",
        ]
        if let cut = report.cut { metadata["cut"] = "\(cut)" }
        if report.held > 0 { metadata["held"] = "\(report.held)" }
        if let limit = report.dailyBudgetReached {
            logger.notice("budget_reached", metadata: [
                "feed": "\(report.feed)", "limit": "\(limit)", "held": "\(report.held)",
                "reason": "max_documents_per_day reached; the feed's other new items wait for a later day",
            ])
        }
        if let reason = report.nextReason { metadata["why"] = "\(reason)" }
        defer { logTransition(report) }
        if let error = report.error {
            metadata["error"] = "\(error)"
            // The feed's failures are warnings; our own disk failing is an error.
            if error.hasPrefix("store:") { logger.error("fetch", metadata: metadata) } else { logger.warning("fetch", metadata: metadata) }
        } else if report.unchanged {
            // Nothing new to say: a 304, or a body identical to the last one.
            metadata["unchanged"] = "\(report.httpStatus == 304 ? "304" : "body")"
            logger.debug("fetch", metadata: metadata)
        } else {
            metadata["items"] = "\(report.items)"
            logger.info("fetch", metadata: metadata)
        }
    }

    /// One event when a feed changes health: failing, recovered, gone.
    private func logTransition(_ report: FeedReport) {
        let errors = report.state?.consecutiveErrors ?? 0
        // Built only for a line that is written: most reports log nothing here.
        func metadata(_ extra: Logger.Metadata) -> Logger.Metadata {
            extra.merging(["feed": "\(report.feed)", "errors": "\(errors)", "url": "\(report.url)"]) { $1 }
        }
        // feed_gone is logged where the 410 is decided (FeedProcessor).
        if report.state?.gone == true { return }
        if errors == failingAfter {
            logger.warning("feed_failing", metadata: metadata(["error": "\(report.error ?? "")"]))
        } else if errors == 0 && report.previousErrors >= failingAfter {
            logger.info("feed_recovered", metadata: metadata(["after": "\(report.previousErrors)"]))
        }
    }

    /// Feeds being parsed or waiting to be taken: enough that reading goes on while a batch is
    /// stored (syncs, file creation); each holds a body and its documents, so not a batch's worth
    /// (32 cost ~4 MB more peak memory at 1,000 feeds for no measurable speed).
    let readersInFlight = 8

    /// Consecutive failures after which a feed is reported as failing.
    let failingAfter = PollBoundsDefaults.failingAfter
}
