import CrawlerTestKit
import Foundation
import Testing

/// `crawler preview FEED`: what would be stored, and what the rules drop and why; nothing stored.
@Suite struct PreviewCommandTests {
    let folder = TemporaryFolder()

    @Test func showsTheDocumentsAndTheDroppedItemsAndStoresNothing() throws {
        let server = try FullContentTests.server()
        try folder.write("""
            store: ./out
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/summaries"))
                name: summaries
                full_content: true
                block:
                  - title: "^Private"
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["preview", "summaries", "--items", "3", "--rule", "block:title=^Flaky"],
                                         in: folder.path)
        #expect(run.status == 0, "stderr: \(run.stderr.suffix(1500))")
        #expect(run.stdout.contains("--- item 1: Storm story"))
        #expect(run.stdout.contains("title: 'Storm story'"), "\(run.stdout)")
        #expect(run.stdout.contains(FullContentTests.paragraphs[1]))
        #expect(run.stdout.contains("dropped: block rule title=~/^Flaky/ (--rule)"))
        #expect(run.stdout.contains("dropped: block rule title=~/^Private/ (feeds.yaml:9)"), "\(run.stdout)")
        #expect(run.stdout.contains("summaries: 3 items shown, 1 would be stored, 2 dropped by rules; nothing was stored"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out"), "the store must stay untouched")
        #expect(!server.requests.contains { $0.path == "/healthy" })
    }

    /// Round 59: an entry with a link alone was shown as a document that "would be stored" (by
    /// `preview`, and by `parse --render`), where a crawl leaves it out (`items_blank`).
    @Test func aBlankItemIsShownLeftOutAsACrawlLeavesIt() throws {
        let atom = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>Blank</title><id>urn:b</id><updated>2025-12-01T00:00:00Z</updated>
            <entry><id>urn:b:1</id><title>Real post</title><updated>2025-12-01T00:00:00Z</updated><content>words</content></entry>
            <entry><id>urn:b:2</id><updated>2025-12-01T00:00:00Z</updated><link href="https://blank.example/only/link"/></entry>
            </feed>
            """
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: atom) }
        try folder.write("store: ./out\nfeeds:\n  - url: \(server.url("/atom"))\n    name: atom\n", to: "feeds.yaml")
        try folder.write(atom, to: "blank.atom")
        let run = try CrawlerProcess.run(["preview", "atom"], in: folder.path)
        #expect(run.status == 0, "stderr: \(run.stderr.suffix(1500))")
        #expect(run.stdout.contains("atom: 2 items shown, 1 would be stored, 1 blank (nothing to post), 0 dropped by rules"),
                "\(run.stdout)")
        #expect(!run.stdout.contains("blank.example_only_link"), "\(run.stdout)")
        let render = try CrawlerProcess.run(["parse", "blank.atom", "--render"], in: folder.path)
        #expect(render.status == 0, "\(render.stderr)")
        #expect(render.stdout.components(separatedBy: "==> ").count == 2, "\(render.stdout)")
        #expect(render.stderr.contains("1 item with no title, text, image, video, audio or enclosure left out"), "\(render.stderr)")
        let once = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(once.status == 0 && folder.files(under: "out/posts").count == 1, "\(once.stderr)")
    }

    /// Round 41: a fresh item whose page failed was shown as stored with the feed's body, and
    /// counted among those that "would be stored", where a crawl leaves it out and asks for its
    /// page again until the item is a day old.
    @Test func aFreshItemWhosePageFailedIsShownWaitingForItsPage() throws {
        let server = try FullContentTests.server()
        try folder.write("""
            store: ./out
            feeds:
              - url: \(server.url("/summaries"))
                name: summaries
                full_content: true
                block:
                  - title: "^Private"
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["preview", "summaries", "--items", "4"], in: folder.path)
        #expect(run.status == 0, "stderr: \(run.stderr.suffix(1500))")
        let flaky = run.stdout.components(separatedBy: "--- item 2: Flaky story").last?.components(separatedBy: "--- item 3").first ?? ""
        #expect(flaky.contains("article: not used (") && flaky.contains("HTTP 503"), "\(run.stdout)")
        #expect(flaky.contains("a crawl leaves the item out and asks for its page again at each fetch until the item is a day old"),
                "\(flaky)")
        #expect(!flaky.contains("title: 'Flaky story'"), "\(flaky)")
        let report = run.stdout.components(separatedBy: "--- item 4: Report").last ?? ""
        #expect(report.contains("the feed's body is kept") && report.contains("title: 'Report'"), "\(report)")
        #expect(run.stdout.contains("summaries: 4 items shown, 2 would be stored, 1 waits for its page, 1 dropped by rules; "
                                    + "nothing was stored"), "\(run.stdout)")
    }

    @Test func aBadRuleIsAUsageError() throws {
        try folder.write("feeds:\n  - url: http://127.0.0.1:9/feed\n    name: f\n", to: "feeds.yaml")
        let run = try CrawlerProcess.run(["preview", "f", "--rule", "block:titel=x"], in: folder.path)
        #expect(run.status == 64)
        #expect(run.stderr.contains("write block:FIELD=REGEX or keep:FIELD=REGEX"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out"))
    }
}
