import CrawlerTestKit
import Foundation
import Testing

/// How long a server says its feed stays fresh, as the real binary keeps it between polls.
@Suite struct CacheFreshnessTests {
    let folder = TemporaryFolder()

    /// Round 38: a 200 said `Cache-Control: max-age=3600`; the next poll's bare 304 (no
    /// Cache-Control of its own) made the poll after it come at the configured interval, as if the
    /// hour had never been said. A 304 updates the headers it carries and keeps the others
    /// (RFC 9111, 4.3.4). A 200 that drops its max-age drops it.
    @Test func aBare304KeepsTheMaxAgeOfTheAnswerItConfirms() throws {
        let server = try LoopbackHTTPServer { request in
            let feed = AlertTests.rss([String(request.path.dropFirst())])
            if request.headers["if-none-match"] == "\"v1\"" { return ServedResponse(status: 304, headers: [("ETag", "\"v1\"")]) }
            var response = ServedResponse(text: feed)
            response.headers += [("ETag", "\"v1\"")] + (request.path == "/fresh" ? [("Cache-Control", "max-age=3600")] : [])
            return response
        }
        try folder.write("store: ./out\ninterval: 1m\nfeeds:\n  - url: \(server.url("/fresh"))\n    name: fresh\n"
                         + "  - url: \(server.url("/plain"))\n    name: plain\n", to: "feeds.yaml")
        func why(_ run: CrawlerProcess.Run, _ feed: String) -> String {
            run.stderr.split(separator: "\n").map { LogLine(String($0)) }
                .last { $0["event"] == "fetch" && $0["feed"] == feed }?["why"] ?? ""
        }
        let first = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(why(first, "fresh").contains("Cache-Control max-age asks for at least 1h"), "\(first.stderr)")
        let second = try CrawlerProcess.run(["once", "--log-level", "debug"], in: folder.path)
        #expect(second.stdout.contains("304"), "\(second.stdout)")
        #expect(why(second, "fresh").contains("Cache-Control max-age asks for at least 1h"), "\(second.stderr)")
        #expect(!why(second, "plain").contains("max-age"), "\(second.stderr)")
    }
}
