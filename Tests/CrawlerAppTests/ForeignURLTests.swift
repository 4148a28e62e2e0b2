import CrawlerTestKit
import Foundation
import Testing

/// URLs someone else wrote (a page's feed links, an OPML file's xmlUrls) are http(s) only, and
/// reach no loopback or private address unless the operator allows it; run as the real binary.
@Suite struct ForeignURLTests {
    let folder = TemporaryFolder()
    static let existing = "store: ./store\nfeeds:\n  - url: https://example.org/feed.xml\n    name: existing\n"

    static let feed = """
        <rss version="2.0"><channel><title>Good</title><link>https://example.org/</link>
        <item><title>one</title><guid>1</guid></item></channel></rss>
        """

    /// A page at `/page` linking to `links` in order; `/good.xml` is a feed.
    private func site(links: @escaping @Sendable (Int) -> [String]) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            switch request.path {
            case "/page":
                return ServedResponse(contentType: "text/html", text: "<html><head>"
                    + links(0).map { "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"\($0)\">" }.joined()
                    + "</head></html>")
            case "/good.xml": return ServedResponse(text: Self.feed)
            default: return ServedResponse(status: 404, text: "")
            }
        }
    }

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    @Test func addRefusesAFileLinkAndLeavesFeedsYamlAsItWas() throws {
        let server = try site { _ in ["file:///etc/passwd"] }
        try folder.write(Self.existing, to: "feeds.yaml")
        let run = try crawler(["add", server.url("/page")])
        #expect(run.status == 1)
        #expect(run.stderr.contains("refused: \(server.url("/page")) links to file:///etc/passwd; "
            + "a linked feed must be http:// or https://"), "\(run.stderr)")
        #expect(folder.read("feeds.yaml") == Self.existing)
    }

    @Test func addSkipsAFileLinkAndAddsTheHealthyFeedBesideIt() throws {
        let server = try site { _ in ["file:///etc/passwd", "/good.xml"] }
        try folder.write(Self.existing, to: "feeds.yaml")
        let run = try crawler(["add", server.url("/page")])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("links to file:///etc/passwd; a linked feed must be http:// or https://"))
        let text = try #require(folder.read("feeds.yaml"))
        #expect(text.contains("- url: \(server.url("/good.xml"))"))
        #expect(!text.contains("file:"))
    }

    @Test func addRefusesAFeedOnAnotherLoopbackAddressUnlessAllowed() throws {
        let other = try LoopbackHTTPServer { _ in ServedResponse(text: Self.feed) }
        let page = try LoopbackHTTPServer { _ in
            ServedResponse(contentType: "text/html", text: """
                <link rel="alternate" type="application/rss+xml" href="http://127.0.0.2:\(other.port)/feed.xml">
                <link rel="alternate" type="application/rss+xml" href="http://feeds.localhost:\(other.port)/feed.xml">
                """)
        }
        try folder.write(Self.existing, to: "feeds.yaml")
        let refused = try crawler(["add", page.url("/")])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("resolves to 127.0.0.2, a private address (loopback; pass --allow-private-networks"),
                "\(refused.stderr)")
        #expect(refused.stderr.contains("http://feeds.localhost:\(other.port)/feed.xml resolves to"))
        #expect(folder.read("feeds.yaml") == Self.existing)

        // Allowed, the first link is tried (nothing listens on 127.0.0.2: a connection error, not
        // a refusal) and the second is added, marked so that crawling it is allowed too.
        let allowed = try crawler(["add", "--allow-private-networks", page.url("/")])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(!allowed.stderr.contains("private address"))
        let text = try #require(folder.read("feeds.yaml"))
        #expect(text.contains("- url: http://feeds.localhost:\(other.port)/feed.xml\n    name: feeds.localhost:\(other.port)/feed.xml\n"
            + "    allow_private_networks: true\n"), "\(text)")
        let once = try crawler(["once", "--feed", "feeds.localhost:\(other.port)/feed.xml"])
        #expect(once.status == 0, "\(once.stderr)")
    }

    static let opml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <opml version="2.0"><head><title>export</title></head><body>
        <outline type="rss" text="Passwords" xmlUrl="file:///etc/passwd"/>
        <outline type="rss" text="Metadata" xmlUrl="http://169.254.169.254/latest/meta-data/"/>
        <outline type="rss" text="Good" xmlUrl="https://good.example/feed.xml"/>
        <outline type="rss" text="Gopher" xmlUrl="gopher://example.org/feed"/>
        </body></opml>
        """

    @Test(arguments: [false, true])
    func importOPMLReportsTheBadOutlinesAndImportsTheGoodOne(dryRun: Bool) throws {
        try folder.write(Self.existing, to: "feeds.yaml")
        try folder.write(Self.opml, to: "subs.opml")
        let run = try crawler(["import-opml", "subs.opml"] + (dryRun ? ["--dry-run"] : []))
        #expect(run.status == 1)
        #expect(run.stderr.contains("subs.opml: outline 1 (\"Passwords\"): refused: xmlUrl 'file:///etc/passwd' "
            + "is not an http:// or https:// URL; skipped"), "\(run.stderr)")
        #expect(run.stderr.contains("outline 2 (\"Metadata\"): refused: http://169.254.169.254/latest/meta-data/ is "
            + "169.254.169.254, a private address (link-local; pass --allow-private-networks to allow it); skipped"))
        #expect(run.stderr.contains("outline 4 (\"Gopher\"): refused: xmlUrl 'gopher://example.org/feed'"))
        #expect(run.stdout.contains("add   Good  https://good.example/feed.xml"))
        #expect(run.stdout.contains("\(dryRun ? "would add" : "added") 1 feed to feeds.yaml; 0 already there; 3 refused"))
        let text = try #require(folder.read("feeds.yaml"))
        #expect(text.contains("- url: https://good.example/feed.xml") == !dryRun)
        #expect(!text.contains("passwd") && !text.contains("169.254"))
    }

    @Test func importOPMLTakesAPrivateAddressWhenAllowed() throws {
        try folder.write(Self.existing, to: "feeds.yaml")
        try folder.write(Self.opml, to: "subs.opml")
        let run = try crawler(["import-opml", "--allow-private-networks", "subs.opml"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("added 2 feeds to feeds.yaml; 0 already there; 2 refused"), "\(run.stdout)")
        let text = try #require(folder.read("feeds.yaml"))
        #expect(text.contains("- url: http://169.254.169.254/latest/meta-data/"))
        #expect(!text.contains("passwd"))
    }
}
