public import FeedModel
internal import Fetch
internal import Store
internal import Logging

/// The stages for feeds that come as they fall due, for as long as the owner runs: one fetch
/// session (its connections kept across polls), and each result decided, read, converted and
/// batched for the store as it arrives. A feed whose server stalls holds only its own transfer.
///
/// `Pipeline` orders the stages; this keeps them moving. `submit` hands feeds to the fetch
/// session, `step` waits for one result (or a tick, four a second) and carries everything ready
/// one stage on; reports come out of `report` once their batch is stored.
/// Not Sendable: one task owns it, as it owns the store.
public final class PipelineFlow {
    private var pipeline: Pipeline
    private var context: PassContext
    private let store: any CrawlStore
    private let session: FetchSession
    private var events: FetchResults.EventIterator
    private let ticker: Task<Void, Never>
    private var reading: OrderedWork<(FeedProcessor, FeedProcessor.Decided), FeedReader.Reading?>
    private var batch = StoreBatch()
    private var writer: BatchWriter
    /// Bytes each feed holds against the fetch backlog: its body until it is read, then its
    /// documents until they are stored and the feed reported.
    private var held: [String: Int] = [:]
    /// Feeds submitted and not yet come back from the fetch session.
    private var submitted: [String: FeedConfig] = [:]
    /// Their URLs, each with how many of them are out.
    private var submittedURLs: [String: Int] = [:]
    /// Submitted feeds whose answer is thrown away when it comes (`discard`).
    private var discarded: Set<String> = []
    /// Each feed's state as last saved (nil: it has none), so a feed due again is planned without
    /// reading the store, whose connection a batch in flight may be using.
    private var states: [String: FeedState?] = [:]
    /// `full_content` feeds waiting for their items' pages.
    private var articles = FullContentWork()
    /// Their pages being read on the pool, each with the bytes its body holds against the backlog.
    private var pages: OrderedWork<Int, FullContentWork.Page>
    /// `images: local` feeds waiting for their documents' images.
    private var images: ImageWork
    /// Feeds with `keep:` reported since the store was last free: pruned when the writer is idle.
    private var retentionDue: [String: FeedConfig] = [:]
    /// Documents `keep:` forgot since the flow began, for a pass's summary.
    public private(set) var forgottenByRetention = 0
    private var retentionFeeds: [String: FeedConfig] = [:]
    /// `close` was called: the session is closed once nothing more can be submitted to it.
    private var closing = false
    private let heartbeat: () -> Void
    private let report: (FeedReport) -> Void

