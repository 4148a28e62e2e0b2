internal import FeedModel
internal import Fetch
internal import Logging
internal import Parse
internal import Convert
internal import Store
internal import Schedule

/// Turns one fetch result into stored documents and a new feed state. The decision itself is
/// `FetchDecision` (pure); this type carries it out and says what happened.
struct FeedProcessor {
    let feed: FeedConfig
    let config: CrawlerConfig
    let store: any CrawlStore
    let now: Timestamp
    let format: OutputFormat
    let logger: Logger

    /// A feed read and converted, whose documents wait to be stored with other feeds' in one batch.
    struct Prepared {
        var report: FeedReport
        var state: FeedState
        var hints: ServerHints
        var documents: [Document]
        /// Validators and body fingerprint to keep once the documents are safely stored.
        var response: FetchResponse?
    }

    /// Phase 1: decide, parse and convert; nothing is written.
    func prepare(_ result: FetchResult) -> Prepared {
        var report = FeedReport(feed: feed.name, url: feed.url, status: .failed("not processed"))
        report.milliseconds = result.milliseconds
        var hints = ServerHints()
        var documents: [Document] = []
        var stored: FetchResponse?
        var previous = (try? store.feedState(feed.name)) ?? FeedState(feed: feed.name, url: feed.url)
        if previous.url != feed.url { previous = FeedState(feed: feed.name, url: feed.url, documents: previous.documents) }
        let decision = FetchDecision.decide(result, state: previous, config: config, now: now)
        log(decision.notes, result: result)
        let state = decision.state
        if case .response(let response) = result.outcome {
            report.httpStatus = response.status
            report.bytes = response.wireBytes
            hints = ServerHintsReader.hints(from: response, feed: nil, now: now)
        }
        report.previousErrors = previous.consecutiveErrors
        switch decision.action {
        case .unchanged:
            report.status = .ok(report.httpStatus ?? 200)
            report.unchanged = true
        case .failed(let reason):
            report.status = .failed(reason)
        case .ingest:
            if case .response(let response) = result.outcome {
                report.status = read(response, report: &report, hints: &hints, documents: &documents)
                if report.succeeded { stored = response }
            }
        }
        return Prepared(report: report, state: state, hints: hints, documents: documents, response: stored)
    }

    /// Phase 2, once the batch holding this feed's documents was stored (or failed): the report's
    /// counts, the validators (kept only when the content they describe is safe), the schedule.
    func complete(_ prepared: Prepared, newDocuments: [Document], storeError: StoreError?) -> FeedReport {
        var report = prepared.report
        var state = prepared.state
        if let response = prepared.response {
            if let storeError {
                // Nothing of this batch is marked seen, so a later pass stores it.
                report.status = .failed("store: \(storeError)")
            } else {
                report.new = newDocuments.count
                report.duplicates = prepared.documents.count - newDocuments.count
                report.storedPaths = newDocuments.map(store.relativePath(for:))
                state.documents += newDocuments.count
                state.validators = response.validators
                state.bodyFingerprint = response.bodyFingerprint
            }
        }
        state.lastStatus = report.httpStatus
        state.lastError = report.error
        state.consecutiveErrors = report.succeeded ? 0 : state.consecutiveErrors + 1
        report.state = state
        schedule(&report, hints: prepared.hints)
        return report
    }

    /// Decides when the feed is due next, records why, and saves its state.
    private func schedule(_ report: inout FeedReport, hints: ServerHints) {
        guard var state = report.state else { return }
        let outcome: FetchOutcome = state.gone ? .gone
            : !report.succeeded ? .failed : report.unchanged ? .unchanged : .updated(newItems: report.new)
        var hints = hints
        // A Retry-After the decision recorded wins over any backoff.
        if let notBefore = state.notBefore, notBefore > now { hints.retryAfter = notBefore }
        let bounds = PollBounds(interval: feed.interval, minimum: feed.minInterval, maximum: feed.maxInterval,
                                adaptive: feed.adaptive, maxBackoff: config.maxBackoff)
        let check = SchedulePolicy.next(after: outcome, at: now, bounds: bounds,
                                        hints: hints, consecutiveErrors: state.consecutiveErrors,
                                        previousAdaptive: state.adaptiveInterval, jitter: Double.random(in: 0..<1))
        state.nextDue = check.due
        state.nextReason = check.reason
        state.adaptiveInterval = check.adaptiveInterval
        report.nextDue = check.due
        report.nextReason = check.reason
        report.state = state
        do {
            try store.save(state)
        } catch {
            // The documents are safe; losing the state only costs an unconditional fetch next time.
            if report.succeeded { report.status = .failed("documents stored, but feed state not saved: \(error)") }
        }
    }

    private func read(_ response: FetchResponse, report: inout FeedReport, hints: inout ServerHints,
                      documents: inout [Document]) -> FeedReport.Status {
        let parsed: Feed
        do {
            parsed = try FeedParser.parse(response.body, url: response.finalURL, httpCharset: response.charset)
        } catch {
            return .failed("\(error)")
        }
        report.items = parsed.items.count
        ServerHintsReader.add(parsed, to: &hints)
        let renderer = DocumentRenderer(feed: feed, channelTitle: parsed.title, defaultImage: config.defaultImage,
                                        format: format)
        documents = parsed.items.map { renderer.render($0, firstSeen: now) }
        return .ok(response.status)
    }

    private func log(_ notes: [FetchDecision.Note], result: FetchResult) {
        for note in notes {
            switch note {
            case .adoptedRedirect(let from, let to):
                logger.notice("redirect_adopted", metadata: ["feed": "\(feed.name)", "from": "\(from)", "to": "\(to)"])
            case .gone:
                logger.warning("feed_gone", metadata: [
                    "feed": "\(feed.name)", "url": "\(result.request.url)",
                    "reason": "410 Gone; no longer polled until its url changes in the configuration",
                ])
            case .retryAfter(let seconds):
                logger.info("retry_after", metadata: ["feed": "\(feed.name)", "seconds": "\(seconds)"])
            }
        }
    }
}

enum HTTPStatusText {
    static func reason(_ status: Int) -> String {
        switch status {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
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
