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
    let store: DocumentStore
    let now: Timestamp
    let format: OutputFormat
    let logger: Logger

    func process(_ result: FetchResult) -> FeedReport {
        var hints = ServerHints()
        var report = process(result, hints: &hints)
        schedule(&report, hints: hints)
        return report
    }

    private func process(_ result: FetchResult, hints: inout ServerHints) -> FeedReport {
        var report = FeedReport(feed: feed.name, url: feed.url, status: .failed("not processed"))
        report.milliseconds = result.milliseconds
        var previous = (try? store.feedState(feed.name)) ?? FeedState(feed: feed.name, url: feed.url)
        if previous.url != feed.url { previous = FeedState(feed: feed.name, url: feed.url, documents: previous.documents) }
        let decision = FetchDecision.decide(result, state: previous, config: config, now: now)
        log(decision.notes, result: result)
        var state = decision.state
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
                report.status = ingest(response, report: &report, state: &state, hints: &hints)
            }
        }
        state.lastStatus = report.httpStatus
        state.lastError = report.error
        state.consecutiveErrors = report.succeeded ? 0 : state.consecutiveErrors + 1
        report.state = state
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
        let check = SchedulePolicy.next(after: outcome, at: now, bounds: PollBounds(interval: feed.interval),
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

    private func ingest(_ response: FetchResponse, report: inout FeedReport, state: inout FeedState,
                        hints: inout ServerHints) -> FeedReport.Status {
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
        let documents = parsed.items.map { renderer.render($0, firstSeen: now) }
        do {
            let outcome = try store.store(documents, storedAt: now)
            report.new = outcome.stored.count
            report.duplicates = outcome.duplicates
            report.storedPaths = outcome.stored.map(store.relativePath(for:))
            state.documents += outcome.stored.count
        } catch {
            // Nothing of this batch is marked seen, so a later pass stores it.
            return .failed("store: \(error)")
        }
        // Validators and the body's fingerprint are kept only once the content they describe is stored.
        state.validators = response.validators
        state.bodyFingerprint = response.bodyFingerprint
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
