internal import FeedModel

/// What a fetch result means for a feed, decided without I/O: whether to parse the body, and how
/// the feed's state changes. Each branch names the problem it handles in `notes`, for the logs.
struct FetchDecision {
    enum Action: Equatable {
        /// A new body: parse and store it; then save `validators` and `fingerprint` with the state.
        case ingest
        /// Nothing new (304, or the same body as last time): no parse, no write.
        case unchanged(String)
        case failed(String)
        /// Not fetched: the host asked every client to wait. Not the feed's failure; only its
        /// wait (`notBefore`) is recorded.
        case deferred(String)
    }

    /// Something worth one log line: an adopted redirect, a feed that went away, a back-off.
    enum Note: Equatable {
        case adoptedRedirect(from: String, to: String)
        /// A permanent redirect to another origin, not followed for good: the feed sends credentials.
        case redirectNotAdopted(to: String)
        case gone
        /// 410 Gone at the URL a permanent redirect led to: the configured URL is asked again.
        case redirectGone(from: String)
        case retryAfter(seconds: Int)
    }

    var action: Action
    var state: FeedState
    var notes: [Note] = []

    static func decide(_ result: FetchResult, state previous: FeedState, config: CrawlerConfig,
                       now: Timestamp) -> FetchDecision {
        var decision = FetchDecision(action: .failed("not processed"), state: previous)
        decision.state.lastFetch = now
        switch result.outcome {
        case .failure(let failure) where failure.kind == .deferred:
            decision.state.lastFetch = previous.lastFetch
            decision.action = .deferred(failure.message)
            // The host's wait, not an answer of this feed's server: its line says so, no `retry_after`.
            if let wait = failure.retryAfter { decision.state.notBefore = now.adding(min(Double(wait), config.maxBackoff)) }
        case .failure(let failure):
            decision.action = .failed(failure.message)
            if let wait = failure.retryAfter { decision.backOff(seconds: wait, now: now, cap: config.maxBackoff) }
        case .response(let response):
            // A move is believed from answers that work: a redirect to a page that fails is no
            // new home (round 20: re-adopted after each `redirect_dropped`, it flapped).
            if (200..<300).contains(response.status) || response.status == 304 {
                decision.followRedirects(response.redirects, finalURL: response.finalURL, request: result.request,
                                         config: config)
            }
            decision.judge(response, conditional: !result.request.conditional.isEmpty,
                           throttleOn403: result.request.settings.throttleOn403, now: now, cap: config.maxBackoff,
                           proxy: result.request.settings.proxy ?? config.proxy)
        }
        return decision
    }

