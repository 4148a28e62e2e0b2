internal import Config
internal import FeedModel
internal import Fetch
internal import Logging
internal import Convert
internal import Store
internal import Schedule

/// What every feed of a pass (or of a daemon's flow, until a reload) shares. One per pass or
/// flow, referenced by each `FeedProcessor`: copied into each, it made every processor a
/// kilobyte, and a batch of 512 waiting feeds moved and page-faulted its way through megabytes on
/// a 304 pass.
final class PassContext {
    let config: CrawlerConfig
    let store: any CrawlStore
    let format: OutputFormat
    let logger: Logger
    /// The pass's shutdown flag: a feed being parsed stops at it too.
    let isCancelled: @Sendable () -> Bool

    init(config: CrawlerConfig, store: any CrawlStore, format: OutputFormat, logger: Logger,
         isCancelled: @escaping @Sendable () -> Bool = { false }) {
        self.config = config
        self.store = store
        self.format = format
        self.logger = logger
        self.isCancelled = isCancelled
    }
}

/// Turns one fetch result into stored documents and a new feed state. The decision itself is
/// `FetchDecision` (pure); this type carries it out and says what happened.
/// A class, though nothing in it changes: a processor travels with its feed through every stage
/// (decided, read, batched, stored), and each copy of a struct holding the feed's settings was a
/// memcpy and a retain per field.
final class FeedProcessor {
    let feed: FeedConfig
    let now: Timestamp
    let context: PassContext

    init(feed: FeedConfig, now: Timestamp, context: PassContext) {
        self.feed = feed
        self.now = now
        self.context = context
    }

    var config: CrawlerConfig { context.config }
    var store: any CrawlStore { context.store }
    var format: OutputFormat { context.format }
    var logger: Logger { context.logger }
    var bounds: FeedBounds { config.bounds(for: feed) }

    /// A feed read and converted, whose documents wait to be stored with other feeds' in one batch.
    struct Prepared {
        var report: FeedReport
        var state: FeedState
        var hints: ServerHints
        var documents: [Document]
        /// Validators and body fingerprint to keep once the documents are safely stored (not the
        /// whole response: its body would wait in memory with the batch for nothing).
        var response: KeptResponse?
        /// New documents held back by the daily budget (`StoreBatch`): not stored, not seen.
        var held = 0
        /// A permanent redirect this fetch would adopt, and the URL adopted before: believed only
        /// if the page it leads to reads as a feed (`complete`).
        var adoption: (from: String, to: String, before: String?)?
    }

    /// Phase 1a, on the store's owner: what the response means for the feed, before any parsing.
    /// `previous` is the state read when the pass was planned. Nothing is written.
    func decide(_ result: FetchResult, previous stored: FeedState?) -> Decided {
        var report = FeedReport(feed: feed.name, url: feed.url, status: .failed("not processed"))
        report.milliseconds = result.milliseconds
        report.waitMilliseconds = result.waitMilliseconds
        // The URL answered: an adopted redirect's, or where this fetch's redirects led.
        var answered = result.request.url
        if case .response(let response) = result.outcome, !response.redirects.isEmpty { answered = response.finalURL }
        if answered != feed.url { report.fetchedURL = URLUserInfo.removed(from: answered) }
        var hints = ServerHints()
        var previous = stored ?? FeedState(feed: feed.name, url: feed.url)
        // Failures in a row before this fetch, also under a URL the operator has since corrected:
        // its first success is the failing feed's recovery (round 64: the alert stayed open).
        let earlierErrors = previous.consecutiveErrors
        if !previous.belongs(to: feed.url) { previous = FeedState(feed: feed.name, url: feed.url, documents: previous.documents) }
        // Saved under the name the feed has now: a fleet keeps the state as JSON, whose own name
        // stayed the old one after a rename, and every save then missed the renamed row.
        previous.feed = feed.name
        let decision = FetchDecision.decide(result, state: previous, config: config, now: now)
        // An adoption is said once the page it leads to has been read (`settle`).
        log(decision.notes.filter { if case .adoptedRedirect = $0 { false } else { true } }, result: result)
        if case .response(let response) = result.outcome {
            report.httpStatus = response.status
            report.bytes = response.wireBytes
            report.ignoredLastModified = response.cache.ignoredLastModified
            // Said only where it would have been acted on: a throttling answer.
            if response.status == 429 || response.status == 503 || (response.status == 403 && result.request.settings.throttleOn403) {
                report.ignoredRetryAfter = response.cache.ignoredRetryAfter
            }
            hints = ServerHintsReader.hints(from: response, feed: nil, now: now,
                                            throttleOn403: result.request.settings.throttleOn403)
        }
        report.previousErrors = earlierErrors
        report.previousFetch = previous.lastFetch
        var toRead: FetchResponse?
        switch decision.action {
        case .unchanged:
            report.status = .ok(report.httpStatus ?? 200)
            report.unchanged = true
        case .failed(let reason):
            report.status = .failed(reason)
        case .deferred(let reason):
            report.status = .deferred(reason)
        case .ingest:
            if case .response(let response) = result.outcome { toRead = response }
        }
        var prepared = Prepared(report: report, state: decision.state, hints: hints, documents: [], response: nil)
        for case .adoptedRedirect(let from, let to) in decision.notes {
            prepared.adoption = (from, to, previous.adoptedURL)
        }
        return Decided(prepared: prepared, toRead: toRead)
    }

