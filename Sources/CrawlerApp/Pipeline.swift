// CrawlerApp: the one place that orders the stages. Config → Fetch → Parse → Convert → Store.
public import FeedModel
public import Logging
internal import Fetch
public import Convert
public import Store

/// The stages in their order: fetch feeds concurrently, and as each response arrives, parse,
/// convert, dedupe and store it, then record the feed's new state. In one pass (`runOnce`), or
/// continuously as feeds fall due (`flow`, which `PipelineFlow` keeps moving).
public struct Pipeline {
    public var config: CrawlerConfig
    public var logger: Logger
    public var clock: @Sendable () -> Timestamp
    let format: OutputFormat

    /// Fails only when the configured output template does not compile.
    public init(config: CrawlerConfig, logger: Logger,
                clock: @escaping @Sendable () -> Timestamp = WallClock.now) throws(OutputFormat.TemplateError) {
        self.config = config
        self.logger = logger
        self.clock = clock
        format = try OutputFormat(config.output, templateFile: config.templatePath)
        try Self.requireReadableDates(format, templateFile: config.templatePath)
    }

    /// `store rebuild-index` reads each document's date back from its front matter: a template
    /// without a `date:` line (or an empty one) wrote documents that no lost index could be
    /// rebuilt from, and the crawl then refused the store for good (round 59).
    private static func requireReadableDates(_ format: OutputFormat, templateFile: String?) throws(OutputFormat.TemplateError) {
        guard format.isTemplate else { return }
        let date = Timestamp(year: 2001, month: 2, day: 3, hour: 4, minute: 5, second: 6)!
        guard (try? StoredDocumentReader.anyDate(in: format.sample(dated: date))) != date else { return }
        throw OutputFormat.TemplateError(
            file: templateFile, line: 1, column: 1,
            message: "the documents it writes have no date line in their first 40 lines (date: {{date_rfc3339}} in YAML, "
                + "date = {{date_rfc3339}} in TOML): `crawler store rebuild-index` reads each document's date there, "
                + "and could not rebuild a lost index from them")
    }

    /// Runs one pass over `feeds` into `store`: a flow that is given every feed at once and
    /// closed, then drained. Once `isCancelled` turns true (shutdown), the transfers in flight
    /// stop, so do the parses, and the pass returns with what it finished. `heartbeat` is called
    /// every 100 ms while the pass waits for a parse (a daemon pings its watchdog there), and
    /// `progress` once per feed reported.
    public func runOnce(feeds: [FeedConfig], store: any CrawlStore,
                        isCancelled: @escaping @Sendable () -> Bool = { false },
                        heartbeat: @escaping () -> Void = {},
                        progress: @escaping (FeedReport) -> Void = { _ in }) async -> PassSummary {
        let started = WallClock.milliseconds()
        var reports: [FeedReport] = []
        reports.reserveCapacity(feeds.count)
        let flow = flow(store: store, isCancelled: isCancelled, heartbeat: heartbeat) { report in
            reports.append(report)
            progress(report)
        }
        await flow.submit(feeds)
        flow.close()
        while await flow.step() {}
        reports = Self.inConfigOrder(reports, feeds: feeds)
        var summary = PassSummary(reports: reports, milliseconds: Int(WallClock.milliseconds() - started))
        summary.forgotten = flow.forgottenByRetention
        var line: Logger.Metadata = [
            "feeds": "\(reports.count)", "failed": "\(summary.failed)", "new": "\(summary.new)",
            "dup": "\(summary.duplicates)", "bytes": "\(summary.bytes)", "ms": "\(summary.milliseconds)",
        ]
        if summary.deferred > 0 { line["deferred"] = "\(summary.deferred)" }
        if summary.forgotten > 0 { line["forgotten"] = "\(summary.forgotten)" }
        logger.info("pass", metadata: line)
        return summary
    }

    /// The stages for feeds submitted as they fall due (`PipelineFlow`), over one fetch session.
    /// `report` hears of each feed once its documents and state are stored.
    public func flow(store: any CrawlStore, isCancelled: @escaping @Sendable () -> Bool = { false },
                     heartbeat: @escaping () -> Void = {},
                     report: @escaping (FeedReport) -> Void) -> PipelineFlow {
        PipelineFlow(pipeline: self, store: store, isCancelled: isCancelled, heartbeat: heartbeat, report: report)
    }

    /// The requests for `feeds`, planned from their states (a feed without one has none yet);
    /// feeds that must not be fetched now are logged and left out.
    /// The requests go stalest first (never fetched, then the longest ago; ties in the given
    /// order): a feed its throttled host held back keeps its last fetch, so it goes ahead of the
    /// feeds that throttled the host, rather than behind them again on every pass.
    func plan(_ feeds: [FeedConfig], state: (String) -> FeedState?) -> [FetchRequest] {
        let now = clock()
        var requests: [(request: FetchRequest, lastFetch: Timestamp?)] = []
        requests.reserveCapacity(feeds.count)
        for feed in feeds {
            let state = state(feed.name)
            if let state, !state.belongs(to: feed.url) { logURLChange(feed, from: state.url) }
            switch FetchPlan.plan(feed, state: state, config: config, now: now) {
            case .skip(let reason):
                logger.info("skip", metadata: ["feed": "\(feed.name)", "reason": "\(reason)"])
            case .fetch(let request, let unconditionalReason):
                if let unconditionalReason {
                    logger.debug("unconditional", metadata: ["feed": "\(feed.name)", "reason": "\(unconditionalReason)"])
                }
                if !request.verifyTLS {
                    logger.warning("tls_unverified", metadata: ["feed": "\(feed.name)", "url": "\(request.url)"])
                }
                requests.append((request, state?.lastFetch))
            }
        }
        return requests.enumerated().sorted { first, second in
            switch (first.element.lastFetch, second.element.lastFetch) {
            case let (one?, other?) where one != other: return one < other
            case (nil, _?): return true
            case (_?, nil): return false
            default: return first.offset < second.offset
            }
        }.map(\.element.request)
    }

