import CrawlerTestKit
import Foundation
import Synchronization
import Testing

/// A feed's document count (`status`, `explain`) after a crawl killed mid-batch: the documents
/// found whole in place when the store next opened are stored, and were not counted, since the
/// kill came before the feeds' states were saved (round 44: 6,501 shown of 9,000 stored).
@Suite struct DocumentCountTests {
    let folder = TemporaryFolder()

    @Test func documentsSettledAfterAKillAreCounted() throws {
        let items = Atomic<Int>(3)
        let server = try LoopbackHTTPServer { request in
            let feed = request.path.dropFirst()
            return ServedResponse(text: AlertTests.rss((0..<items.load(ordering: .relaxed)).map { "\(feed)\($0)" }))
        }
        defer { server.stop() }
        try folder.write("store: ./store\nhost_gap: 0s\nfeeds:\n  - url: \(server.url("/a"))\n    name: a\n"
                         + "  - url: \(server.url("/b"))\n    name: b\n", to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["once"], in: folder.path).status == 0)
        items.store(8, ordering: .relaxed)
        let killed = try CrawlerProcess.run(["once"], in: folder.path, shellPrefix: "export CRAWLER_FAULT='link:KILL:4';")
        #expect(killed.status != 0)
        let after = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(after.status == 0, "\(after.stderr)")
        #expect(after.stdout.contains("dup"), "\(after.stdout)")
        let files = folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
        #expect(files.count == 16)
        for feed in ["a", "b"] {
            let explain = try CrawlerProcess.run(["explain", feed], in: folder.path)
            #expect(explain.stdout.contains("documents:   8 stored"), "\(explain.stdout)")
        }
    }
}
