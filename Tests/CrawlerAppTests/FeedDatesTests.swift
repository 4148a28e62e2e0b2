import CrawlerTestKit
import Foundation
import Testing

/// Dates as the stored documents carry them, read from the zones feeds name.
@Suite struct FeedDatesTests {
    let folder = TemporaryFolder()

    static func feed(language: String, date: String) -> String {
        """
        <rss version="2.0"><channel><title>t</title><language>\(language)</language>
        <item><title>\(language) item</title><guid>\(language)</guid><pubDate>\(date)</pubDate>
        <description>\(language) body</description></item></channel></rss>
        """
    }

    /// Sina's and RSSHub's Chinese feeds write China Standard Time as `CST`, which was read as the
    /// US's Central Time: every date 14 hours late (a post of 23:50 filed under the next day).
    @Test func aChineseFeedsCSTIsChinaStandardTime() throws {
        let server = try LoopbackHTTPServer { request in
            ServedResponse(text: Self.feed(language: request.path == "/zh" ? "zh-cn" : "en-us",
                                           date: "Wed, 16 Feb 2022 23:50:43 CST"))
        }
        try folder.write("store: ./out\nfeeds:\n  - url: \(server.url("/zh"))\n    name: zh\n"
                         + "  - url: \(server.url("/us"))\n    name: us\n", to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let stored = folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }
        let chinese = try #require(stored.first { $0.contains("zh-cn body") })
        #expect(chinese.contains("date: Wed, 16 Feb 2022 15:50:43 GMT"), "\(chinese)")
        let american = try #require(stored.first { $0.contains("en-us body") })
        #expect(american.contains("date: Thu, 17 Feb 2022 05:50:43 GMT"), "\(american)")
    }
}
