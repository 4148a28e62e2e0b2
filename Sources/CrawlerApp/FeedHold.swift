public import FeedModel

/// Why a configured feed is not fetched now: the server asked for a pause (Retry-After on a 429
/// or 503, remembered as `notBefore`) or answered 410 Gone. A pass leaves such a feed out, and
/// `crawler once` names it with this reason; `--force` lifts the hold. Pure.
public struct FeedHold: Sendable, Hashable {
    public var feed: String
    public var reason: String

    /// The hold on `feed`, if its state (which belongs to the URL it was saved for) has one.
    public static func of(_ feed: FeedConfig, state: FeedState?, now: Timestamp) -> FeedHold? {
        guard let state, state.belongs(to: feed.url) else { return nil }
        if state.gone {
            let when = state.lastFetch.map { " at \($0.rfc3339)" } ?? ""
            return FeedHold(feed: feed.name, reason: "the server answered 410 Gone\(when); "
                + "change its url in the configuration to poll it again")
        }
        if let notBefore = state.notBefore, notBefore > now {
            return FeedHold(feed: feed.name, reason: waitReason(feed, state: state, until: notBefore))
        }
        return nil
    }

    /// Whose wait it is: the feed's own throttled answer, or its host's (other feeds of the host
    /// were throttled and the feed was not asked; its last answer stays what it was).
    private static func waitReason(_ feed: FeedConfig, state: FeedState, until: Timestamp) -> String {
        if [429, 503, 403].contains(state.lastStatus) {
            return "the server asked us to wait (Retry-After) until \(until.rfc3339)"
        }
        let server = URLAuthority(state.adoptedURL ?? feed.url).map(Self.server) ?? "its server"
        return "\(server) asked every client to wait (Retry-After, to another of its feeds) until \(until.rfc3339)"
    }

    /// As the engine names the server that held its feeds back: the host, and a port other than the scheme's default.
    private static func server(_ authority: URLAuthority) -> String {
        let host = authority.host.lowercased()
        guard authority.port != (authority.scheme == "https" ? 443 : 80) else { return host }
        return (host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host) + ":\(authority.port)"
    }

    /// `state` without its hold, nor what makes its next fetch skip the body (validators, the
    /// last body's fingerprint) or go elsewhere (an adopted redirect): the next fetch's answer
    /// decides, and its body is read.
    public static func lifted(_ state: FeedState) -> FeedState {
        var state = state
        state.gone = false
        state.notBefore = nil
        state.validators = ConditionalHeaders()
        state.bodyFingerprint = nil
        // From its configured URL: a 308 once adopted may have led it to another site's feed
        // (round 22), whose answers never gave a reason to leave it.
        state.adoptedURL = nil
        state.pendingRedirect = nil
        state.pendingRedirectCount = 0
        return state
    }
}
