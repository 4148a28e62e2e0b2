import CrawlerTestKit
import Foundation
import Testing

/// The work one feed may cause in a pass: items taken from one fetch, new documents a day, and
/// the time its parse and conversion may take. Through the real binary, each beside a healthy feed.
@Suite struct FeedBoundsTests {
    let folder = TemporaryFolder()

    /// An RSS feed of `count` items, newest first, each with a body of `bodyBytes` bytes.
    static func feed(_ name: String, items count: Int, bodyBytes: Int = 40) -> String {
        let body = String(repeating: "x", count: bodyBytes)
        var text = """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>\(name)</title><link>https://example.org/</link>

            """
        text.reserveCapacity(count * (bodyBytes + 200))
        for index in 0..<count {
            text += "<item><title>\(name) \(index)</title><guid>\(name)-\(index)</guid>"
                + "<link>https://example.org/\(name)/\(index)</link><description>\(body) \(index)</description></item>\n"
        }
        return text + "</channel></rss>\n"
    }

    /// Serves `feeds` by path (`/name`); anything else is a one-item healthy feed.
    static func server(_ feeds: [String: String]) throws -> LoopbackHTTPServer {
        let bodies = feeds.mapValues { Array($0.utf8) }
        let healthy = Array(feed("healthy", items: 1).utf8)
        return try LoopbackHTTPServer { request in
            ServedResponse(headers: [("Content-Type", "application/rss+xml")],
                           body: bodies[String(request.path.dropFirst())] ?? healthy)
        }
    }

