import CrawlerTestKit
import Foundation
import Testing

/// `--log-format json` lines as a log pipeline reads them: counts, sizes and times are numbers;
/// names, URLs and messages are strings, even when a feed is named with digits.
@Suite struct JSONLogTests {
    let folder = TemporaryFolder()

    @Test func countsAreNumbersAndNamesStayStrings() throws {
        let farm = FeedFarm(feeds: 1, itemsPerFeed: 2)
        let server = try farm.server()
        try folder.write("""
            store: ./out
            feeds:
              - url: \(server.url("/feed/0.xml"))
                name: "2024"
              - url: \(server.url("/feed/404.xml"))
                name: broken
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once", "--log-format", "json"], in: folder.path)
        #expect(run.status == 1, "\(run.stderr)")
        let lines = run.stderr.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let healthy = try #require(lines.first { $0["event"] as? String == "fetch" && $0["feed"] as? String == "2024" },
                                   "\(run.stderr)")
        #expect(healthy["status"] as? Int == 200)
        #expect(healthy["new"] as? Int == 2)
        #expect(healthy["dup"] as? Int == 0)
        #expect((healthy["bytes"] as? Int ?? 0) > 0)
        #expect(healthy["ms"] is Int)
        #expect(healthy["url"] as? String == server.url("/feed/0.xml"))
        let broken = try #require(lines.first { $0["event"] as? String == "fetch" && $0["feed"] as? String == "broken" })
        #expect(broken["status"] as? Int == 404)
        #expect(broken["error"] as? String == "HTTP 404 Not Found")
        let pass = try #require(lines.first { $0["event"] as? String == "pass" })
        #expect(pass["feeds"] as? Int == 2)
        #expect(pass["failed"] as? Int == 1)
        #expect(folder.files(under: "out/posts").count == farm.distinctItems)
    }
}