    /// A feed whose `url:` changed starts afresh there (validators, back-off, schedule) but keeps
    /// its name's documents, which its `keep:` goes on to count: said once, at the first pass at
    /// the new address (the state then saved is the new URL's).
    private func logURLChange(_ feed: FeedConfig, from old: String) {
        logger.info("url_changed", metadata: [
            "feed": "\(feed.name)", "from": "\(old)", "to": "\(URLUserInfo.removed(from: feed.url))",
            "reason": "its url: changed in the configuration; it starts afresh there and keeps the documents stored under its name",
        ])
    }

    /// States read one by one, when reading them at once failed: one unreadable state costs one feed.
    static func statesOneByOne(_ names: [String], store: any CrawlStore) -> [String: FeedState] {
        var states: [String: FeedState] = [:]
        for name in names { states[name] = (try? store.feedState(name)) ?? nil }
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

    /// What to do about a feed that gives an item a new guid at every edit. Its posts are linked
    /// to its items under a new `identity:` only when its body is read with them unchanged, which
    /// a feed answering "unchanged" never is: round 63 set `identity: link` as told, and the next
    /// edit was another post, with the same advice again.
    static func churnAdvice(feed: String, identity: ItemIdentityRule) -> String {
        let force = "run `crawler once --force --feed \(feed)` once (its posts are linked to its items under a new "
            + "identity: only when its body is read)"
        guard identity == .link else {
            return "a new item has the link and date of a post stored under another guid: a feed that gives "
                + "an item a new guid at every edit gets a post per edit; set identity: link, then " + force
                + ", for it to keep one"
        }
        return "a new item has the link and date of a post stored under another guid, and identity: link is set: "
            + "the feed's body was not read with its items unchanged since identity: changed; " + force
    }

    func log(_ report: FeedReport) {
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
        if let fetched = report.fetchedURL { metadata["fetched"] = "\(fetched)" }
        if let cut = report.cut { metadata["cut"] = "\(cut)" }
        if let future = report.ignoredLastModified {
            metadata["last_modified_ignored"] = "\(future) (more than a day ahead of this clock: sent back, it would make later changes look unmodified)"
        }
        if let unread = report.ignoredRetryAfter {
            metadata["retry_after_ignored"] = "\(unread) (neither a number of seconds nor an HTTP date)"
        }
        for (key, value) in report.parseNotes { metadata[key] = "\(value)" }
        if !report.parseNotes.isEmpty { logParseWarnings(report) }
        if report.held > 0 { metadata["held"] = "\(report.held)" }
        if report.waiting > 0 { metadata["waiting"] = "\(report.waiting)" }
        if report.replaced > 0 { metadata["replaced"] = "\(report.replaced)" }
        if report.versionsRecorded > 0 { metadata["versions_recorded"] = "\(report.versionsRecorded)" }
        if report.adopted > 0 { metadata["adopted"] = "\(report.adopted)" }
        // The adoption another feed's line announced, withdrawn: neither feed writes into the post.
        if report.contested > 0 { metadata["contested"] = "\(report.contested)" }
        // Which post an edit by hand kept from its item's correction: `versions_recorded` alone did not say.
        if !report.heldByEdit.isEmpty { metadata["held_by_edit"] = "\(report.heldByEdit.joined(separator: ","))" }
        if let churn = report.churnedIdentity {
            logger.warning("identity_unstable", metadata: [
                "feed": "\(report.feed)", "item": "\(churn.item)", "earlier": "\(churn.earlier)", "count": "\(churn.count)",
                "reason": "\(Self.churnAdvice(feed: report.feed, identity: config.feeds.first { $0.name == report.feed }?.identity ?? .guid))",
            ])
        }
        if let limit = report.dailyBudgetReached {
            logger.notice("budget_reached", metadata: [
                "feed": "\(report.feed)", "limit": "\(limit)", "held": "\(report.held)",
                "reason": "max_documents_per_day reached; the feed's other new items wait for a later day",
            ])
        }
        if let reason = report.nextReason { metadata["why"] = "\(reason)" }
        defer { logTransition(report) }
        if let deferral = report.deferral {
            // Not a failure of the feed's: its host asked every client to wait.
            metadata["status"] = "deferred"
            metadata["reason"] = "\(deferral)"
            logger.notice("fetch", metadata: metadata)
        } else if let error = report.error {
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
            var base: Logger.Metadata = ["feed": "\(report.feed)", "errors": "\(errors)", "url": "\(report.url)"]
            if let fetched = report.fetchedURL { base["fetched"] = "\(fetched)" }
            return extra.merging(base) { $1 }
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
