public import FeedModel
internal import Fetch

/// One plain GET through the fetch engine, for commands that inspect a single URL.
public enum SingleFetch {
    public enum Result: Sendable {
        case success(FetchResponse)
        case failure(String)
    }

    public static func get(_ url: String, userAgent: String = CrawlerConfig.defaultUserAgent) async -> Result {
        let engine = FetchEngine(settings: FetchSettings(userAgent: userAgent))
        guard let result = await engine.fetchAll([FetchRequest(feed: url, url: url)]).first else {
            return .failure("no result")
        }
        switch result.outcome {
        case .failure(let failure): return .failure(failure.message)
        case .response(let response) where (200..<300).contains(response.status): return .success(response)
        case .response(let response): return .failure("HTTP \(response.status)")
        }
    }
}
