import Foundation
import CrawlerApp
import CrawlerTestKit
import FeedModel
import Logging
import Store
import Synchronization
import Testing

@Suite struct PipelineTests {
    let folder = TemporaryFolder()
    let sink = LineSink()

    private func config(_ feeds: [FeedConfig], hostGap: Double) -> CrawlerConfig {
        var config = CrawlerConfig(storePath: folder.file("store"), timeout: 3, connectTimeout: 1, feeds: feeds)
        config.hostGap = hostGap
        return config
    }

    /// `hostGap: 0` for a farm on the one loopback host, which politeness would otherwise pace.
    private func run(_ feeds: [FeedConfig], hostGap: Double = 0.2, level: Logger.Level = .debug) async throws -> PassSummary {
        let logger = Logger(label: "test") { _ in LogfmtHandler(level: level, sink: sink) }
        let store = try DocumentStore(path: folder.file("store"))
        return try await Pipeline(config: config(feeds, hostGap: hostGap), logger: logger).runOnce(feeds: feeds, store: store)
    }

    private func sinaFeed(_ url: String, name: String = "sina-china") -> FeedConfig {
        FeedConfig(name: name, url: url, categories: ["金融", "新浪财经", "新浪财经－国內"], author: "新浪财经")
    }

    private func storedTexts() -> [String] {
        folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }.sorted()
    }

    @Test func storesBothGoldenDocumentsByteForByteOverHTTP() async throws {
        let golden = try GoldenDocument.all()
        let feedText = GoldenDocument.rssFeed(items: golden.map(\.rssItem))
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: feedText) }
        let summary = try await run([sinaFeed(server.url("/sina/finance"))])
        #expect(summary.failed == 0)
        #expect(summary.new == 2)
        #expect(storedTexts() == golden.map(\.text).sorted())
    }

    @Test func aSecondRunStoresNothing() async throws {
        let golden = try GoldenDocument.all()
        // A fresh channel description each time, so the body differs and the items are parsed again.
        let server = try LoopbackHTTPServer { _ in
            ServedResponse(text: GoldenDocument.rssFeed(items: golden.map(\.rssItem), description: UUID().uuidString))
        }
        let feeds = [sinaFeed(server.url("/sina/finance"))]
        _ = try await run(feeds)
        let second = try await run(feeds)
        #expect(second.new == 0)
        #expect(second.duplicates == 2)
        #expect(storedTexts().count == 2)
    }

    @Test func anIdenticalBodyWithoutValidatorsIsNotParsedAgain() async throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: GoldenDocument.rssFeed(items: [])) }
        let feeds = [sinaFeed(server.url("/feed"))]
        _ = try await run(feeds)
        let second = try await run(feeds)
        #expect(second.reports.first?.items == 0)
        #expect(second.reports.first?.succeeded == true)
        let lines = sink.captured.map(LogLine.init).filter { $0["event"] == "fetch" }
        #expect(lines.last?["unchanged"] == "body")
        #expect(lines.last?["level"] == "debug")
    }

    @Test func anUnchangedFeedIsAnsweredWith304AndNotParsed() async throws {
        let server = try LoopbackHTTPServer { request in
            if request.headers["if-none-match"] == "\"v1\"" { return ServedResponse(status: 304) }
            return ServedResponse(status: 200, headers: [("ETag", "\"v1\"")],
                                  body: Array(GoldenDocument.rssFeed(items: []).utf8))
        }
        let feeds = [sinaFeed(server.url("/feed"))]
        _ = try await run(feeds)
        let second = try await run(feeds)
        #expect(second.reports.first?.httpStatus == 304)
        #expect(server.requests.count == 2)
        #expect(server.requests.last?.headers["if-none-match"] == "\"v1\"")
    }

    @Test func anItemCarriedByTwoFeedsIsStoredOnce() async throws {
        let golden = try GoldenDocument.all()
        let server = try LoopbackHTTPServer { request in
            let items = request.path == "/a" ? [golden[0].rssItem] : [golden[0].rssItem, golden[1].rssItem]
            return ServedResponse(text: GoldenDocument.rssFeed(items: items))
        }
        let summary = try await run([sinaFeed(server.url("/a"), name: "a"), sinaFeed(server.url("/b"), name: "b")])
        #expect(summary.new == 2)
        #expect(summary.duplicates == 1)
        #expect(storedTexts().count == 2)
    }

    @Test func feedsReadInParallelAllLandOnceAndTheirStatesAreAllSaved() async throws {
        // More feeds than one batch holds and than are read at once; each carries one item of the next.
        let farm = FeedFarm(feeds: 40, itemsPerFeed: 3, sharedItems: 1, bodyBytes: 100)
        let server = try farm.server()
        let feeds = (0..<farm.feeds).map { FeedConfig(name: "feed-\($0)", url: server.url("/feed/\($0).xml")) }
        let first = try await run(feeds, hostGap: 0)
        #expect(first.failed == 0)
        #expect(first.reports.map(\.feed) == feeds.map(\.name))
        #expect(first.new == farm.distinctItems)
        #expect(first.duplicates == farm.feeds - 1)
        #expect(first.reports.allSatisfy { $0.new + $0.duplicates == $0.items })
        #expect(storedTexts().count == farm.distinctItems)
        // Every feed's body fingerprint was saved with its state: the same bodies are not read again.
        let second = try await run(feeds, hostGap: 0)
        #expect(second.reports.count == farm.feeds)
        #expect(second.reports.allSatisfy { $0.unchanged && $0.succeeded })
        #expect(second.new == 0)
    }

    @Test func theStoreIsFreeTheMomentAPassReturns() async throws {
        // Batches are stored on a writer thread; the thread's last reference to the store must be
        // gone when the pass returns, or the next open of the store finds its lock still held.
        let farm = FeedFarm(feeds: 3, itemsPerFeed: 2, sharedItems: 0, bodyBytes: 100)
        let server = try farm.server()
        let feeds = (0..<farm.feeds).map { FeedConfig(name: "feed-\($0)", url: server.url("/feed/\($0).xml")) }
        for pass in 0..<20 {
            let summary = try await run(feeds, hostGap: 0)
            #expect(summary.failed == 0, "pass \(pass)")
        }
        #expect(storedTexts().count == farm.distinctItems)
    }

    @Test func failingFeedsAreReportedAndTheOthersStillLand() async throws {
        let golden = try GoldenDocument.all()
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/good": return ServedResponse(text: GoldenDocument.rssFeed(items: [golden[0].rssItem]))
            case "/html": return ServedResponse(contentType: "text/html", text: "<html><body>Moved</body></html>")
            default: return ServedResponse(status: 404, text: "no")
            }
        }
        let dead = try LoopbackHTTPServer { _ in ServedResponse(text: "") }
        let deadURL = dead.url("/feed")
        dead.stop()
        let summary = try await run([
            sinaFeed(server.url("/missing"), name: "missing"), sinaFeed(deadURL, name: "refused"),
            sinaFeed(server.url("/html"), name: "html"), sinaFeed(server.url("/good"), name: "good"),
        ])
        let byName = Dictionary(uniqueKeysWithValues: summary.reports.map { ($0.feed, $0) })
        #expect(byName["missing"]?.error == "HTTP 404 Not Found")
        #expect(byName["refused"]?.error?.contains("onnect") == true)
        #expect(byName["html"]?.error?.contains("not a feed") == true)
        #expect(byName["good"]?.new == 1)
        #expect(summary.failed == 3)
        #expect(storedTexts() == [golden[0].text])
    }

    @Test func logsOneLogfmtLinePerFeedWithTheKeysOperatorsNeed() async throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/ok" ? ServedResponse(text: GoldenDocument.rssFeed(items: [])) : ServedResponse(status: 500, text: "")
        }
        _ = try await run([sinaFeed(server.url("/ok"), name: "ok"), sinaFeed(server.url("/boom"), name: "boom")])
        let fetchLines = sink.captured.map(LogLine.init).filter { $0["event"] == "fetch" }
        #expect(fetchLines.count == 2)
        let ok = try #require(fetchLines.first { $0["feed"] == "ok" })
        for key in ["ts", "level", "status", "bytes", "ms", "new", "dup"] { #expect(ok[key] != nil, "missing \(key)") }
        let boom = try #require(fetchLines.first { $0["feed"] == "boom" })
        #expect(boom["level"] == "warning")
        #expect(boom["status"] == "500")
        #expect(boom["error"] == "HTTP 500 Internal Server Error")
    }

    /// A feed's change of health is one line each way, at the default level too: `feed_failing`
    /// when it has failed five times in a row, `feed_recovered` at its first success after that;
    /// nothing on other passes, the unchanged one after recovering included.
    @Test func aFeedGoingBadAndRecoveringIsLoggedOnceEachWay() async throws {
        let requests = Mutex(0)
        let feedText = GoldenDocument.rssFeed(items: [])
        let server = try LoopbackHTTPServer { _ in
            let count = requests.withLock { count in count += 1; return count }
            return count <= 5 ? ServedResponse(status: 500, text: "") : ServedResponse(text: feedText)
        }
        let feeds = [sinaFeed(server.url("/flaky"), name: "flaky")]
        var transitions: [[LogLine]] = []
        for _ in 1...7 {
            let before = sink.captured.count
            _ = try await run(feeds, hostGap: 0, level: .info)
            transitions.append(sink.captured.dropFirst(before).map(LogLine.init).filter {
                $0["event"] == "feed_failing" || $0["event"] == "feed_recovered"
            })
        }
        #expect(transitions[0...3].allSatisfy { $0.isEmpty })
        let failing = try #require(transitions[4].first)
        #expect(transitions[4].count == 1)
        #expect(failing["event"] == "feed_failing" && failing["level"] == "warning")
        #expect(failing["feed"] == "flaky" && failing["errors"] == "5")
        #expect(failing["error"] == "HTTP 500 Internal Server Error")
        #expect(failing["url"] == server.url("/flaky"))
        let recovered = try #require(transitions[5].first)
        #expect(transitions[5].count == 1)
        #expect(recovered["event"] == "feed_recovered" && recovered["after"] == "5" && recovered["errors"] == "0")
        #expect(transitions[6].isEmpty)
    }
}
