internal import FeedModel
internal import Fetch
internal import Parse
internal import Convert
internal import Store
internal import Schedule

/// Turns one fetch result into stored documents and a new feed state. Each branch says why.
struct FeedProcessor {
    let feed: FeedConfig
    let config: CrawlerConfig
    let store: DocumentStore
    let now: Timestamp
    let format: OutputFormat

    func process(_ result: FetchResult) -> FeedReport {
        var hints = ServerHints()
        var report = process(result, hints: &hints)
        schedule(&report, hints: hints)
        return report
    }

    private func process(_ result: FetchResult, hints: inout ServerHints) -> FeedReport {
        var report = FeedReport(feed: feed.name, url: feed.url, status: .failed("not processed"))
        report.milliseconds = result.milliseconds
        var state = (try? store.feedState(feed.name)) ?? FeedState(feed: feed.name, url: feed.url)
        if state.url != feed.url { state = FeedState(feed: feed.name, url: feed.url, documents: state.documents) }
        state.lastFetch = now
        switch result.outcome {
        case .failure(let failure):
            report.status = .failed(failure.message)
        case .response(let response):
            report.httpStatus = response.status
            report.bytes = response.wireBytes
            hints = ServerHintsReader.hints(from: response, feed: nil, now: now)
            report.status = handle(response, report: &report, state: &state, hints: &hints)
        }
        report.previousErrors = state.consecutiveErrors
        state.lastStatus = report.httpStatus
        state.lastError = report.error
        state.consecutiveErrors = report.succeeded ? 0 : state.consecutiveErrors + 1
        report.state = state
        return report
    }

    /// Decides when the feed is due next, records why, and saves its state.
    private func schedule(_ report: inout FeedReport, hints: ServerHints) {
        guard var state = report.state else { return }
        let outcome: FetchOutcome = report.httpStatus == 410 ? .gone
            : !report.succeeded ? .failed : report.httpStatus == 304 ? .unchanged : .updated(newItems: report.new)
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

    private func handle(_ response: FetchResponse, report: inout FeedReport, state: inout FeedState,
                        hints: inout ServerHints) -> FeedReport.Status {
        switch response.status {
        case 304:
            // Unchanged since the validators we sent: nothing to parse or write.
            return .ok(304)
        case 200..<300:
            return ingest(response, report: &report, state: &state, hints: &hints)
        default:
            return .failed("HTTP \(response.status) \(HTTPStatusText.reason(response.status))")
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
        // Validators are kept only once the content they describe is safely stored.
        state.validators = response.validators
        return .ok(response.status)
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
