import CrawlerTestKit
import FeedModel
import Fetch
import Foundation
import Testing

@Suite struct ConditionalGetTests {
    let etag = "W/\"abc-1\""
    let lastModified = "Wed, 16 Feb 2022 23:50:43 GMT"

    @Test func aMatchingETagIsAnswered304WithNoBody() async throws {
        let server = try LoopbackHTTPServer { [etag] in
            .conditional($0, etag: etag, lastModified: nil, text: "<rss/>")
        }
        let request = FetchRequest(feed: "a", url: server.url("/a"), conditional: ConditionalHeaders(etag: etag))
        let results = try await fetchBesideAHealthyFeed([request])
        let answer = try #require(response(results["a"]))
        #expect(answer.status == 304)
        #expect(answer.body.isEmpty)
        // Sent byte-exact: weak prefix and quotes included.
        #expect(server.requests.first?.headers["if-none-match"] == etag)
        #expect(answer.cache.etag == etag)
    }

    @Test func aMatchingLastModifiedIsAnswered304() async throws {
        let server = try LoopbackHTTPServer { [lastModified] in
            .conditional($0, etag: nil, lastModified: lastModified, text: "<rss/>")
        }
        let request = FetchRequest(feed: "a", url: server.url("/a"),
                                   conditional: ConditionalHeaders(lastModified: lastModified))
        let results = try await fetchBesideAHealthyFeed([request])
        #expect(response(results["a"])?.status == 304)
        #expect(server.requests.first?.headers["if-modified-since"] == lastModified)
    }

    @Test func staleValidatorsGetTheFullBodyAndTheNewValidators() async throws {
        let server = try LoopbackHTTPServer { [etag] in
            .conditional($0, etag: etag, lastModified: nil, text: "<rss>new</rss>")
        }
        let request = FetchRequest(feed: "a", url: server.url("/a"), conditional: ConditionalHeaders(etag: "\"old\""))
        let results = try await fetchBesideAHealthyFeed([request])
        let answer = try #require(response(results["a"]))
        #expect(answer.status == 200)
        #expect(answer.body == Array("<rss>new</rss>".utf8))
        #expect(answer.validators.etag == etag)
        #expect(answer.bodyFingerprint == BodyFingerprint.of(Array("<rss>new</rss>".utf8)))
    }

    @Test func aReusedHandleCarriesNothingOverFromTheFeedBefore() async throws {
        let server = try LoopbackHTTPServer { [etag] in
            .conditional($0, etag: etag, lastModified: nil, text: "<rss/>")
        }
        // One transfer at a time: every feed after the first runs on the handle the one before used.
        var settings = testSettings
        settings.concurrency = 1
        let requests = (0..<6).map { index in
            FetchRequest(feed: "f\(index)", url: server.url("/f\(index)"),
                         conditional: index.isMultiple(of: 2) ? ConditionalHeaders(etag: etag) : ConditionalHeaders(),
                         verifyTLS: index != 2)
        }
        var statuses: [String: Int] = [:]
        for await result in FetchEngine(settings: settings).fetch(requests) {
            statuses[result.request.feed] = response(result)?.status
        }
        #expect(statuses == ["f0": 304, "f1": 200, "f2": 304, "f3": 200, "f4": 304, "f5": 200])
        let sent = server.requests.map { $0.headers["if-none-match"] }
        #expect(sent == [etag, nil, etag, nil, etag, nil])
    }