    init(pipeline: Pipeline, store: any CrawlStore, isCancelled: @escaping @Sendable () -> Bool,
         heartbeat: @escaping () -> Void, report: @escaping (FeedReport) -> Void) {
        self.pipeline = pipeline
        self.store = store
        self.heartbeat = heartbeat
        self.report = report
        context = PassContext(config: pipeline.config, store: store, format: pipeline.format, logger: pipeline.logger,
                              isCancelled: isCancelled)
        session = FetchEngine(settings: FetchSettings(pipeline.config)).start(isCancelled: isCancelled)
        events = session.events.makeEventIterator()
        reading = OrderedWork(limit: pipeline.readersInFlight)
        pages = OrderedWork(limit: pipeline.readersInFlight)
        images = ImageWork(limit: pipeline.config.maxBacklogBytes)
        writer = BatchWriter(store: store)
        let session = self.session
        // Wakes `step` when no result comes, so batches are flushed and due feeds submitted on time.
        ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                session.tick()
            }
        }
    }

    deinit {
        ticker.cancel()
        session.close()
    }

    /// Feeds submitted whose results have not come back.
    public var inFlight: Int { submitted.count }

    /// How long the store has been on its oldest batch still in flight (0: it is on none).
    var storeBusyMilliseconds: Int64 { writer.busyMilliseconds }

    /// Whether `feed` was submitted and its fetch result has not come back.
    func awaitsFetch(_ feed: String) -> Bool { submitted[feed] != nil }

    /// What the fetch engine was doing at its last look.
    var engineLoad: EngineLoad { session.load }

    /// States already known (read by the owner before the flow started), so they are not read again.
    public func remember(_ known: [String: FeedState?]) {
        states.merge(known) { _, new in new }
    }

    /// The states of `feeds`, read from the store only for those not known yet (waiting for the
    /// store's batches in flight first: the store has one owner at a time).
    public func states(of feeds: [FeedConfig]) async -> [String: FeedState] {
        await readStates(of: feeds)
        var known: [String: FeedState] = [:]
        for feed in feeds { if let state = states[feed.name] ?? nil { known[feed.name] = state } }
        return known
    }

    /// Makes `states` hold an entry (nil: no state) for each of `feeds`.
    private func readStates(of feeds: [FeedConfig]) async {
        let unknown = feeds.map(\.name).filter { states[$0] == nil }
        guard !unknown.isEmpty else { return }
        deliver(await writer.finishAll())
        let read = (try? store.feedStates(unknown)) ?? Pipeline.statesOneByOne(unknown, store: store)
        states.reserveCapacity(states.count + unknown.count)
        let now = WallClock.now()
        for feed in feeds where states[feed.name] == nil {
            states[feed.name] = .some(StoredWaits.sane(read[feed.name], feed: feed, config: pipeline.config,
                                                       now: now, logger: pipeline.logger))
        }
    }

    /// Plans `feeds` and hands their requests to the fetch session; returns those not fetched
    /// now (held back by their state: gone, or asked to wait), which were logged.
    @discardableResult
    public func submit(_ feeds: [FeedConfig]) async -> [FeedConfig] {
        guard !feeds.isEmpty else { return [] }
        await readStates(of: feeds)
        // Planned from `states` itself: a dictionary of copied states, built per call, cost five
        // times what planning did (page faults of its growing storage included).
        let requests = pipeline.plan(feeds) { [states] name in states[name] ?? nil }
        let planned = Set(requests.map(\.feed))
        submitted.reserveCapacity(submitted.count + requests.count)
        for feed in feeds where planned.contains(feed.name) {
            submitted[feed.name] = feed
            submittedURLs[feed.url, default: 0] += 1
        }
        session.submit(requests)
        return feeds.filter { !planned.contains($0.name) }
    }

    /// Whether `feed`, or another feed at its URL, is out being fetched: a feed a reload renamed,
    /// re-added or gave a new URL waits for its old transfer, so that a server never gets the same
    /// feed twice at once.
    public func isInFlight(_ feed: FeedConfig) -> Bool {
        submitted[feed.name] != nil || held[feed.name] != nil || submittedURLs[feed.url, default: 0] > 0
    }

    /// Writes the store's batches, the one gathering and those in flight: the store has one owner at a time,
    /// and a reload's renames write to it. (Written beside a batch on the writer's thread, the
    /// renames left the index malformed.)
    public func settleStore() async {
        // The batch still gathering too: written after the renames, its states and documents
        // went in under names that were no more.
        if !batch.isEmpty { await flush() }
        deliver(await writer.finishAll())
    }

    /// Feeds a reload removed, renamed or changed, as they were submitted: those still waiting for
    /// a transfer are not fetched, and a transfer already under way stops (a stalled one held its
    /// host's slot until its timeout); none of them is stored or reported. (Stored under its old
    /// name or settings, the answer would credit a feed that is no more, or outlive the change it
    /// was made before.)
    /// A feed past its own transfer (its body being read, its pages or images fetched) is dropped
    /// before its documents go to the store (`dropsDiscarded`).
    /// A feed waiting for its pages or images is dropped at once, and those still waiting for a
    /// slot are not asked for.
    public func discard(_ feeds: Set<String>) {
        var out = feeds.filter { submitted[$0] != nil || held[$0] != nil }
        // The server may have been asked already: the log says what became of it.
        for name in out.sorted() {
            pipeline.logger.info("fetch_discarded", metadata: [
                "feed": "\(name)", "reason": "removed, renamed or changed by a reload while it was fetched",
            ])
        }
        let pages = articles.abandon(feeds: out), pictures = images.abandon(feeds: out)
        for name in pages.feeds.union(pictures.feeds) {
            session.events.release(held.removeValue(forKey: name) ?? 0)
            out.remove(name)
        }
        discarded.formUnion(out)
        session.withdraw(out.filter { submitted[$0] != nil }, keyPrefixes: Set(pages.keyPrefixes + pictures.keyPrefixes))
        // Their states as this flow last saw them may belong to another feed now (a rename moved
        // them in the store): read again when next needed.
        for name in feeds { states[name] = nil }
    }

    /// True, having let go of the feed's bytes, when `name` was discarded: nothing of it is
    /// stored or reported.
    private func dropsDiscarded(_ name: String) -> Bool {
        guard discarded.remove(name) != nil else { return false }
        session.events.release(held.removeValue(forKey: name) ?? 0)
        return true
    }

    /// Waits for the store's batches in flight and delivers their reports: the store (and its
    /// connection) is the caller's until the next `step`.
    public func settle() async {
        deliver(await writer.finishAll())
    }

    /// Nothing more will be submitted: `step` returns false once everything submitted is reported.
    /// The session itself stays open while a feed may still ask for its items' pages.
    public func close() {
        closing = true
        closeSessionIfDone()
    }

    private func closeSessionIfDone() {
        guard closing else { return }
        if context.isCancelled() || (submitted.isEmpty && reading.isEmpty && articles.isEmpty && images.isEmpty) { session.close() }
    }

    /// A reload's new settings for feeds whose transfers stay (`FetchPlan.asksAlike`): their
    /// answers are read under them.
    public func adopt(_ feeds: [FeedConfig]) {
        for feed in feeds where submitted[feed.name] != nil { submitted[feed.name] = feed }
    }

    /// New settings from a reload: feeds read from now on use them. The fetch session keeps its
    /// own (connections, limits) for the process's life.
    public func reconfigure(_ fresh: Pipeline) {
        pipeline = fresh
        context = PassContext(config: fresh.config, store: store, format: fresh.format, logger: fresh.logger,
                              isCancelled: context.isCancelled)
    }

    /// Waits for the next result or tick and moves everything ready one stage on. False once the
    /// session has ended (closed and done, or shut down) and all it gave is stored and reported.
    public func step() async -> Bool {
        guard let event = await events.next() else {
            await drain()
            return false
        }
        heartbeat()
        if case .result(let result) = event { await accept(result) }
        // Finished feeds go on to the batch at once, so a slow feed in the window holds nothing up.
        while reading.isFull || reading.anyIsFinished { await takeOne() }
        while pages.oldestIsFinished { await takePage() }
        while writer.hasFinished { deliver(await writer.finishOldest()) }
        await giveUpOverdue()
        await relieveBacklog()
        // A small batch is not kept waiting for company: stored within about a second of its first feed.
        if batch.isFull { await flush() }
        if writer.isIdle { pruneRetention() }
        closeSessionIfDone()
        return true
    }

    private func accept(_ result: FetchResult) async {
        if FullContentWork.isPage(result) { return acceptPage(result) }
        if ImageWork.isImage(result) { return await acceptImage(result) }
        guard let feed = submitted.removeValue(forKey: result.request.feed) else {
            session.events.release(result.heldBytes)
            return
        }
        submittedURLs[feed.url, default: 1] -= 1
        if submittedURLs[feed.url] == 0 { submittedURLs[feed.url] = nil }
        if discarded.remove(feed.name) != nil { return session.events.release(result.heldBytes) }
        // Cut by shutdown: neither stored nor reported.
        if case .failure(let failure) = result.outcome, failure.kind == .cancelled { return }
        held[feed.name, default: 0] += result.heldBytes
        if pipeline.config.retention(for: feed) != nil { retentionFeeds[feed.name] = feed }
        let processor = FeedProcessor(feed: feed, now: pipeline.clock(), context: context)
        let decided = processor.decide(result, previous: states[feed.name] ?? nil)
        if let response = decided.toRead {
            let reader = processor.reader, hints = decided.prepared.hints
            reading.add((processor, decided)) { reader.read(response, hints: hints) }
        } else {
            reading.add((processor, decided), ready: nil)
        }
    }

    /// Everything parsed is batched, every batch stored, every report delivered.
    private func drain() async {
        while !reading.isEmpty { await takeOne() }
        for entry in articles.abandon() {
            session.events.release(held.removeValue(forKey: entry.processor.feed.name) ?? 0)
        }
        for job in images.abandon() {
            session.events.release(held.removeValue(forKey: job.entry.processor.feed.name) ?? 0)
        }
        if !batch.isEmpty { await flush() }
        deliver(await writer.finishAll())
        pruneRetention()
        ticker.cancel()
    }

    private func deliver(_ finished: [FeedReport]) {
        for finishedReport in finished {
            // Discarded after its documents went to the store: stored, so reported.
            discarded.remove(finishedReport.feed)
            session.events.release(held.removeValue(forKey: finishedReport.feed) ?? 0)
            if let state = finishedReport.state { states[finishedReport.feed] = .some(state) }
            if let feed = retentionFeeds.removeValue(forKey: finishedReport.feed) { retentionDue[feed.name] = feed }
            pipeline.log(finishedReport)
            report(finishedReport)
        }
    }

    // A batch's reports are delivered before a batch beyond the writer's capacity starts: a
    // report callback may use the store's connection (the fleet renews its leases there).
    private func flush() async {
        if writer.isFull { deliver(await writer.finishOldest()) }
        writer.start(batch, at: pipeline.clock())
        batch = StoreBatch()
    }

    // Bodies are parsed and converted on the pool, two or more at once, while this task decides
    // and batches, and the writer's threads store the batches before; results are taken as they
    // finish, so a feed slow to read holds back no other.
    private func takeOne() async {
        // A parse is bounded by its time limit, not by the watchdog's patience.
        while !(await reading.anyFinishes(within: .milliseconds(100))) { heartbeat() }
        guard let ((processor, decided), output) = await reading.nextFinished() else { return }
        let name = processor.feed.name
        // Shut down mid-parse: like a transfer cut by shutdown, the feed is neither stored nor reported.
        if output?.cut == .shutdown {
            session.events.release(held.removeValue(forKey: name) ?? 0)
            return
        }
        let prepared = processor.prepared(decided, reading: output)
        let documentBytes = prepared.documents.reduce(0) { $0 + $1.text.utf8.count }
        session.events.hold(documentBytes)
        session.events.release(held[name] ?? 0)
        held[name] = documentBytes
        if dropsDiscarded(name) { return }
        if let source = output?.source, !prepared.documents.isEmpty {
            return await setAside(prepared, processor: processor, source: source)
        }
        batch.add(prepared, processor: processor)
        // An idle writer takes what there is: a first batch does not wait for 32 feeds to be
        // parsed before storing starts. A busy one lets the batch grow.
        if batch.isFull || (writer.isIdle && batch.hasDocuments) { await flush() }
    }

    // Over the backlog's bound the engine starts nothing new: finish work here rather than wait
    // for results that cannot come.
    private func relieveBacklog() async {
        while session.events.isOverByteLimit {
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

    // MARK: full_content and keep:

    /// A `full_content` feed waits for the pages of its new items (those the store does not hold:
    /// looked up once the batches in flight are done, as the store has one user at a time), then
    /// an `images: local` feed for their images.
    private func setAside(_ prepared: FeedProcessor.Prepared, processor: FeedProcessor,
                          source: FeedReader.Source) async {
        deliver(await writer.finishAll())
        let stored = (try? store.storedHashes(among: prepared.documents.map(\.shortHash))) ?? []
        guard processor.feed.article.fullContent else {
            let fetcher = ArticleFetch(feed: processor.feed, config: pipeline.config)
            return await keepImages(FullContentWork.Entry(prepared: prepared, processor: processor, source: source,
                                                          fetcher: fetcher, stored: stored))
        }
        let (requests, ready) = articles.add(prepared, processor: processor, source: source, stored: stored,
                                             config: pipeline.config)
        if let ready { await keepImages(ready) }
        session.submit(requests)
    }

    private func acceptPage(_ result: FetchResult) {
        // Cut by shutdown: its feed is abandoned when the flow drains.
        if case .failure(let failure) = result.outcome, failure.kind == .cancelled {
            return session.events.release(result.heldBytes)
        }
        guard let read = articles.reading(result) else { return session.events.release(result.heldBytes) }
        pages.add(result.heldBytes, job: read)
    }

    private func takePage() async {
        guard let (bytes, page) = await pages.next() else { return }
        session.events.release(bytes)
        guard let entry = articles.accept(page, logger: pipeline.logger, now: pipeline.clock()) else { return }
        await keepImages(entry)
    }

    /// `images: local` on a store that keeps files: the feed waits for its images (see
    /// `ImageWork`). Otherwise, and for the fleet's store, it goes on to the batch as it is.
    private func keepImages(_ entry: FullContentWork.Entry) async {
        if dropsDiscarded(entry.processor.feed.name) { return }
        guard entry.processor.feed.article.localImages, let files = store as? DocumentStore else {
            return batch.add(FullContentWork.finished(entry).prepared, processor: entry.processor)
        }
        deliver(await writer.finishAll())
        let feed = entry.processor.feed.name
        let deadline = SetAsideDeadline.from(now: .now, config: pipeline.config)
        let (requests, ready) = images.add(entry, deadline: deadline) { urls in (try? files.keptAssets(for: urls, feed: feed)) ?? [:] }
        if let ready { await storeImages(ready, in: files) }
        session.submit(requests)
    }

    private func acceptImage(_ result: FetchResult) async {
        session.events.release(result.heldBytes)
        if case .failure(let failure) = result.outcome, failure.kind == .cancelled { return }
        let (requests, done) = images.accept(result)
        session.submit(requests)
        if let done, let files = store as? DocumentStore { await storeImages(done, in: files) }
    }

    /// Feeds whose pages or images are not all back by their deadline go on without them: those
    /// still out are withdrawn, waiting for a slot or under way.
    private func giveUpOverdue() async {
        guard !articles.isEmpty || !images.isEmpty else { return }
        let instant = ContinuousClock.now, patience = SetAsideDeadline.patience(pipeline.config)
        let pages = articles.overdue(at: instant, patience: patience, logger: pipeline.logger, now: pipeline.clock())
        let pictures = images.overdue(at: instant, patience: patience, logger: pipeline.logger)
        guard !pages.entries.isEmpty || !pictures.jobs.isEmpty else { return }
        session.withdraw([], keyPrefixes: Set(pages.keyPrefixes + pictures.keyPrefixes))
        for entry in pages.entries { await keepImages(entry) }
        guard let files = store as? DocumentStore else { return }
        for job in pictures.jobs { await storeImages(job, in: files) }
    }

    /// The images first, durably, then the documents pointing at them go to the batch. Images
    /// that cannot be stored leave the documents with their remote URLs.
    private func storeImages(_ job: ImageWork.Job, in files: DocumentStore) async {
        // Before the images are kept: nothing of a discarded feed goes to the store.
        if dropsDiscarded(job.entry.processor.feed.name) { return }
        var finished = ImageWork.finish(job, assetsURL: pipeline.config.assetsURL, logger: pipeline.logger,
                                        now: pipeline.clock())
        if !finished.references.isEmpty {
            deliver(await writer.finishAll())
            do {
                try files.keep(finished.assets, references: finished.references)
            } catch {
                pipeline.logger.error("images_not_stored", metadata: [
                    "feed": "\(job.entry.processor.feed.name)", "error": "\(error)",
                ])
                var original = job.entry
                original.retried = finished.entry.retried
                finished.entry = original
            }
        }
        batch.add(FullContentWork.finished(finished.entry).prepared, processor: finished.entry.processor)
    }

    /// `keep:` for the feeds reported since the last time; the writer must be idle.
    private func pruneRetention() {
        guard !retentionDue.isEmpty else { return }
        forgottenByRetention += pipeline.applyRetention(to: Array(retentionDue.values), store: store)
        // Their document counts changed under the states kept here: read them again when next due.
        for name in retentionDue.keys { states[name] = nil }
        retentionDue = [:]
    }
}