    /// `throttleOn403`: the feed's host answers its rate limit with 403 (`throttle_on_403: true`).
    /// `cap`: `max_backoff`, the longest a server's Retry-After holds the feed back.
    /// `proxy`: the one the request went through, if any (a 407 is then the proxy's).
    private mutating func judge(_ response: FetchResponse, conditional: Bool, throttleOn403: Bool, now: Timestamp,
                                cap: Double, proxy: String?) {
        switch response.status {
        case 304 where !conditional:
            // Nothing was asked that "not modified" answers (a broken cache before the server):
            // taken for "unchanged", a feed that never stored anything looked healthy for good.
            action = .failed("HTTP 304 Not Modified to a request that sent no validators (a broken cache or server)")
        case 304:
            // Servers may rotate validators on a 304; keep the newest, byte for byte.
            state.validators.etag = response.cache.etag ?? state.validators.etag
            state.validators.lastModified = response.cache.lastModified ?? state.validators.lastModified
            action = .unchanged("304 Not Modified")
        case 204, 205:
            // Said "empty document": the server answered, on purpose, with nothing to read.
            action = .failed("HTTP \(response.status) \(HTTPStatusText.reason(response.status)): the server sent no feed")
        case 206:
            // We never ask for a range: this is a part of the feed a cache kept, not the feed.
            action = .failed("HTTP 206 Partial Content to a request that asked for no range (a broken cache or server)")
        case 200..<300:
            if !conditional { state.lastUnconditional = now }
            // The body itself compared with the last one stored: a server that sends no validators,
            // or sends them and never honours them (a new ETag on every answer), was parsed and
            // logged on every poll.
            if !response.bodyFingerprint.isEmpty, response.bodyFingerprint == state.bodyFingerprint {
                action = .unchanged(response.validators.isEmpty ? "same body as last time (no validators sent)"
                                    : "same body as last time (its validators were not honoured)")
                // Kept as a 304's are: a server that rotates them may honour the newest.
                state.validators = response.validators
            } else {
                action = .ingest
            }
        case 410 where state.adoptedURL != nil:
            // Gone where a redirect once led: the feed's own URL is asked again, not given up.
            notes.append(.redirectGone(from: state.adoptedURL ?? ""))
            state.adoptedURL = nil
            action = .failed("HTTP 410 Gone")
        case 410:
            state.gone = true
            notes.append(.gone)
            // The message stays the plain status; the `feed_gone` log line says it is no longer polled.
            action = .failed("HTTP 410 Gone")
        case 429, 503:
            throttled(response, now: now, cap: cap)
        case 403 where throttleOn403:
            throttled(response, now: now, cap: cap)
        case 407 where proxy != nil:
            // The proxy's answer, not the feed server's (which was not asked).
            action = .failed(ProxyRefusal.text(proxy: proxy ?? ""))
        case 300..<400 where (response.headers["location"] ?? "").isEmpty:
            // A redirect with nowhere to go: libcurl follows every other (or refuses it, saying so).
            action = .failed("HTTP \(response.status) \(HTTPStatusText.reason(response.status)), with no Location to follow")
        default:
            action = .failed("HTTP \(response.status) \(HTTPStatusText.reason(response.status))")
        }
    }

    /// The server asked us to slow down: its Retry-After, if any, holds the feed back.
    private mutating func throttled(_ response: FetchResponse, now: Timestamp, cap: Double) {
        let wait = response.cache.retryAfter
        if let wait { backOff(seconds: wait, now: now, cap: cap) }
        action = .failed("HTTP \(response.status) \(HTTPStatusText.reason(response.status))"
            + (wait.map { "; asked to retry after \($0) s" + (Double($0) > cap ? ", held to max_backoff \(FeedReader.describe(cap))" : "") } ?? ""))
    }

    /// A 301/308 is believed only once it has been seen on several fetches in a row; a temporary
    /// redirect (302/303/307) or none at all starts the count again.
    /// The URLs kept have no user info: the password is the operator's, in feeds.yaml (where a new
    /// one is taken from), not the state's. A feed that sends credentials, cookies or headers
    /// never moves to another origin for good: libcurl keeps them from the other host on each
    /// redirect, but a request made there directly would carry them all.
    private mutating func followRedirects(_ redirects: [Redirect], finalURL: String, request: FetchRequest,
                                          config: CrawlerConfig) {
        guard !redirects.isEmpty, redirects.allSatisfy(\.isPermanent) else {
            state.pendingRedirect = nil
            state.pendingRedirectCount = 0
            return
        }
        let target = URLUserInfo.removed(from: finalURL)
        if state.pendingRedirect == target {
            state.pendingRedirectCount += 1
        } else {
            state.pendingRedirect = target
            state.pendingRedirectCount = 1
        }
        guard state.pendingRedirectCount >= config.adoptRedirectAfter, state.adoptedURL != target else { return }
        state.pendingRedirect = nil
        state.pendingRedirectCount = 0
        let sendsSecrets = request.settings.sendsSecrets || URLUserInfo.has(request.url)
        guard !sendsSecrets || URLAuthority.keepsSecrets(from: request.url, to: target) else {
            return notes.append(.redirectNotAdopted(to: target))
        }
        notes.append(.adoptedRedirect(from: state.adoptedURL ?? state.url, to: target))
        state.adoptedURL = target
    }

    /// The server's number is kept in the note (the log says what it asked); the hold is at most `cap`.
    private mutating func backOff(seconds: Int, now: Timestamp, cap: Double) {
        state.notBefore = now.adding(min(Double(seconds), cap))
        notes.append(.retryAfter(seconds: seconds))
    }
}