    /// The titles of the stored documents of feed `name` (its items are titled "name N").
    func documents(mentioning name: String) -> Set<String> {
        let titles = folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }.compactMap { text in
            text.split(separator: "\n").first { $0.hasPrefix("title: ") }
                .map { $0.dropFirst(7).trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) }
        }
        return Set(titles.filter { $0.hasPrefix(name + " ") })
    }

    func fetchLines(_ stderr: String, feed: String) -> [LogLine] {
        stderr.split(separator: "\n").map { LogLine(String($0)) }.filter { $0["event"] == "fetch" && $0["feed"] == feed }
    }

    @Test func maxItemsKeepsTheFirstItemsInDocumentOrderAndSaysTheFeedWasCut() throws {
        let server = try Self.server(["big": Self.feed("big", items: 5000)])
        try folder.write("""
            store: ./out
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/big"))
                name: big
                max_items: 100
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "stderr: \(run.stderr.suffix(1500))")
        let big = documents(mentioning: "big")
        #expect(big.count == 100)
        #expect(big.contains("big 0") && big.contains("big 99"))
        #expect(!big.contains("big 100"))
        #expect(documents(mentioning: "healthy").count == 1)
        let line = fetchLines(run.stderr, feed: "big").first
        #expect(line?["cut"] == "max_items", "stderr: \(run.stderr.suffix(1500))")
        #expect(line?["new"] == "100")
        #expect(fetchLines(run.stderr, feed: "healthy").first?["cut"] == nil)
    }

    @Test func dailyBudgetStoresUpToItsLimitAndLeavesTheRestForALaterDay() throws {
        let server = try Self.server(["busy": Self.feed("busy", items: 30)])
        try folder.write("""
            store: ./out
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/busy"))
                name: busy
                max_documents_per_day: 10
            """, to: "feeds.yaml")
        let first = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(first.status == 0, "stderr: \(first.stderr.suffix(1500))")
        let busy = documents(mentioning: "busy")
        #expect(busy.count == 10)
        #expect(busy.contains("busy 0") && busy.contains("busy 9"))
        #expect(documents(mentioning: "healthy").count == 1)
        let budgetLines = first.stderr.split(separator: "\n").map { LogLine(String($0)) }.filter { $0["event"] == "budget_reached" }
        #expect(budgetLines.count == 1, "stderr: \(first.stderr.suffix(1500))")
        #expect(budgetLines.first?["feed"] == "busy" && budgetLines.first?["limit"] == "10")
        #expect(fetchLines(first.stderr, feed: "busy").first?["held"] == "20")
        // Round 14: the total line counted them nowhere.
        #expect(first.stdout.contains("20 held for a later day (max_documents_per_day)"), "\(first.stdout)")

        // The same day: nothing new for it, said on its fetch line, and the budget is not logged again.
        let second = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(second.status == 0, "stderr: \(second.stderr.suffix(1500))")
        #expect(documents(mentioning: "busy").count == 10)
        #expect(!second.stderr.contains("event=budget_reached"))
        let line = fetchLines(second.stderr, feed: "busy").first
        #expect(line?["new"] == "0" && line?["held"] == "20", "stderr: \(second.stderr.suffix(1500))")
    }

    /// A feed `name` under `max_documents_per_day: limit` whose body the test changes (`served`),
    /// beside a healthy feed; returns the server, which must outlive the runs.
    private func budgetFeed(_ name: String, limit: Int, served: LockedText) throws -> LoopbackHTTPServer {
        let healthy = Self.feed("healthy", items: 1)
        let server = try LoopbackHTTPServer { request in
            ServedResponse(text: request.path == "/" + name ? served.value : healthy)
        }
        try folder.write("""
            store: ./out
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/" + name))
                name: \(name)
                max_documents_per_day: \(limit)
            """, to: "feeds.yaml")
        return server
    }

    /// The budget kept the first new items in document order: for a feed that lists its oldest
    /// first, the oldest, with the newest held back (the README says newest first).
    @Test func theDailyBudgetKeepsTheNewestItemsWhateverTheirOrder() throws {
        let items = (1...5).map { day in
            "<item><title>dated \(day)</title><guid>dated-\(day)</guid><link>https://example.org/d/\(day)</link>"
                + "<pubDate>Tue, 0\(day) Dec 2026 10:00:00 +0000</pubDate><description>day \(day)</description></item>"
        }
        let oldestFirst = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><link>https://example.org/</link>"
            + items.joined() + "</channel></rss>"
        let served = LockedText()
        served.value = oldestFirst
        let server = try budgetFeed("dated", limit: 2, served: served)
        defer { _ = server }
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "stderr: \(run.stderr.suffix(1500))")
        #expect(documents(mentioning: "dated") == ["dated 4", "dated 5"])
        #expect(documents(mentioning: "healthy").count == 1)

        // A correction of a stored post is no new document: it was held for a later day.
        let corrected = oldestFirst.replacingOccurrences(of: "<description>day 5</description>",
                                                          with: "<description>day 5, corrected</description>")
        served.value = corrected
        let again = try CrawlerProcess.run(["once", "--force"], in: folder.path)
        #expect(again.status == 0)
        let line = fetchLines(again.stderr, feed: "dated").first
        #expect(line?["replaced"] == "1", "\(again.stderr.suffix(1500))")
    }

    /// A guid reused with another link is another story, so a new document: passed off as a
    /// correction, it was not counted, and a feed churning its links passed any budget.
    @Test func aReusedGuidWithANewLinkCountsAgainstTheBudget() throws {
        func items(_ round: Int) -> String {
            let entries = (1...3).map { "<item><title>churn \(round)-\($0)</title><guid>churn-\($0)</guid>"
                + "<link>https://example.org/\(round)/\($0)</link><description>round \(round) body \($0)</description></item>" }
            return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>" + entries.joined() + "</channel></rss>"
        }
        let served = LockedText()
        served.value = items(1)
        let server = try budgetFeed("churn", limit: 3, served: served)
        defer { _ = server }
        #expect(try CrawlerProcess.run(["once"], in: folder.path).status == 0)
        #expect(documents(mentioning: "churn").count == 3)
        served.value = items(2)
        let again = try CrawlerProcess.run(["once", "--force"], in: folder.path)
        #expect(fetchLines(again.stderr, feed: "churn").first?["held"] == "3", "\(again.stderr.suffix(1500))")
        #expect(documents(mentioning: "churn").count == 3)
    }

    /// The time limit was asked at every eighth item only: eight heavy bodies were converted
    /// past it (four that took 10 s each, against a limit of 10 s, took 40 s). Asked after
    /// every 32 KB of bodies too, the feed is cut soon after its time is up.
    @Test func heavyItemsAreCutSoonAfterTheParseTimeLimit() throws {
        let body = String(repeating: "<p onclick=x>heavy <b>text</b></p>\n", count: 9_000)
        let items = (1...9).map { "<item><title>heavy \($0)</title><guid>heavy-\($0)</guid><description><![CDATA[\($0) "
            + body + "]]></description></item>" }.joined()
        let heavy = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>heavy</title>" + items + "</channel></rss>"
        let server = try Self.server(["heavy": heavy])
        try folder.write("""
            store: ./out
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/heavy"))
                name: heavy
                parse_time_limit: 15ms
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(documents(mentioning: "healthy").count == 1)
        let line = fetchLines(run.stderr, feed: "heavy").first
        #expect(line?["cut"] == "time_limit", "stderr: \(run.stderr.suffix(1500))")
        #expect(documents(mentioning: "heavy").count < 6, "\(documents(mentioning: "heavy").sorted())")
    }

    @Test func aFeedPastItsParseTimeLimitIsCutAndReportedWhileTheOthersAreStored() throws {
        let server = try Self.server(["slow": Self.feed("slow", items: 20_000, bodyBytes: 200)])
        try folder.write("""
            store: ./out
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/slow"))
                name: slow
                parse_time_limit: 1ms
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 1, "stderr: \(run.stderr.suffix(1500))")
        #expect(documents(mentioning: "healthy").count == 1)
        #expect(documents(mentioning: "slow").count < 20_000)
        let line = fetchLines(run.stderr, feed: "slow").first
        #expect(line?["cut"] == "time_limit", "stderr: \(run.stderr.suffix(1500))")
        #expect(line?["error"]?.contains("1ms") == true)
        #expect(run.stdout.contains("FAIL  slow"), "stdout: \(run.stdout)")
        #expect(run.stdout.contains("time limit"))
        #expect(run.stdout.contains("1 failed"))
    }
}

extension FeedBoundsTests {
    /// With a backlog bound smaller than any one body, the crawler stores what it holds before
    /// taking more: every feed is stored, one after another, and nothing waits forever.
    @Test func aBacklogBoundSmallerThanOneBodyStillStoresEveryFeed() throws {
        let names = (0..<4).map { "wide\($0)" }
        let server = try Self.server(Dictionary(uniqueKeysWithValues: names.map { ($0, Self.feed($0, items: 100, bodyBytes: 2000)) }))
        let feeds = (["healthy"] + names).map { "  - url: \(server.url("/" + $0))\n    name: \($0)\n" }.joined()
        try folder.write("store: ./out\nconcurrency: 4\nmax_backlog_bytes: 1KB\nfeeds:\n" + feeds, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "stderr: \(run.stderr.suffix(1500))")
        #expect(documents(mentioning: "healthy").count == 1)
        for name in names { #expect(documents(mentioning: name).count == 100, "\(name)") }
    }
}
