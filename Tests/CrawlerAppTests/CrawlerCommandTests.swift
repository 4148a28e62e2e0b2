import CrawlerTestKit
import Foundation
import Testing

/// Runs the real `crawler` binary, as users and scripts do.
@Suite struct CrawlerCommandTests {
    let folder = TemporaryFolder()

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    @Test func aBrokenConfigExitsWith2NamingLineAndKeyBeforeFetchingAnything() throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: GoldenDocument.rssFeed(items: [])) }
        try folder.write("feeds:\n  - url: \(server.url("/a"))\n  - url: \(server.url("/b"))\n    interval: soon\n",
                         to: "feeds.yaml")
        let run = try crawler(["once", "--config", "feeds.yaml"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("feeds.yaml:4: feeds[1].interval: 'soon' is not a duration"))
        #expect(server.requests.isEmpty)
        #expect(folder.files(under: "store").isEmpty)
    }

    /// Round 48: only the first mistake in feeds.yaml was named, so a file with three took three
    /// runs to mend. Every feed entry's problem is named, each with its line (and the feed's name,
    /// when it gave one: a reload's message is read after the file changed), and nothing runs.
    @Test func everyBrokenFeedEntryIsNamedAtOnce() throws {
        try folder.write("""
            store: ./store
            feeds:
              - url: http://127.0.0.1:1/ok.xml
                name: ok
              - url: ftp://x/feed
                name: bad1
              - url: http://127.0.0.1:1/two.xml
                interval: 5 parsecs
              - url: http://127.0.0.1:1/three.xml
                name: ok
              - url: http://127.0.0.1:1/four.xml
                name: fine

            """, to: "feeds.yaml")
        for command in [["check"], ["once"], ["list"]] {
            let run = try crawler(command)
            #expect(run.status == 2, "\(command) \(run.stdout)")
            let text = run.stderr
            #expect(text.contains("crawler: feeds.yaml:5: feeds[1].url (feed 'bad1'): 'ftp://x/feed'"), "\(command) \(text)")
            #expect(text.contains("\nfeeds.yaml:8: feeds[2].interval: '5 parsecs' is not a duration"), "\(command) \(text)")
            #expect(text.contains("\nfeeds.yaml:9: feeds[3].name: name 'ok' is already used by the feed on line 3"),
                    "\(command) \(text)")
            #expect(!text.contains("feeds[4]"), "\(command) \(text)")
        }
        #expect(folder.files(under: "store").isEmpty)
    }

    /// Past ten, the rest are counted, not listed: a pasted list of 500 bad lines stays readable.
    @Test func manyBrokenFeedEntriesAreCounted() throws {
        let entries = (0..<25).map { "  - url: gopher://x/\($0)\n" }.joined()
        try folder.write("feeds:\n" + entries, to: "feeds.yaml")
        let run = try crawler(["check"])
        #expect(run.status == 2)
        // Ten listed (round 58: eleven were).
        #expect(run.stderr.contains("feeds.yaml:11: feeds[9].url"), "\(run.stderr)")
        #expect(!run.stderr.contains("feeds[10].url"), "\(run.stderr)")
        #expect(run.stderr.contains("and 15 more problems in feeds.yaml"), "\(run.stderr)")
    }

    @Test func onceExits1WhenAFeedFailsAndStillStoresTheOthers() throws {
        let golden = try GoldenDocument.all()
        let server = try LoopbackHTTPServer { request in
            request.path == "/good" ? ServedResponse(text: GoldenDocument.rssFeed(items: golden.map(\.rssItem)))
                : ServedResponse(status: 410, text: "gone")
        }
        try folder.write("""
            store: ./out
            feeds:
              - url: \(server.url("/good"))
                name: good
                categories: [金融, 新浪财经, 新浪财经－国內]
                author: 新浪财经
              - url: \(server.url("/gone"))
                name: gone
            """, to: "feeds.yaml")
        let first = try crawler(["once"])
        #expect(first.status == 1)
        #expect(first.stdout.contains("FAIL  gone  HTTP 410 Gone"))
        #expect(first.stdout.contains("total: 2 feeds, 1 ok, 1 failed; 2 new documents"))
        #expect(Set(folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }) == Set(golden.map(\.text)))
        let lines = first.stderr.split(separator: "\n").map { LogLine(String($0)) }
        #expect(lines.contains { $0["event"] == "fetch" && $0["feed"] == "good" && $0["new"] == "2" })
        #expect(lines.contains { $0["event"] == "fetch" && $0["feed"] == "gone" && $0["error"] == "HTTP 410 Gone" })
        // The command ends the process itself: the store must have been closed first (its
        // write-ahead log checkpointed and removed), on the failing path as on the clean one.
        let log = folder.path + "/out/index.sqlite-wal"
        #expect(!FileManager.default.fileExists(atPath: log))

        let onlyGood = try crawler(["once", "--feed", "good"])
        #expect(onlyGood.status == 0)
        #expect(onlyGood.stdout.contains("ok    good  200  unchanged (the same body as last time)"))
        #expect(!onlyGood.stdout.contains("gone"))
        #expect(!FileManager.default.fileExists(atPath: log))
    }

    @Test func brokenFeedsParsedOnManyThreadsLeaveOnlyLogLinesOnStderr() throws {
        // Mismatched tags, a bad encoding byte and garbage after the root: libxml2 has much to say.
        let broken = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>B</title>"
            + "<item><title>One</title><guid>1</guid><description>a \u{FFFD}</description></item>"
            + "<item><title>Two</bold></title><guid>2</guid></item></channel></rss><junk>"
        // GBK characters in a document declared GB2312: libxml2's converter fails mid-document.
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../ParseTests/Fixtures/gb2312-with-gbk.xml").standardizedFileURL
        let gbk = try [UInt8](Data(contentsOf: fixture))
        let server = try LoopbackHTTPServer { request in
            ServedResponse(body: request.path.hasSuffix("0") ? gbk : Array(broken.utf8) + [0xFF, 0xFE, 0x3C, 0x21])
        }
        let feeds = (0..<16).map { "  - url: \(server.url("/b\($0)"))\n    name: b\($0)\n" }.joined()
        try folder.write("store: ./out\nhost_gap: 0s\nfeeds:\n" + feeds, to: "feeds.yaml")
        let run = try crawler(["once"])
        let lines = run.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        #expect(lines.allSatisfy { $0.hasPrefix("ts=") }, "\(lines.filter { !$0.hasPrefix("ts=") }.prefix(3))")
    }

    @Test func anUnknownFeedNameIsAConfigError() throws {
        try folder.write("feeds:\n  - url: http://127.0.0.1:9/feed\n    name: only\n", to: "feeds.yaml")
        let run = try crawler(["once", "--feed", "other"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("no feed named or at 'other'"))
    }

    @Test func parsePrintsTheJSONContract() throws {
        let golden = try GoldenDocument.all()
        try folder.write(GoldenDocument.rssFeed(items: [golden[1].rssItem]), to: "feed.xml")
        let run = try crawler(["parse", "feed.xml", "--json"])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let feed = try #require(object["feed"] as? [String: Any])
        #expect(feed["kind"] as? String == "rss2")
        #expect(feed["title"] as? String == "新浪财经－国內")
        let item = try #require((object["items"] as? [[String: Any]])?.first)
        #expect(item["title"] as? String == golden[1].title)
        #expect(item["published"] as? String == "2022-01-06T00:01:41Z")
        #expect(item["updated"] is NSNull)
        #expect(item["image"] as? String == "https://n.sinaimg.cn/finance/cece9e13/20200514/343233024.png")
    }
}
