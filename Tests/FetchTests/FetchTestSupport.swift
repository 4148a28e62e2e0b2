import CrawlerTestKit
import FeedModel
import Fetch
import Testing

/// Settings small enough that every failure mode shows within a couple of seconds. Every test server
/// is on 127.0.0.1, one politeness budget, so the per-host cap is generous and the gap zero.
let testSettings = FetchSettings(userAgent: "crawler-test/1 (+https://example.org/bot)", timeout: 3,
                                 connectTimeout: 1, maxBodyBytes: 256 * 1024, concurrency: 16,
                                 perHostConcurrency: 16, lowSpeedBytesPerSecond: 64, lowSpeedSeconds: 1)

let healthyFeed = "<rss><channel><title>healthy</title></channel></rss>"

func response(_ result: FetchResult?) -> FetchResponse? {
    guard case .response(let response)? = result?.outcome else { return nil }
    return response
}

func failure(_ result: FetchResult?) -> FetchFailure? {
    guard case .failure(let failure)? = result?.outcome else { return nil }
    return failure
}

/// Fetches `requests` in one batch together with a healthy feed on a server of its own, checks the
/// healthy feed arrived whole, and returns every result by feed name.
func fetchBesideAHealthyFeed(_ requests: [FetchRequest], settings: FetchSettings = testSettings,
                             sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: FetchResult] {
    let healthy = try LoopbackHTTPServer { _ in ServedResponse(text: healthyFeed) }
    let all = requests + [FetchRequest(feed: "healthy", url: healthy.url("/feed.xml"))]
    var results: [String: FetchResult] = [:]
    for await result in FetchEngine(settings: settings).fetch(all) {
        results[result.request.feed] = result
    }
    let fine = response(results["healthy"])
    #expect(fine?.status == 200, "the healthy feed in the same batch failed", sourceLocation: sourceLocation)
    #expect(fine?.body == Array(healthyFeed.utf8), sourceLocation: sourceLocation)
    #expect(results.count == all.count, "every request gets exactly one result", sourceLocation: sourceLocation)
    return results
}