    @Test func aGzipBodyIsDecodedAndBothSizesAreReported() async throws {
        let text = String(repeating: "<item><title>same words again</title></item>", count: 400)
        let zipped = try ServedResponse.gzipped(Array(text.utf8))
        let server = try LoopbackHTTPServer { _ in zipped }
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "z", url: server.url("/z"))])
        let answer = try #require(response(results["z"]))
        #expect(answer.body == Array(text.utf8))
        #expect(answer.decodedBytes == text.utf8.count)
        #expect(answer.wireBytes == zipped.body.count)
        #expect(answer.wireBytes < answer.decodedBytes / 10)
        let offered = server.requests.first?.headers["accept-encoding"] ?? ""
        #expect(offered.contains("gzip") && offered.contains("br") && offered.contains("zstd"))
    }

    @Test func cacheHeadersAndTimingsAreReported() async throws {
        let server = try LoopbackHTTPServer { _ in
            ServedResponse(status: 200, headers: [("Cache-Control", "public, max-age=600"),
                                                  ("Expires", "Thu, 01 Jan 2099 00:00:00 GMT")],
                           body: Array("<rss/>".utf8))
        }
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "c", url: server.url("/c"))])
        let result = try #require(results["c"])
        let answer = try #require(response(result))
        #expect(answer.cache.maxAge == 600)
        #expect((answer.cache.expiresIn ?? 0) > 365 * 86400)
        #expect(result.timings.total > 0)
        #expect(result.timings.firstByte <= result.timings.total)
        #expect(result.timings.connect <= result.timings.firstByte)
    }

    /// Round 19: a server whose clock ran six hours ahead sent `Expires` five minutes after its
    /// own `Date`; read against our clock, the feed was left alone for six hours. Expires and a
    /// Retry-After date count from the server's Date (RFC 9111, 4.2.1).
    @Test func expiresAndRetryAfterDatesCountFromTheServersDate() async throws {
        @Sendable func httpDate(_ offset: Int) -> String {
            var time = time_t(Int(Date().timeIntervalSince1970) + offset), parts = tm()
            gmtime_r(&time, &parts)
            var buffer = [CChar](repeating: 0, count: 64)
            let length = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
            return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        let ahead = 6 * 3600
        let server = try LoopbackHTTPServer { request in
            request.path == "/e"
                ? ServedResponse(status: 200, headers: [("Date", httpDate(ahead)), ("Expires", httpDate(ahead + 300))],
                                 body: Array("<rss/>".utf8))
                : ServedResponse(status: 503, headers: [("Date", httpDate(ahead)), ("Retry-After", httpDate(ahead + 120))],
                                 body: [])
        }
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "e", url: server.url("/e")),
                                                         FetchRequest(feed: "r", url: server.url("/r"))])
        let expires = try #require(response(results["e"])).cache.expiresIn ?? -1
        #expect((295...305).contains(expires), "\(expires)")
        let retry = try #require(response(results["r"])).cache.retryAfter ?? -1
        #expect((115...125).contains(retry), "\(retry)")
    }

    @Test func headerNamesAreLowerCasedAndValuesKeepTheirBytesWithoutFramingSpace() async throws {
        let server = try LoopbackHTTPServer { _ in
            ServedResponse(status: 200, headers: [("X-Mixed-Case", "\t a \"quoted\"  value é \t"),
                                                  ("ETAG", "W/\"x y\"")],
                           body: Array("<rss/>".utf8))
        }
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "h", url: server.url("/h"))])
        let answer = try #require(response(results["h"]))
        #expect(answer.headers["x-mixed-case"] == "a \"quoted\"  value é")
        #expect(answer.headers["etag"] == "W/\"x y\"")
        #expect(answer.cache.etag == "W/\"x y\"")
    }
}

/// A validator with a bare CR (or LF, or NUL) would split the request it is sent back in.
@Suite struct HostileValidatorTests {
    @Test(arguments: ["\"a\"\rX-Injected: 1", "\"a\"\nX-Injected: 1", "\"a\u{0}b\""])
    func aValidatorWithControlsIsNotSentBack(validator: String) async throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: "<rss/>") }
        let request = FetchRequest(feed: "a", url: server.url("/a"),
                                   conditional: ConditionalHeaders(etag: validator, lastModified: validator))
        let results = try await fetchBesideAHealthyFeed([request])
        #expect(response(results["a"])?.status == 200)
        let sent = try #require(server.requests.first { $0.path == "/a" })
        #expect(sent.headers["if-none-match"] == nil)
        #expect(sent.headers["if-modified-since"] == nil)
        #expect(sent.headers["x-injected"] == nil)
    }
}