    struct KeptResponse {
        var validators: ConditionalHeaders
        var bodyFingerprint: String
    }

    /// What `decide` left to do: the body to read, if the decision was to ingest it.
    struct Decided {
        var prepared: Prepared
        var toRead: FetchResponse?
    }

    /// Reads this feed's bodies (phase 1b); Sendable, so it may run on any thread.
    var reader: FeedReader {
        FeedReader(feed: feed, defaultImage: config.defaultImage, format: format, now: now, bounds: bounds,
                   clock: { WallClock.threadCPUMilliseconds() }, isCancelled: context.isCancelled)
    }

    /// Phase 1c, back on the owner: the decision and, if a body was read, what it gave.
    func prepared(_ decided: Decided, reading: FeedReader.Reading?) -> Prepared {
        var prepared = decided.prepared
        guard let reading, let response = decided.toRead else { return prepared }
        prepared.report.status = reading.status
        prepared.report.items = reading.items
        prepared.report.cut = reading.cut?.rawValue
        prepared.report.parseNotes = reading.notes.logMetadata
        prepared.hints = reading.hints
        prepared.documents = reading.documents
        if let fallback = reading.identityFallback {
            logger.warning("identity_fallback", metadata: [
                "feed": "\(feed.name)", "identity": "\(feed.identity.rawValue)", "instead": "\(fallback)",
                "reason": "two different items share one identity in the same document",
            ])
        }
        for dropped in reading.dropped { dropped.log(feed: feed.name, to: logger) }
        // A document cut short keeps no validators nor fingerprint: they are the whole resource's
        // (a proxy's, a dropped connection's), and would answer "unchanged" to the fetch that brings
        // the items the cut left out.
        if prepared.report.succeeded {
            if !reading.notes.cutShort {
                prepared.response = KeptResponse(validators: response.validators, bodyFingerprint: response.bodyFingerprint)
            }
            prepared.state.feedHints = ServerHintsReader.stored(reading.hints)
        }
        return prepared
    }

