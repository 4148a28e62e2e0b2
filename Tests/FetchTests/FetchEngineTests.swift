import CrawlerTestKit
import FeedModel
import Fetch
import Testing

@Suite struct FetchEngineTests {
    let settings = FetchSettings(userAgent: "crawler-test/1 (+https://example.org/bot)", timeout: 2, connectTimeout: 1,
                                 maxBodyBytes: 64 * 1024)

    private func response(_ result: FetchResult?) -> FetchResponse? {
        guard case .response(let response)? = result?.outcome else { return nil }
        return response
    }

    private func failure(_ result: FetchResult?) -> FetchFailure? {
        guard case .failure(let failure)? = result?.outcome else { return nil }
        return failure
    }

    @Test func fetchesBodyHeadersAndSendsOurUserAgent() async throws {
        let server = try LoopbackHTTPServer { _ in
            ServedResponse(status: 200, headers: [("Content-Type", "application/rss+xml; charset=GBK"), ("ETag", "\"v1\"")],
                           body: Array("<rss/>".utf8))
        }
        let results = await FetchEngine(settings: settings).fetchAll([FetchRequest(feed: "a", url: server.url("/feed"))])
        let fetched = try #require(response(results.first))
        #expect(fetched.status == 200)
        #expect(fetched.body == Array("<rss/>".utf8))
        #expect(fetched.charset == "GBK")
        #expect(fetched.validators.etag == "\"v1\"")
        #expect(server.requests.first?.headers["user-agent"] == "crawler-test/1 (+https://example.org/bot)")
        #expect(server.requests.first?.headers["accept-encoding"]?.contains("gzip") == true)
    }

    @Test func sendsValidatorsAndPassesA304Through() async throws {
        let server = try LoopbackHTTPServer { request in
            request.headers["if-none-match"] == "\"v1\"" ? ServedResponse(status: 304) : ServedResponse(text: "<rss/>")
        }
        let conditional = ConditionalHeaders(etag: "\"v1\"", lastModified: "Wed, 16 Feb 2022 23:50:43 GMT")
        let results = await FetchEngine(settings: settings)
            .fetchAll([FetchRequest(feed: "a", url: server.url("/feed"), conditional: conditional)])
        #expect(response(results.first)?.status == 304)
        #expect(server.requests.first?.headers["if-modified-since"] == "Wed, 16 Feb 2022 23:50:43 GMT")
    }

    @Test func followsRedirectsAndReportsTheFinalURL() async throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/old" ? ServedResponse(status: 301, headers: [("Location", "/new")]) : ServedResponse(text: "ok")
        }
        let results = await FetchEngine(settings: settings).fetchAll([FetchRequest(feed: "a", url: server.url("/old"))])
        #expect(response(results.first)?.finalURL == server.url("/new"))
        #expect(response(results.first)?.status == 200)
    }

    @Test func aDeadOrSlowServerDoesNotHoldUpTheOthers() async throws {
        let healthy = try LoopbackHTTPServer { _ in ServedResponse(text: "<rss/>") }
        let slow = try LoopbackHTTPServer { _ in ServedResponse(text: "late", delay: 5) }
        let refused = try LoopbackHTTPServer { _ in ServedResponse(text: "") }
        let refusedURL = refused.url("/feed")
        refused.stop()
        let requests = [
            FetchRequest(feed: "slow", url: slow.url("/feed")),
            FetchRequest(feed: "refused", url: refusedURL),
            FetchRequest(feed: "missing", url: healthy.url("/404")),
            FetchRequest(feed: "ok", url: healthy.url("/feed")),
        ]
        let results = await FetchEngine(settings: settings).fetchAll(requests)
        #expect(failure(results[0])?.kind == .timeout)
        #expect(failure(results[1])?.kind == .connect)
        #expect(response(results[2]) != nil)
        #expect(response(results[3])?.body == Array("<rss/>".utf8))
        #expect(results[3].milliseconds < 2000)
    }

    @Test func cutsBodiesOverTheLimit() async throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(body: [UInt8](repeating: 65, count: 200 * 1024)) }
        let results = await FetchEngine(settings: settings).fetchAll([FetchRequest(feed: "big", url: server.url("/"))])
        #expect(failure(results.first)?.kind == .tooLarge)
    }

    @Test func refusesRedirectsToFileURLs() async throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(status: 302, headers: [("Location", "file:///etc/passwd")]) }
        let results = await FetchEngine(settings: settings).fetchAll([FetchRequest(feed: "evil", url: server.url("/"))])
        #expect(failure(results.first) != nil)
    }
}
