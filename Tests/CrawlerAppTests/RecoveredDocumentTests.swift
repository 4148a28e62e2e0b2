import CrawlerTestKit
import Foundation
import Testing

/// A broken document is stored as far as it reads, and said to be broken: on the fetch line and
/// in one warning for the feed (not one per error). Beside a healthy feed.
@Suite struct RecoveredDocumentTests {
    let folder = TemporaryFolder()

    static func feed(_ name: String, items: Int, date: String = "Wed, 16 Feb 2022 23:50:43 GMT") -> String {
        let body = (0..<items).map {
            "<item><title>\(name) \($0)</title><guid>\(name)-\($0)</guid><pubDate>\(date)</pubDate></item>"
        }.joined()
        return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>\(name)</title>\(body)</channel></rss>"
    }

    @Test func brokenDocumentsAndDatesAreLoggedAndStoredBesideAHealthyFeed() throws {
        let truncated = String(Self.feed("cut", items: 3).dropLast(40))
        let server = try LoopbackHTTPServer { request in
            request.path == "/cut" ? ServedResponse(text: truncated)
                : request.path == "/undated" ? ServedResponse(text: Self.feed("undated", items: 3, date: "sometime soon"))
                : request.path == "/future" ? ServedResponse(text: Self.feed("future", items: 1, date: "Thu, 01 Jan 2099 00:00:00 GMT"))
                : ServedResponse(text: Self.feed("healthy", items: 2))
        }
        try folder.write("store: ./out\nfeeds:\n" + ["cut", "undated", "future", "healthy"].map {
            "  - url: \(server.url("/" + $0))\n    name: \($0)\n"
        }.joined(), to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        let lines = run.stderr.split(separator: "\n")
        let cut = try #require(lines.first { $0.contains("event=fetch ") && $0.contains("feed=cut") })
        #expect(cut.contains("recovered="), "\(cut)")
        #expect(lines.filter { $0.contains("event=document_recovered") && $0.contains("feed=cut") }.count == 1)
        let undated = try #require(lines.first { $0.contains("event=fetch ") && $0.contains("feed=undated") })
        #expect(undated.contains("unreadable_date=\"sometime soon\""), "\(undated)")
        #expect(lines.filter { $0.contains("event=date_unreadable") && $0.contains("feed=undated") }.count == 1)
        let healthy = try #require(lines.first { $0.contains("event=fetch ") && $0.contains("feed=healthy") })
        #expect(!healthy.contains("recovered") && !healthy.contains("unreadable"))
        let stored = folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }
        #expect(stored.contains { $0.contains("title: 'healthy 1'") })
        #expect(stored.contains { $0.contains("title: 'cut 1'") })
        #expect(stored.contains { $0.contains("title: 'undated 2'") })
        // A date decades ahead is a mistake: the item is dated when it was fetched.
        let future = try #require(stored.first { $0.contains("title: 'future 0'") })
        #expect(!future.contains("2099"))
        #expect(future.contains(" \(Calendar(identifier: .gregorian).component(.year, from: Date())) "))
    }
}
