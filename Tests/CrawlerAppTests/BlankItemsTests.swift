import CrawlerTestKit
import Foundation
import Synchronization
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

    /// Round 24: white space in markup (`<p> </p>`, `&nbsp;`, `<br/>`), a lone script or comment, a
    /// title of U+200B passed the check on the raw strings, and were stored as empty posts.
    @Test func itemsOfInvisibleTextAreBlankToo() throws {
        let server = try LoopbackHTTPServer { request in
            if request.path == "/invisible.json" {
                return ServedResponse(contentType: "application/feed+json", text: """
                    {"version":"https://jsonfeed.org/version/1.1","title":"J","items":[
                    {"id":"a","content_html":"<p>\\u00a0</p>"},{"id":"b","content_text":"\\u200b\\u2060"},
                    {"id":"c","title":"Seen","content_text":"Visible JSON text."}]}
                    """)
            }
            let bodies = ["<p> </p>", "&amp;nbsp;", "<br/><br/>", "<script>x()</script>", "<!-- c -->"]
            let items = bodies.enumerated().map { "<item><guid>g\($0.offset)</guid><description>\($0.element)</description></item>" }
                + ["<item><guid>z</guid><title>\u{200B}</title></item>",
                   "<item><title>Healthy</title><description>Healthy text.</description></item>"]
            return ServedResponse(text: "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>R</title>"
                                  + items.joined() + "</channel></rss>")
        }
        try folder.write("store: ./store\nfeeds:\n  - url: \(server.url("/invisible.xml"))\n    name: rss\n"
                         + "  - url: \(server.url("/invisible.json"))\n    name: json\n", to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        let posts = folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
        #expect(posts.count == 2 && posts.allSatisfy { $0.contains("Healthy text.") || $0.contains("Visible JSON text.") }, "\(posts)")
        let blank = run.stderr.split(separator: "\n").map { LogLine(String($0)) }.filter { $0["event"] == "items_blank" }
        #expect(blank.map { "\($0["feed"] ?? "")=\($0["count"] ?? "")" }.sorted() == ["json=2", "rss=6"], "\(run.stderr)")
    }

    /// An article page, numbered by the last part of its path.
    static func article(_ path: String) -> ServedResponse {
        let number = path.split(separator: "/").last ?? ""
        return ServedResponse(contentType: "text/html", text: "<html><body><article><h1>Page \(number)</h1>"
                              + "<p>The words of article number \(number), long enough to be read as the article.</p>"
                              + "</article></body></html>")
    }

    /// Round 26: items of a link and an invisible title or text (U+200B) still hashed alike, one
    /// post for two articles; a title-less video or audio player was left out as blank; and a
    /// link-only item whose page failed was stored as an empty post.
    @Test func invisibleTextPlayersAndFailedPagesAreJudgedAsPostsShowThem() throws {
        let base = Mutex("")
        let server = try LoopbackHTTPServer { request in
            let base = base.withLock { $0 }
            switch request.path {
            case "/links.xml":
                let items = ["<item><link>\(base)/page/1</link><description>&#8203;</description></item>",
                             "<item><link>\(base)/page/2</link><description>&#8203;</description></item>",
                             "<item><title>&#8203;</title><link>\(base)/page/3</link></item>",
                             "<item><title>&#8203;</title><link>\(base)/page/4</link></item>",
                             "<item><link>\(base)/missing</link></item>"]
                return ServedResponse(text: "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>L</title>"
                                      + items.joined() + "</channel></rss>")
            case "/players.xml":
                let items = ["<item><link>\(base)/v</link><description><![CDATA[<video src=\"\(base)/v.mp4\" controls></video>]]></description></item>",
                             "<item><link>\(base)/a</link><description><![CDATA[<audio src=\"\(base)/a.mp3\" controls></audio>]]></description></item>"]
                return ServedResponse(text: "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>P</title>"
                                      + items.joined() + "</channel></rss>")
            case "/missing": return ServedResponse(status: 404, text: "gone")
            default:
                return Self.article(request.path)
            }
        }
        base.withLock { $0 = "http://127.0.0.1:\(server.port)" }
        try folder.write("store: ./store\nfeeds:\n  - url: \(server.url("/links.xml"))\n    name: links\n    full_content: true\n"
                         + "  - url: \(server.url("/players.xml"))\n    name: players\n", to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        let posts = folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
        for number in 1...4 {
            #expect(posts.filter { $0.contains("The words of article number \(number),") }.count == 1, "page \(number): \(run.stdout)")
        }
        #expect(posts.filter { $0.contains("<video") || $0.contains("<audio") }.count == 2, "\(run.stderr.suffix(1500))")
        #expect(posts.count == 6, "an empty post for the failed page: \(posts)")
        let failed = run.stderr.split(separator: "\n").map { LogLine(String($0)) }.first { $0["event"] == "article_failed" }
        #expect(failed?["kept"] == "nothing_until_the_page_is_read", "\(run.stderr.suffix(1500))")
    }

    /// Round 24: items of nothing but a link all hashed alike (an empty title and text): a
    /// `full_content` feed fetched every page and stored the first, the rest "duplicates" of it.
    /// A link is something to post when its page is fetched; without `full_content` it is blank.
    /// An Atom entry's out-of-line content and a JSON Feed item's `external_url` are its link.
    @Test func itemsOfOnlyALinkAreOnePostEachWithTheirPages() throws {
        let base = Mutex("")
        let server = try LoopbackHTTPServer { request in
            let base = base.withLock { $0 }
            switch request.path {
            case "/links.xml", "/plain.xml":
                let items = (1...3).map { "<item><link>\(base)/page/\($0)</link></item>" }.joined()
                return ServedResponse(text: "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>L</title>\(items)</channel></rss>")
            case "/atom.xml":
                return ServedResponse(contentType: "application/atom+xml", text: """
                    <feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>a</id>
                    <entry><id>e1</id><content src="\(base)/page/4" type="text/html"/></entry></feed>
                    """)
            case "/external.json":
                return ServedResponse(contentType: "application/feed+json", text: """
                    {"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"x","external_url":"\(base)/page/5"}]}
                    """)
            default:
                return Self.article(request.path)
            }
        }
        base.withLock { $0 = "http://127.0.0.1:\(server.port)" }
        try folder.write("""
            store: ./store
            allow_private_networks: true
            feeds:
              - url: \(server.url("/links.xml"))
                name: links
                full_content: true
              - url: \(server.url("/atom.xml"))
                name: atom
                full_content: true
              - url: \(server.url("/external.json"))
                name: external
                full_content: true
              - url: \(server.url("/plain.xml"))
                name: plain
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        let posts = folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
        for number in 1...5 {
            #expect(posts.filter { $0.contains("The words of article number \(number),") }.count == 1, "page \(number): \(posts)")
        }
        #expect(posts.count == 5, "\(posts)")
        let blank = run.stderr.split(separator: "\n").map { LogLine(String($0)) }.filter { $0["event"] == "items_blank" }
        #expect(blank.map { "\($0["feed"] ?? "")=\($0["count"] ?? "")" } == ["plain=3"], "\(run.stderr)")
    }
}
