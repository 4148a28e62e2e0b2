import CrawlerTestKit
import FeedModel
import Fetch
import Testing

@Suite struct StatusTests {
    @Test(arguments: [404, 410, 500])
    func anErrorStatusIsAResponseNotAFailure(status: Int) async throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(status: status, body: Array("no".utf8)) }
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "e", url: server.url("/e"))])
        #expect(response(results["e"])?.status == status)
    }

    @Test(arguments: [429, 503])
    func retryAfterInSecondsIsReported(status: Int) async throws {
        let server = try LoopbackHTTPServer { _ in .throttled(status, retryAfter: "120") }
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "t", url: server.url("/t"))])
        let answer = try #require(response(results["t"]))
        #expect(answer.status == status)
        #expect(answer.cache.retryAfter == 120)
    }

    @Test func retryAfterAsAnHTTPDateIsTurnedIntoSeconds() async throws {
        let near = try LoopbackHTTPServer { _ in .throttled(503, retryAfter: "Fri, 31 Dec 2100 23:59:59 GMT") }
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "t", url: near.url("/t"))])
        let wait = try #require(response(results["t"])?.cache.retryAfter)
        // A date decades away is held to ten years: later arithmetic on it can never overflow.
        #expect(wait == ServerNumber.maxSeconds)
    }

    @Test func oneThrottledRouteDoesNotHoldBackTheOtherRoutesOnItsHost() async throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/route/broken" ? .throttled(429, retryAfter: "3600") : ServedResponse(text: "<rss/>")
        }
        var settings = testSettings
        settings.defaultHostRule.concurrency = 1
        let requests = [FetchRequest(feed: "broken", url: server.url("/route/broken"))]
            + (1...4).map { FetchRequest(feed: "route\($0)", url: server.url("/route/\($0)")) }
        let results = try await fetchBesideAHealthyFeed(requests, settings: settings)
        #expect(response(results["broken"])?.status == 429)
        for index in 1...4 {
            #expect(response(results["route\(index)"])?.status == 200)
        }
    }

    @Test func aHostThrottlingSeveralFeedsDefersItsRemainingFeeds() async throws {
        let throttling = try LoopbackHTTPServer { _ in .throttled(503, retryAfter: "600") }
        var settings = testSettings
        settings.defaultHostRule.concurrency = 1
        settings.hostRules = [HostRule(pattern: "localhost", concurrency: 1, gap: 0)]
        settings.hostBackoffFeeds = 2
        let requests = (1...5).map {
            FetchRequest(feed: "t\($0)", url: "http://localhost:\(throttling.port)/t\($0)")
        }
        let results = try await fetchBesideAHealthyFeed(requests, settings: settings)
        let deferred = requests.compactMap { failure(results[$0.feed]) }.filter { $0.kind == .deferred }
        #expect(throttling.requests.count == 2)
        #expect(deferred.count == 3)
        #expect(deferred.allSatisfy { $0.retryAfter == 600 && $0.message.contains("localhost") })
    }
}
