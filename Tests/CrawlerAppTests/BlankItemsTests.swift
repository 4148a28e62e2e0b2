import CrawlerTestKit
import Foundation
import Testing

/// An item with nothing to show (an empty `<item/>`, a JSON Feed item whose fields all have the
/// wrong types) is left out with one warning for its feed: each was stored as an empty post
/// (`title: ''`, an empty body), one per store, as they all hashed alike. Round 23.
@Suite struct BlankItemsTests {
    let folder = TemporaryFolder()

    @Test func blankItemsAreLeftOutAndSaidOnce() throws {
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/healthy.xml":
                return ServedResponse(text: """
                    <?xml version="1.0"?><rss version="2.0"><channel><title>R</title><link>https://e.org/</link>
                    <item></item><item><guid>5</guid><title> </title><description>   </description></item>
                    <item><title>Healthy item</title><link>https://e.org/h</link><description>Healthy text.</description></item>
                    </channel></rss>
                    """)
            default:
                return ServedResponse(contentType: "application/feed+json", text: """
                    {"version":"https://jsonfeed.org/version/1.1","title":"J","home_page_url":"https://e.org/","items":[
                    {"id":1,"title":["x"],"content_html":{"a":1},"url":7,"summary":false,"date_published":12345},
                    {"id":"ok","title":"Fine","content_html":"<p>Good JSON text.</p>","url":"https://e.org/ok"}]}
                    """)
            }
        }
        try folder.write("store: ./store\nfeeds:\n  - url: \(server.url("/healthy.xml"))\n    name: rss\n"
                         + "  - url: \(server.url("/feed.json"))\n    name: json\n", to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        let posts = folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
        #expect(posts.count == 2, "\(posts)")
        #expect(posts.contains { $0.contains("Healthy text.") } && posts.contains { $0.contains("Good JSON text.") })
        #expect(!posts.contains { $0.contains("title: ''") })
        let blank = run.stderr.split(separator: "\n").map { LogLine(String($0)) }.filter { $0["event"] == "items_blank" }
        #expect(blank.map { "\($0["feed"] ?? "")=\($0["count"] ?? "")" }.sorted() == ["json=1", "rss=2"], "\(run.stderr)")
        #expect(run.stdout.split(separator: "\n").filter { $0.contains("1 new, 0 dup,") }.count == 2, "\(run.stdout)")
    }
}
