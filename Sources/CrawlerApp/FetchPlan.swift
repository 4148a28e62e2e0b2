public import FeedModel

/// Whether and how to fetch a feed this pass, from its configuration and remembered state. Pure.
enum FetchPlan: Equatable {
    case fetch(FetchRequest, unconditionalBecause: String?)
    case skip(String)

    static func plan(_ feed: FeedConfig, state: FeedState?, config: CrawlerConfig, now: Timestamp) -> FetchPlan {
        // State belongs to a URL: a feed whose configured URL changed starts afresh.
        // Trust follows the URL the operator wrote, not one a redirect made us adopt.
        let access = NetworkAccess.operatorURL(feed.url, allowsPrivateNetworks: feed.allowPrivateNetworks)
        guard let state, state.belongs(to: feed.url) else {
            return .fetch(FetchRequest(feed: feed.name, url: feed.url, verifyTLS: feed.verifyTLS, access: access,
                                       settings: feed.request), unconditionalBecause: nil)
        }
        if let hold = FeedHold.of(feed, state: state, now: now) { return .skip(hold.reason) }
        let url = requestURL(feed, adopted: state.adoptedURL)
        var request = FetchRequest(feed: feed.name, url: url, verifyTLS: feed.verifyTLS, access: access,
                                   settings: feed.request)
        // Some servers keep answering 304 to validators that never change: now and then, ask afresh.
        let lastFresh = state.lastUnconditional?.secondsSince1970 ?? state.lastFetch?.secondsSince1970 ?? 0
        if !state.validators.isEmpty && Double(now.secondsSince1970 - lastFresh) >= config.revalidateAfter {
            return .fetch(request, unconditionalBecause: "validators older than \(Int(config.revalidateAfter)) s")
        }
        request.conditional = state.validators
        return .fetch(request, unconditionalBecause: nil)
    }

    /// Whether `old` and `new` ask their server alike: what a request is made of (the URL, its
    /// network rules, TLS check, request settings) is the same, whatever else changed.
    static func asksAlike(_ old: FeedConfig, _ new: FeedConfig) -> Bool {
        old.name == new.name && old.url == new.url && old.verifyTLS == new.verifyTLS
            && old.allowPrivateNetworks == new.allowPrivateNetworks && old.request == new.request
    }

    /// Where a feed is asked for: the URL a permanent redirect led to, once adopted, with the
    /// password the configuration gives now; but the configured URL when the adopted one is on
    /// another origin and the feed sends credentials, cookies or headers (a state adopted so
    /// before that was refused, see `FetchDecision`).
    static func requestURL(_ feed: FeedConfig, adopted: String?) -> String {
        guard let adopted else { return feed.url }
        let target = URLUserInfo.removed(from: adopted)
        if URLAuthority.keepsSecrets(from: feed.url, to: target) { return URLUserInfo.carried(from: feed.url, to: target) }
        return feed.request.sendsSecrets || URLUserInfo.has(feed.url) ? feed.url : target
    }
}

/// Where the next fetch of a feed goes, for `crawler explain`: its configured URL, or the one a
/// permanent redirect led to once adopted (`FetchPlan.requestURL`).
public enum FetchedURL {
    public static func of(_ feed: FeedConfig, state: FeedState?) -> String {
        guard let state, state.belongs(to: feed.url) else { return feed.url }
        return FetchPlan.requestURL(feed, adopted: state.adoptedURL)
    }
}
