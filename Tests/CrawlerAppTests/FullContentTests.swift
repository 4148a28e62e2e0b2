import CrawlerTestKit
import Foundation
import Synchronization
import Testing

/// `full_content: true` through the real binary: new items' pages fetched from a loopback site,
/// read down to their article, and stored instead of the feed's summary; a page that fails is
/// retried on a later pass; pages are fetched only after every feed. Beside a healthy feed.
@Suite struct FullContentTests {
    let folder = TemporaryFolder()

    /// Whatever the server needs to know once it has its port.
    final class Site: Sendable {
        let base = Mutex("")
        let failuresLeft = Mutex(1)
    }

    static func page(_ title: String, paragraphs: [String]) -> String {
        """
        <html><head><title>\(title) | Example News</title></head><body>
        <div class="top-nav"><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></div>
        <div class="wrapper"><div class="main"><h1>\(title)</h1>
        <div class="story-body">\(paragraphs.map { "<p>\($0)</p>" }.joined(separator: "\n"))
        <p><img data-src="/pics/\(title.count).jpg" src="/blank.gif"></p>
        <div class="promo-box">Subscribe for only one dollar a week, cancel any time you like.</div></div>
        <div id="comments"><p>First comment that nobody wants to read in the stored document.</p></div></div>
        <div class="sidebar"><ul><li><a href="/x">Most read: something else entirely happened today</a></li></ul></div></div>
        <div class="footer">Copyright Example News</div></body></html>
        """
    }

    static let paragraphs = [
        "The first paragraph of the long story says what happened, where it happened, and who was there when it did.",
        "The second paragraph adds the details that the summary in the feed left out, with a quote from a witness.",
        "The third paragraph explains why it matters, and what is expected to happen next, according to officials.",
    ]

    static func feed(_ name: String, base: String, items: [(title: String, path: String, dated: Bool)]) -> String {
        var text = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>\(name)</title><link>\(base)/</link>\n"
        for item in items {
            text += "<item><title>\(item.title)</title><link>\(item.path.hasPrefix("http") ? item.path : base + item.path)</link>"
                + (item.dated ? "<pubDate>\(Self.rfc1123(Date()))</pubDate>" : "")
                + "<description>Only a summary of \(item.title).</description></item>\n"
        }
        return text + "</channel></rss>\n"
    }