    /// Phase 2, once the batch holding this feed's documents was stored (or failed): the report's
    /// counts, the validators (kept only when the content they describe is safe), the schedule.
    /// The new state is in `report.state`; `StoreBatch` saves the batch's states together.
    /// `documentRefused`: the store error is one of this feed's documents the store would not
    /// name (a folder at its path); the store itself works.
    func complete(_ prepared: Prepared, newDocuments: [Document], storeError: StoreError?,
                  documentRefused: Bool = false) -> FeedReport {
        var report = prepared.report
        var state = prepared.state
        let storeFailed = storeError != nil && (prepared.response != nil || !prepared.documents.isEmpty)
        // Round 54: a refused document is this feed's lasting problem, told as its failure (the
        // feed showed `ok` while its post was never written); an outage of the store is nobody's.
        let outage = storeFailed && !documentRefused
        report.documentRefused = storeFailed && documentRefused
        if let storeError, storeFailed {
            // Nothing of this batch is marked seen, so a later pass stores it.
            report.status = .failed("store: \(storeError)")
        }
        // Stored, whatever failed beside: a feed cut at its time limit keeps the documents it
        // gave by then, and one whose document the store refused keeps its others.
        let before = state.storedToday?.documents(on: now) ?? 0
        report.new = newDocuments.count
        state.documents += newDocuments.count
        if !newDocuments.isEmpty { state.noteNewDocuments(at: now) }
        state.storedToday = (state.storedToday ?? DailyCount(day: 0, documents: 0)).adding(newDocuments.count, at: now)
        if storeError == nil {
            report.duplicates = prepared.documents.count - newDocuments.count
            report.held = prepared.held
            // Logged once per feed per day: by the pass that reached the budget, not by those after.
            if prepared.held > 0, before < bounds.maxDocumentsPerDay { report.dailyBudgetReached = bounds.maxDocumentsPerDay }
            // Validators of a body whose items were held back would make the next fetch a 304,
            // and those items would never come back.
            if let response = prepared.response, prepared.held == 0 {
                state.validators = response.validators
                state.bodyFingerprint = response.bodyFingerprint
            }
        }
        if report.deferral == nil {  // a feed its host held back keeps its last fetch's record
            state.lastStatus = report.httpStatus
            state.lastError = report.error
            // The store's failure (a full disk) is not the feed's: counted as one, it backed every
            // feed off for hours, and each waited that out after the disk was mended.
            if !outage { state.consecutiveErrors = report.succeeded ? 0 : state.consecutiveErrors + 1 }
            if let adoption = prepared.adoption { settle(adoption, report: report, state: &state) }
            if !report.succeeded, !storeFailed { dropDeadRedirect(&state) }
        }
        report.state = state
        if storeFailed {
            scheduleAfterStoreFailure(&report, refused: documentRefused)
        } else {
            schedule(&report, hints: prepared.hints)
        }
        return report
    }

    /// Fetched again at its interval, as if the store had taken it: no backoff for a failure that
    /// is not the feed's, and no sooner than usual (its server is not asked every minute while a
    /// disk stays full).
    private func scheduleAfterStoreFailure(_ report: inout FeedReport, refused: Bool) {
        guard var state = report.state else { return }
        let interval = state.adaptiveInterval ?? feed.interval
        state.nextDue = now.adding(interval)
        state.nextReason = (refused ? "the store could not name one of its documents (not the server's fault)"
                            : "the store failed (not the feed)") + ": fetched again at its interval, without backoff"
        report.nextDue = state.nextDue
        report.nextReason = state.nextReason
        report.state = state
    }

    /// A redirect adopted by this fetch stands only if the page it leads to read as a feed: a 301
    /// to a "domain for sale" page that answered 200 was adopted and dropped in one fetch, again and
    /// again (round 21), the drop counting failures from before the adoption.
    private func settle(_ adoption: (from: String, to: String, before: String?), report: FeedReport,
                        state: inout FeedState) {
        guard !report.succeeded else { return logAdopted(from: adoption.from, to: adoption.to) }
        state.adoptedURL = adoption.before
        logger.notice("redirect_not_adopted", metadata: [
            "feed": "\(feed.name)", "to": "\(adoption.to)",
            "reason": "the page it leads to did not read as the feed: \(report.error ?? "failed")",
        ])
    }

    /// The URL a permanent redirect led to failed as many times in a row as it took to adopt
    /// it: the feed is asked for at its configured URL again (a site that sent everything to a
    /// maintenance page for a while, then took the page down, had the feed failing for good while
    /// its own URL answered fine).
    private func dropDeadRedirect(_ state: inout FeedState) {
        guard let adopted = state.adoptedURL, state.consecutiveErrors >= config.adoptRedirectAfter else { return }
        state.adoptedURL = nil
        logger.notice("redirect_dropped", metadata: [
            "feed": "\(feed.name)", "from": "\(adopted)", "url": "\(URLUserInfo.removed(from: feed.url))",
            "reason": "\(state.consecutiveErrors) failure\(state.consecutiveErrors == 1 ? "" : "s") in a row at the URL a permanent redirect led to; asking the configured URL again",
        ])
    }

