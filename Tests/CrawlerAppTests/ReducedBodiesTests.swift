import CrawlerTestKit
import Foundation
import Testing

/// A body too costly for the HTML parser (nested thousands deep, or a hundred thousand tags) is
/// stored as its text alone. Round 55: that happened without a word, and the site owner found a
/// post without its links or images and no line saying why.
@Suite struct ReducedBodiesTests {
    let folder = TemporaryFolder()

    @Test func aBodyReducedToTextIsSaidOnceForItsFeed() throws {
        let deep = String(repeating: "<div>", count: 3_000) + "Deep words <a href=\"https://e.org/x\">link</a>"
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/costly.xml":
                return ServedResponse(text: """
                    <?xml version="1.0"?><rss version="2.0"><channel><title>C</title><link>https://e.org/</link>
                    <item><guid>deep</guid><title>Deep one</title><description><![CDATA[\(deep)]]></description></item>
                    <item><guid>fine</guid><title>Fine one</title><description><![CDATA[<p>Plain <a href="https://e.org/f">text</a>.</p>]]></description></item>
                    </channel></rss>
                    """)
            default:
                return ServedResponse(text: GoldenDocument.rssFeed(items: [
                    "<item><title>Healthy item</title><link>https://e.org/h</link><description>Healthy text.</description></item>",
                ]))
            }
        }
        try folder.write("store: ./store\nfeeds:\n  - url: \(server.url("/costly.xml"))\n    name: costly\n"
                         + "  - url: \(server.url("/healthy.xml"))\n    name: healthy\n", to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        let posts = folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
        #expect(posts.count == 3, "\(posts.count)")
        #expect(posts.contains { $0.contains("Healthy text.") })
        let deepPost = posts.first { $0.contains("Deep words") }
        #expect(deepPost?.contains("<a href") == false, "the costly body keeps its text only")
        #expect(posts.contains { $0.contains("<a href=\"https://e.org/f\">text</a>") }, "the fine body keeps its markup")
        let lines = run.stderr.split(separator: "\n").map { LogLine(String($0)) }
        let reduced = lines.filter { $0["event"] == "body_reduced_to_text" }
        #expect(reduced.count == 1, "\(run.stderr.suffix(3000))")
        #expect(reduced.first?["feed"] == "costly" && reduced.first?["count"] == "1", "\(run.stderr.suffix(3000))")
        #expect(reduced.first?["item"] == "Deep one", "\(run.stderr.suffix(3000))")
        #expect(reduced.first?["reason"]?.contains("too costly") == true, "\(run.stderr.suffix(3000))")
        #expect(!lines.contains { $0["event"] == "body_reduced_to_text" && $0["feed"] == "healthy" })
    }

    /// A `full_content` page's article too costly to parse as HTML is said as the feed's body is.
    @Test func aPagesArticleReducedToTextIsSaid() throws {
        let words = (0..<60_000).map { "<b>w\($0)</b> " }.joined()
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/costly-page":
                return ServedResponse(contentType: "text/html", text: "<html><head><title>Costly</title></head><body>"
                                      + "<article><h1>Costly page</h1><p>Opening words of the article.</p><p>\(words)</p></article></body></html>")
            case "/pages.xml":
                return ServedResponse(text: "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>P</title>"
                                      + "<item><title>Costly</title><link>/costly-page</link>"
                                      + "<description>Only a summary.</description></item></channel></rss>")
            default:
                return ServedResponse(text: "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>H</title>"
                                      + "<item><title>Healthy item</title><description>Healthy text.</description></item></channel></rss>")
            }
        }
        try folder.write("store: ./store\nallow_private_networks: true\nfeeds:\n  - url: \(server.url("/pages.xml"))\n    name: pages\n"
                         + "    full_content: true\n  - url: \(server.url("/healthy.xml"))\n    name: healthy\n", to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        let posts = folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
        #expect(posts.contains { $0.contains("Healthy text.") })
        #expect(posts.contains { $0.contains("w59999") && !$0.contains("<b>w1</b>") }, "\(run.stderr.suffix(2000))")
        let reduced = run.stderr.split(separator: "\n").map { LogLine(String($0)) }.filter { $0["event"] == "body_reduced_to_text" }
        #expect(reduced.count == 1 && reduced.first?["feed"] == "pages", "\(run.stderr.suffix(3000))")
        #expect(reduced.first?["url"]?.hasSuffix("/costly-page") == true, "\(run.stderr.suffix(3000))")
    }
}