    static func rfc1123(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    /// The site on 127.0.0.1, its pages' links pointing back at it.
    static func server(_ site: Site = Site()) throws -> LoopbackHTTPServer {
        let server = try LoopbackHTTPServer { request in
            let base = site.base.withLock { $0 }
            // A query string tells pages of the same article apart.
            switch request.path.prefix(while: { $0 != "?" }) {
            case "/healthy":
                return ServedResponse(text: feed("healthy", base: base, items: [("Healthy item", "/healthy-page", true)]))
            case "/summaries":
                return ServedResponse(text: feed("summaries", base: base, items: [
                    ("Storm story", "/articles/storm", true),
                    ("Flaky story", "/articles/flaky", true),
                    ("Private story", base.replacingOccurrences(of: "127.0.0.1", with: "127.0.0.2") + "/articles/storm", false),
                    ("Report", "/files/report.pdf", false),
                ]))
            case "/busy":
                return ServedResponse(text: feed("busy", base: base, items: (1...5).map { ("Busy \($0)", "/articles/storm?\($0)", true) }))
            case "/hostile":
                return ServedResponse(text: feed("hostile", base: base, items: [("Hostile story", "/articles/hostile", true)]))
            case "/articles/hostile":
                return ServedResponse(contentType: "text/html; charset=utf-8", text: page("Hostile story", paragraphs: paragraphs + [
                    "A link <a href=\"javascript:alert(1)\">that runs script</a> and <img src=\"/x.png\" onerror=\"alert(2)\"> an image, with an old-name in it.",
                ]))
            case "/based":
                return ServedResponse(text: feed("based", base: base, items: [("Based story", "/articles/based", true),
                                                                             ("CDN story", "/articles/cdn", true)]))
            case "/articles/based", "/articles/cdn":
                // A page whose relative URLs a browser resolves against its <base href>.
                let baseHref = request.path == "/articles/based" ? "/static/" : "https://cdn.example.net/assets/"
                let html = page(request.path == "/articles/based" ? "Based story" : "CDN story",
                                paragraphs: paragraphs + ["See <a href=\"other.html\">the other page</a> and "
                                                          + "<img src=\"pic.png\" alt=\"a picture\"> the picture."])
                return ServedResponse(contentType: "text/html; charset=utf-8",
                                      text: html.replacingOccurrences(of: "<head>", with: "<head><base href=\"\(baseHref)\">"))
            case "/selected":
                return ServedResponse(text: feed("selected", base: base, items: [("Selected story", "/articles/storm", true)]))
            case "/articles/storm":
                return ServedResponse(contentType: "text/html; charset=utf-8", text: page("Storm story", paragraphs: paragraphs))
            case "/files/report.pdf":
                return ServedResponse(headers: [("Content-Type", "application/pdf")], body: Array("%PDF-1.7 not a page".utf8))
            case "/articles/flaky":
                if site.failuresLeft.withLock({ left in defer { left -= 1 }; return left > 0 }) {
                    return ServedResponse(status: 503, body: [])
                }
                return ServedResponse(contentType: "text/html; charset=utf-8",
                                      text: page("Flaky story", paragraphs: ["The flaky page finally answered with its whole article text, two passes late."]))
            default:
                return ServedResponse(status: 404, body: [])
            }
        }
        site.base.withLock { $0 = "http://127.0.0.1:\(server.port)" }
        return server
    }

    func documents() -> [String: String] {
        var byTitle: [String: String] = [:]
        for file in folder.files(under: "out/posts") {
            guard let text = folder.read("out/posts/" + file),
                  let line = text.split(separator: "\n").first(where: { $0.hasPrefix("title: ") }) else { continue }
            byTitle[line.dropFirst(7).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))] = text
        }
        return byTitle
    }

    @Test func newItemsGetTheirPagesArticleAndAFailedPageIsRetriedOnALaterPass() throws {
        let server = try Self.server()
        try folder.write("""
            store: ./out
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/summaries"))
                name: summaries
                full_content: true
            """, to: "feeds.yaml")
        let first = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(first.status == 0, "stderr: \(first.stderr.suffix(2000))")
        var stored = documents()
        #expect(stored["Healthy item"]?.contains("Only a summary of Healthy item.") == true)
        let storm = try #require(stored["Storm story"], "stderr: \(first.stderr.suffix(2000))")
        for paragraph in Self.paragraphs { #expect(storm.contains(paragraph), "\(storm)") }
        #expect(!storm.contains("Only a summary"))
        #expect(!storm.contains("Subscribe for only") && !storm.contains("First comment") && !storm.contains("Most read"))
        #expect(storm.contains("src=\"http://127.0.0.1:\(server.port)/pics/11.jpg\""), "\(storm)")
        // The private address is refused like any link someone else wrote: the summary is kept.
        #expect(stored["Private story"]?.contains("Only a summary of Private story.") == true)
        #expect(first.stderr.contains("refused"), "stderr: \(first.stderr.suffix(2000))")
        // The page that failed waits, unstored, for the next pass.
        #expect(stored["Flaky story"] == nil)
        let failed = first.stderr.split(separator: "\n").map { LogLine(String($0)) }.filter { $0["event"] == "article_failed" }
        #expect(failed.first { $0["url"]?.hasSuffix("/articles/flaky") == true }?["kept"] == "retry_later")
        #expect(failed.first { $0["item"]?.contains("127.0.0.2") == true }?["kept"] == "feed_body")
        // Round 59: the fetch's line and the summary said "0 new, 0 dup" of an item left waiting.
        let fetched = first.stderr.split(separator: "\n").map { LogLine(String($0)) }
            .first { $0["event"] == "fetch" && $0["feed"] == "summaries" }
        #expect(fetched?["waiting"] == "1", "stderr: \(first.stderr.suffix(2000))")
        #expect(first.stdout.contains(", 1 waiting for their page or images (read again next fetch)"), "\(first.stdout)")
        #expect(stored["Report"]?.contains("Only a summary of Report.") == true)
        #expect(failed.first { $0["url"]?.hasSuffix("/files/report.pdf") == true }?["error"]?.contains("not an HTML page (application/pdf)") == true,
                "stderr: \(first.stderr.suffix(2000))")
        // Pages only after every feed's own request.
        let paths = server.requests.map(\.path)
        let lastFeed = paths.lastIndex { $0 == "/healthy" || $0 == "/summaries" } ?? 0
        let firstPage = paths.firstIndex { $0.hasPrefix("/articles/") } ?? paths.count
        #expect(lastFeed < firstPage, "\(paths)")

        let second = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(second.status == 0, "stderr: \(second.stderr.suffix(2000))")
        stored = documents()
        #expect(stored["Flaky story"]?.contains("The flaky page finally answered") == true, "stderr: \(second.stderr.suffix(2000))")
        #expect(stored.count == 5)
        // Items already stored are not fetched again.
        #expect(server.requests.map(\.path).filter { $0 == "/articles/storm" }.count == 1)
    }

    @Test func contentSelectorAndRemoveChooseThePartsOfThePage() throws {
        let server = try Self.server()
        try folder.write("""
            store: ./out
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/selected"))
                name: selected
                full_content: true
                content_selector: "div.main > .story-body"
                remove: [".promo-box", "p img"]
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "stderr: \(run.stderr.suffix(2000))")
        let stored = documents()
        #expect(stored["Healthy item"] != nil)
        let story = try #require(stored["Selected story"])
        #expect(story.contains(Self.paragraphs[0]) && story.contains(Self.paragraphs[2]))
        #expect(!story.contains("Subscribe for only") && !story.contains("<h1") && !story.contains("pics/"), "\(story)")
    }

    @Test func aSelectorThatIsNotCSSIsRefusedWithItsLine() throws {
        try folder.write("""
            store: ./out
            feeds:
              - url: http://127.0.0.1:9/feed
                full_content: true
                content_selector: "div:first-child"
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 2)
        #expect(run.stderr.contains("feeds.yaml:5: feeds[0].content_selector: 'div:first-child' is not a CSS selector"),
                "\(run.stderr)")
    }

    @Test func pagesOfOneHostKeepItsGap() throws {
        let server = try Self.server()
        try folder.write("""
            store: ./out
            host_gap: 300ms
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/busy"))
                name: busy
                full_content: true
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "stderr: \(run.stderr.suffix(2000))")
        #expect(documents().filter { $0.key.hasPrefix("Busy ") && $0.value.contains(Self.paragraphs[1]) }.count == 5)
        let times = server.requests.filter { $0.path.hasPrefix("/articles/") }.map(\.receivedAt).sorted()
        #expect(times.count == 5)
        // Read where the server's thread takes each request, which on a loaded machine lags the
        // crawler's send by tens of ms either way: so the span of all the gaps, where one lag
        // counts once, must hold the budget to 10%, and no single gap may be near zero.
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        #expect(gaps.reduce(0, +) >= 0.9 * 4 * 0.3, "gaps between page requests: \(gaps)")
        #expect(gaps.allSatisfy { $0 >= 0.15 }, "gaps between page requests: \(gaps)")
    }

    @Test func aPagesArticleGoesThroughTheRewritesAndTheSanitizerLikeAFeedsBody() throws {
        let server = try Self.server()
        try folder.write("""
            store: ./out
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/hostile"))
                name: hostile
                full_content: true
                rewrite:
                  'old-name': 'new-name'
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "stderr: \(run.stderr.suffix(2000))")
        let stored = documents()
        #expect(stored["Healthy item"] != nil)
        let story = try #require(stored["Hostile story"], "stderr: \(run.stderr.suffix(2000))")
        #expect(story.contains(Self.paragraphs[0]))
        #expect(story.contains("with an new-name in it"), "\(story)")
        #expect(!story.contains("javascript:") && !story.contains("onerror") && !story.contains("alert("), "\(story)")
        #expect(story.contains("referrerpolicy=\"no-referrer\""))
    }

    /// Round 41: a page's `<base href>` was ignored, so its relative links and images were
    /// resolved against the page's own address: broken pictures on the site, and with
    /// `images: local` the wrong images asked for. They resolve as a browser resolves them.
    @Test func aPagesBaseHrefIsTheBaseOfItsRelativeLinks() throws {
        let server = try Self.server()
        try folder.write("store: ./out\nfeeds:\n  - url: \(server.url("/healthy"))\n    name: healthy\n"
                         + "  - url: \(server.url("/based"))\n    name: based\n    full_content: true\n", to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "stderr: \(run.stderr.suffix(2000))")
        let stored = documents()
        #expect(stored["Healthy item"] != nil)
        let based = try #require(stored["Based story"], "stderr: \(run.stderr.suffix(2000))")
        #expect(based.contains("href=\"\(server.url("/static/other.html"))\""), "\(based)")
        #expect(based.contains("src=\"\(server.url("/static/pic.png"))\""), "\(based)")
        let cdn = try #require(stored["CDN story"])
        #expect(cdn.contains("href=\"https://cdn.example.net/assets/other.html\""), "\(cdn)")
        #expect(cdn.contains("src=\"https://cdn.example.net/assets/pic.png\""), "\(cdn)")
    }

    /// The feed's `headers:` (an API key, say) go with its own host's pages only: an item may
    /// link to any host, and that host must not receive them.
    @Test func theFeedsHeadersStayWithTheFeedsOwnHost() throws {
        let elsewhere = try LoopbackHTTPServer { _ in
            ServedResponse(text: Self.page("Away", paragraphs: Self.paragraphs))
        }
        let away = elsewhere.url("/away-story")
        let site = Site()
        let home = try LoopbackHTTPServer { request in
            guard request.path == "/feed.xml" else { return ServedResponse(text: Self.page("Home", paragraphs: Self.paragraphs)) }
            return ServedResponse(text: Self.feed("home", base: site.base.withLock { $0 }, items: [
                (title: "Home story", path: "/home-story", dated: true), (title: "Away story", path: away, dated: true)]))
        }
        site.base.withLock { $0 = String(home.url("/").dropLast()) }
        try folder.write("store: ./store\nallow_private_networks: true\nfeeds:\n  - url: \(home.url("/feed.xml"))\n"
                         + "    name: home\n    full_content: true\n    headers: {X-Secret: feed-key-123}\n",
                         to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr.suffix(800))")
        #expect(elsewhere.requests.contains { $0.path == "/away-story" })
        #expect(elsewhere.requests.allSatisfy { $0.headers["x-secret"] == nil }, "\(elsewhere.requests)")
        #expect(home.requests.contains { $0.path == "/home-story" && $0.headers["x-secret"] == "feed-key-123" }, "\(home.requests.map { ($0.path, $0.headers["x-secret"]) })")
    }
    /// Round 43: pages of three fresh items answered 503, so the host was held and the fourth
    /// item's page (an undated item's) was never asked for; that item was stored with the feed's
    /// summary for good, as if its page had failed. A page its host held back waits for the next
    /// fetch, whatever the item's age.
    @Test func anItemWhosePageWasNeverAskedForWaitsForItsPage() throws {
        let base = LockedText()
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/busy":
                return ServedResponse(text: Self.feed("busy", base: base.value, items: [
                    ("First busy", "/down/1", true), ("Second busy", "/down/2", true), ("Third busy", "/down/3", true),
                    ("Undated story", "/articles/storm", false),
                ]))
            case "/healthy":
                return ServedResponse(text: Self.feed("healthy", base: base.value, items: [("Healthy item", "/healthy-page", true)]))
            case "/articles/storm":
                return ServedResponse(contentType: "text/html; charset=utf-8", text: Self.page("Undated story", paragraphs: Self.paragraphs))
            default:
                return ServedResponse(status: 503, body: [])
            }
        }
        base.value = "http://127.0.0.1:\(server.port)"
        try folder.write("""
            store: ./out
            per_host_concurrency: 1
            host_gap: 0s
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/busy"))
                name: busy
                full_content: true
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        let stored = documents()
        #expect(stored["Healthy item"] != nil, "\(run.stderr.suffix(2000))")
        #expect(!server.requests.contains { $0.path == "/articles/storm" }, "the page was asked for after all")
        #expect(stored["Undated story"] == nil, "stored with the feed's summary: \(stored["Undated story"] ?? "")")
        let line = run.stderr.split(separator: "\n").map { LogLine(String($0)) }
            .first { $0["event"] == "article_failed" && $0["url"]?.hasSuffix("/articles/storm") == true }
        #expect(line?["kept"] == "retry_later", "\(run.stderr.suffix(2000))")
    }

}