    /// Decides when the feed is due next and records why (the batch saves the state).
    private func schedule(_ report: inout FeedReport, hints: ServerHints) {
        guard var state = report.state else { return }
        let outcome: FetchOutcome = state.gone ? .gone : report.deferral != nil ? .deferred
            : !report.succeeded ? .failed : report.unchanged ? .unchanged : .updated(newItems: report.new)
        var hints = hints
        // A 304 or the same body brings no document: what the last one asked still holds
        // (a feed's `<ttl>` and `skipDays` were forgotten after the first poll).
        if report.unchanged { ServerHintsReader.restore(state.feedHints, into: &hints, confirming: report.httpStatus == 304) }
        // A Retry-After the decision recorded wins over any backoff. This response's own stays in
        // the hints as the server sent it (the policy holds it to max_backoff and says so).
        if let notBefore = state.notBefore, notBefore > now, hints.retryAfter == nil { hints.retryAfter = notBefore }
        let bounds = PollBounds(interval: feed.interval, minimum: feed.minInterval, maximum: feed.maxInterval,
                                adaptive: feed.adaptive, maxBackoff: config.maxBackoff)
        let check = SchedulePolicy.next(after: outcome, at: now, bounds: bounds,
                                        hints: hints, consecutiveErrors: state.consecutiveErrors,
                                        previousAdaptive: state.adaptiveInterval, jitter: jitter)
        state.nextDue = check.due
        state.nextReason = check.reason
        state.adaptiveInterval = check.adaptiveInterval
        report.nextDue = check.due
        report.nextReason = check.reason
        report.state = state
    }

    /// A number in 0..<1 that spreads this feed's next fetch: the feed's name and this moment,
    /// hashed with the process's random seed. `Double.random` asked the kernel for randomness,
    /// a system call per feed.
    private var jitter: Double {
        var hasher = Hasher()
        hasher.combine(feed.name)
        hasher.combine(now)
        return Double(UInt64(truncatingIfNeeded: hasher.finalize()) >> 11) * 0x1p-53
    }

    static let notAdoptedReason = "the feed sends credentials, cookies or headers, which must not go to another "
        + "origin; if the feed has moved there for good, change its url in the configuration"

    private func logAdopted(from: String, to: String) {
        var metadata: Logger.Metadata = ["feed": "\(feed.name)", "from": "\(from)", "to": "\(to)"]
        // The validator refuses two feeds at one URL written by hand; a move made them so
        // unseen, and one of them stored nothing but duplicates from then on.
        let target = URLIdentity.key(to)
        if let twin = config.feeds.first(where: { $0.name != feed.name && URLIdentity.key($0.url) == target }) {
            metadata["duplicate_of"] = "\(twin.name)"
            metadata["reason"] = "this feed now fetches the same URL as the feed '\(twin.name)': remove one of them from the configuration"
            logger.warning("redirect_adopted", metadata: metadata)
        } else {
            logger.notice("redirect_adopted", metadata: metadata)
        }
    }

    private func log(_ notes: [FetchDecision.Note], result: FetchResult) {
        for note in notes {
            switch note {
            case .adoptedRedirect(let from, let to):
                logAdopted(from: from, to: to)
            case .redirectNotAdopted(let to):
                logger.notice("redirect_not_adopted", metadata: [
                    "feed": "\(feed.name)", "to": "\(to)",
                    "reason": "\(Self.notAdoptedReason)",
                ])
            case .gone:
                logger.warning("feed_gone", metadata: [
                    "feed": "\(feed.name)", "url": "\(result.request.url)",
                    "reason": "410 Gone; no longer polled until its url changes in the configuration",
                ])
            case .redirectGone(let from):
                logger.notice("redirect_dropped", metadata: [
                    "feed": "\(feed.name)", "from": "\(from)", "url": "\(URLUserInfo.removed(from: feed.url))",
                    "reason": "410 Gone at the URL a permanent redirect led to; asking the configured URL again",
                ])
            case .retryAfter(let seconds):
                logger.info("retry_after", metadata: ["feed": "\(feed.name)", "seconds": "\(seconds)"])
            }
        }
    }
}

public enum HTTPStatusText {
    public static func reason(_ status: Int) -> String {
        switch status {
        case 204: return "No Content"
        case 205: return "Reset Content"
        case 300: return "Multiple Choices"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 303: return "See Other"
        case 307: return "Temporary Redirect"
        case 308: return "Permanent Redirect"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 407: return "Proxy Authentication Required"
        case 410: return "Gone"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return status >= 500 ? "server error" : status >= 400 ? "client error" : "unexpected status"
        }
    }
}
