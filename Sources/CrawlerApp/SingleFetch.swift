public import FeedModel
internal import Fetch

/// One plain GET through the fetch engine, for commands that inspect a single URL.
public enum SingleFetch {
    /// How to allow a refused address from the command line, for the refusal message.
    public static let commandLineHint = "pass --allow-private-networks, or set allow_private_networks: true, to allow it"

    /// A failure's reason with the URL in front, unless the reason names it already (a transfer's
    /// own message does, with its password masked: compared so too, or the URL came out twice).
    public static func naming(_ url: String, _ reason: String) -> String {
        reason.hasPrefix(url) || reason.hasPrefix(SecretRedaction.redactURL(url)) ? reason : "\(url): \(reason)"
    }

    public enum Result: Sendable {
        case success(FetchResponse)
        case failure(String)
    }

    /// Any HTTP response is a success here; only a transport failure is not. Without `access`,
    /// `url` is one the operator wrote, and private networks are not allowed. With `config`, the
    /// transfer has a crawl's settings (timeouts, proxy, max_body_size, user agent...) and
    /// `request` a feed's own (headers, credentials...); without, the defaults.
    public static func getAnyStatus(_ url: String, userAgent: String = CrawlerConfig.defaultUserAgent,
                                    config: CrawlerConfig? = nil, request own: RequestSettings = RequestSettings(),
                                    access: NetworkAccess? = nil) async -> Result {
        let engine = FetchEngine(settings: config.map(FetchSettings.init) ?? FetchSettings(userAgent: userAgent))
        let request = FetchRequest(feed: url, url: url, access: access, settings: own)
        guard let result = await engine.fetchAll([request]).first else { return .failure("no result") }
        switch result.outcome {
        case .failure(let failure): return .failure(failure.message)
        case .response(let response): return .success(response)
        }
    }

    /// A 2xx response is a success; any other status is a failure naming it.
    public static func get(_ url: String, userAgent: String = CrawlerConfig.defaultUserAgent,
                           config: CrawlerConfig? = nil, access: NetworkAccess? = nil) async -> Result {
        let result = await getAnyStatus(url, userAgent: userAgent, config: config, access: access)
        if case .success(let response) = result, !(200..<300).contains(response.status) {
            return .failure("HTTP \(response.status)")
        }
        return result
    }
}
