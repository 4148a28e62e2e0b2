internal import CCurl
internal import FeedModel

/// A request the engine follows through its redirects itself: libcurl, following them, keeps a
/// request's own headers (an API key, a token) on every hop, to whatever host the server names.
/// Hop by hop, they go only where `URLAuthority.keepsSecrets` allows, with the credentials,
/// cookies and the password in the URL; elsewhere the hop goes without them.
struct RedirectChain {
    /// The request as submitted: what the result reports.
    var original: FetchRequest
    /// The redirects before this hop.
    var redirects: [Redirect]
    var startedAt: Int64
    var waited: Int
}

extension CurlTransfer {
    /// A request with something to keep on its origin, and every later hop of one (so that the
    /// chain's length and time stay bounded as one transfer's); one with a body is left to
    /// libcurl (the webhooks', which carry nothing of a feed's).
    var followsRedirectsItself: Bool {
        chain != nil || (request.postBody == nil && (request.settings.sendsSecrets || URLUserInfo.has(request.url)))
    }

    /// Milliseconds left of the request's `timeout` for this hop: the chain is one transfer.
    func timeLeft(of timeout: Double) -> Int {
        Int(timeout * 1000) - Int(MonotonicClock.milliseconds() - startedAt)
    }

    /// The request as submitted, which its result names.
    var submitted: FetchRequest { chain?.original ?? request }

    /// Every redirect of the request so far, this hop's included.
    var allRedirects: [Redirect] { (chain?.redirects ?? []) + redirects }

    enum Onward {
        /// Report this answer: no redirect the engine follows itself, or no usable Location.
        case done
        case hop(FetchRequest, RedirectChain)
        /// More redirects than `max_redirects`, as libcurl would have said.
        case tooMany(Int, [Redirect])
    }

    /// What follows this hop's answer (`status`, libcurl having finished the transfer).
    func onward(status: Int, maxRedirects: Int) -> Onward {
        guard followsRedirectsItself, [301, 302, 303, 307, 308].contains(status) else { return .done }
        var location: UnsafeMutablePointer<CChar>?
        crawler_easy_get_string(handle, CURLINFO_REDIRECT_URL, &location)
        // As libcurl's own following allows (CURLOPT_REDIR_PROTOCOLS_STR): the web only.
        guard let target = location.map({ String(cString: $0) }), URLAuthority.isWeb(target) else { return .done }
        let hop = Redirect(status: status, from: URLUserInfo.removed(from: request.url), to: URLUserInfo.removed(from: target))
        let chain = RedirectChain(original: submitted, redirects: allRedirects + [hop], startedAt: startedAt,
                                  waited: waited)
        guard chain.redirects.count <= maxRedirects,
              !RedirectLoop.revisits(RedirectLoop.target(of: target, from: target) ?? target,
                                     first: URLUserInfo.removed(from: submitted.url), hops: allRedirects) else {
            return .tooMany(maxRedirects, chain.redirects)
        }
        // Judged against the feed's own origin, not the hop's: a chain that comes back home gets
        // the secrets back.
        var next = submitted
        if URLAuthority.keepsSecrets(from: submitted.url, to: target) {
            next.url = URLUserInfo.carried(from: submitted.url, to: target)
        } else {
            next.url = URLUserInfo.removed(from: target)
            next.settings.headers = []
            next.settings.cookies = nil
            next.settings.basicAuth = nil
        }
        return .hop(next, chain)
    }
}
