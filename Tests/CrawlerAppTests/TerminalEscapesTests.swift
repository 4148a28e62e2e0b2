import CrawlerTestKit
import Foundation
import Testing

/// A feed, its headers, a page and an OPML file carrying terminal escapes, bidi overrides and
/// controls: what the commands print shows them as `\uXXXX`, never raw, beside a healthy feed.
@Suite struct TerminalEscapesTests {
    let folder = TemporaryFolder()

    /// XML allows DEL, C1 and the Unicode separators and overrides (not ESC or BEL): those come in
    /// the feed; ESC and BEL come in a header.
    static let inFeed = "Hostile \u{9B}2J \u{202E}gpj.exe \u{7F}\u{85}\u{2028}\u{2066}end"
    static let etag = "\"\u{1B}]0;pwned\u{07}\u{1B}[2J\""

    static let feed = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0"><channel><title>\(inFeed) channel</title><link>https://example.org/\u{202E}</link>
        <item><title>\(inFeed) item</title><guid>hostile-1</guid><link>https://example.org/a\u{9B}b</link>
        <author>\(inFeed) author</author><description>fine</description></item>
        </channel></rss>
        """

    /// A page whose alternate links carry ESC and BEL, and lead nowhere.
    static let page = """
        <html><head><link rel="alternate" type="application/rss+xml" href="/gone\u{1B}]0;pwned\u{07}\u{1B}[2J.xml">
        </head><body>page</body></html>
        """

    private func serve() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            switch request.path {
            case "/hostile.xml", "/hostile-again.xml":
                return ServedResponse(headers: [("Content-Type", "application/rss+xml"), ("ETag", Self.etag)],
                                      body: Array(Self.feed.utf8))
            case "/page.html": return ServedResponse(contentType: "text/html", text: Self.page)
            case "/healthy.xml": return ServedResponse(text: HostileBodiesTests.feed(title: "healthy", body: "<p>ok</p>"))
            default: return ServedResponse(status: 404, text: "no")
            }
        }
    }

    /// The scalars a terminal acts on or that reorder a line; line feeds and tabs lay the output out.
    private func expectNothingRaw(_ output: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let raw = output.unicodeScalars.filter { scalar in
            switch scalar.value {
            case 0x0A, 0x09: return false
            case 0..<0x20, 0x7F...0x9F, 0x2028...0x202E, 0x2066...0x2069: return true
            default: return false
            }
        }
        #expect(raw.isEmpty, "\(what) printed raw \(raw.map { "U+" + String($0.value, radix: 16) })",
                sourceLocation: sourceLocation)
    }

    @Test func parseShowsAFeedsControlsEscapedInTextAndInJSON() throws {
        let server = try serve()
        let text = try CrawlerProcess.run(["parse", server.url("/hostile.xml")], in: folder.path)
        #expect(text.status == 0, "\(text.stderr)")
        expectNothingRaw(text.stdout, "parse")
        #expect(text.stdout.contains("Hostile \\u009b2J \\u202egpj.exe"), "\(text.stdout)")
        #expect(text.stdout.contains("https://example.org/a\\u009bb"), "\(text.stdout)")

        let json = try CrawlerProcess.run(["parse", server.url("/hostile.xml"), "--json"], in: folder.path)
        #expect(json.status == 0, "\(json.stderr)")
        expectNothingRaw(json.stdout, "parse --json")
        // Escaped as JSON escapes, the document still reads back to the feed's own text.
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let items = object?["items"] as? [[String: Any]]
        #expect((items?.first?["author"] as? String)?.hasPrefix("Hostile \u{9B}2J \u{202E}gpj.exe") == true)
    }

    @Test func addOnceExplainAndStatusShowEscapesNotRawControls() throws {
        let server = try serve()
        // The test's servers are on loopback, which an imported xmlUrl may only name when allowed.
        try folder.write("store: ./out\nallow_private_networks: true\nfeeds:\n  - url: \(server.url("/healthy.xml"))\n"
                         + "    name: healthy\n", to: "feeds.yaml")
        // OPML from another reader names the feed: its title reaches feeds.yaml, the summary and status
        // (its bidi override dropped, as no name may hold one; its C1 control shown escaped).
        try folder.write("""
            <?xml version="1.0"?><opml version="2.0"><body>
            <outline type="rss" text="imported \u{202E}evil\u{9B}" xmlUrl="\(server.url("/hostile.xml"))"/>
            </body></opml>
            """, to: "subscriptions.opml")
        let imported = try CrawlerProcess.run(["import-opml", "subscriptions.opml"], in: folder.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        expectNothingRaw(imported.stdout + imported.stderr, "import-opml")
        #expect(imported.stdout.contains("imported evil\\u009b"), "\(imported.stdout)")

        let added = try CrawlerProcess.run(["add", server.url("/hostile-again.xml")], in: folder.path)
        #expect(added.status == 0, "\(added.stderr)")
        expectNothingRaw(added.stdout + added.stderr, "add")
        #expect(added.stdout.contains("\"Hostile \\u009b2J \\u202egpj.exe"), "\(added.stdout)")

        let once = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(once.status == 0, "\(once.stderr)")
        expectNothingRaw(once.stdout + once.stderr, "once")
        #expect(once.stdout.contains("ok    imported evil\\u009b"), "\(once.stdout)")
        let stored = folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }
        #expect(stored.contains { $0.contains("<p>ok</p>") }, "the healthy feed's item is stored")

        let explained = try CrawlerProcess.run(["explain", "imported evil\u{9B}"], in: folder.path)
        #expect(explained.status == 0, "\(explained.stderr)")
        expectNothingRaw(explained.stdout + explained.stderr, "explain")
        #expect(explained.stdout.contains("ETag \"\\u001b]0;pwned\\u0007\\u001b[2J\""), "\(explained.stdout)")

        // Exported, the title is the same text to a reader, as character references.
        let exported = try CrawlerProcess.run(["export-opml"], in: folder.path)
        expectNothingRaw(exported.stdout, "export-opml")
        #expect(exported.stdout.contains("imported evil&#x9b;"), "\(exported.stdout)")

        for arguments in [["status"], ["status", "--json"]] {
            let status = try CrawlerProcess.run(arguments, in: folder.path)
            #expect(status.status == 0, "\(status.stderr)")
            expectNothingRaw(status.stdout + status.stderr, arguments.joined(separator: " "))
            #expect(status.stdout.contains("imported evil\\u009b"), "\(status.stdout)")
        }
    }

    @Test func errorMessagesAndProbesShowAPagesLinksEscaped() throws {
        let server = try serve()
        let healthy = "store: ./out\nfeeds:\n  - url: \(server.url("/healthy.xml"))\n    name: healthy\n"
        try folder.write(healthy, to: "feeds.yaml")
        let added = try CrawlerProcess.run(["add", server.url("/page.html")], in: folder.path)
        #expect(added.status == 1)
        expectNothingRaw(added.stdout + added.stderr, "add's error")
        #expect(added.stderr.contains("/gone\\u001b]0;pwned\\u0007\\u001b[2J.xml"), "\(added.stderr)")
        try folder.write(healthy + "  - url: \(server.url("/page.html"))\n    name: page\n", to: "feeds.yaml")

        let probed = try CrawlerProcess.run(["check", "--probe"], in: folder.path)
        #expect(probed.status == 1)
        expectNothingRaw(probed.stdout + probed.stderr, "check --probe")
        #expect(probed.stdout.contains("ok    healthy"), "\(probed.stdout)")
        #expect(probed.stdout.contains("/gone\\u001b]0;pwned\\u0007\\u001b[2J.xml"), "\(probed.stdout)")
    }

    /// A line feed in a title or a link (`&#10;`) went out raw: `parse`, `add` and `preview` printed
    /// a line of the feed author's choosing (round 28). One-line values show it escaped.
    @Test func aLineFeedInATitleOrLinkForgesNoLineOfOutput() throws {
        let forged = """
            <rss version="2.0"><channel><title>Nice blog&#10;ok    bank  rss2, 999 items (FORGED)</title>
            <link>https://example.org/</link><item><title>x&#10;FORGED ITEM</title><guid>1</guid>
            <link>https://example.org/a&#10;FORGED LINK</link><description>hi</description></item></channel></rss>
            """
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: forged) }
        try folder.write(forged, to: "forged.xml")
        try folder.write("store: ./out\nfeeds:\n  - url: \(server.url("/forged.xml"))\n    name: forged\n", to: "feeds.yaml")
        let runs = [try CrawlerProcess.run(["parse", "forged.xml"], in: folder.path),
                    try CrawlerProcess.run(["add", server.url("/other.xml"), "--dry-run"], in: folder.path),
                    try CrawlerProcess.run(["preview", "forged"], in: folder.path)]
        for run in runs {
            let lines = (run.stdout + run.stderr).split(separator: "\n")
            #expect(!lines.contains { $0.hasPrefix("ok    bank") || $0.hasPrefix("FORGED") }, "\(run.stdout)\(run.stderr)")
        }
        #expect(runs[0].stdout.contains("Nice blog\\u000aok    bank"), "\(runs[0].stdout)")
        // Round 30: `parse`'s notes quote the feed too (an unreadable date).
        try folder.write(forged.replacingOccurrences(of: "<guid>1</guid>", with: "<guid>1</guid><pubDate>Mon&#10;FORGED DATE</pubDate>"),
                         to: "dated.xml")
        let dated = try CrawlerProcess.run(["parse", "dated.xml"], in: folder.path)
        #expect(!dated.stderr.split(separator: "\n").contains { $0.hasPrefix("FORGED") }, "\(dated.stderr)")
        #expect(dated.stderr.contains("unreadable_date: Mon\\u000aFORGED DATE"), "\(dated.stderr)")
    }

    /// Round 29: the same through `import-opml`'s refusals, `add`'s last line about a page's links,
    /// and `store verify`'s entries (a file name holding a line feed).
    @Test func aLineFeedInAnOutlineALinkOrAFileNameForgesNoLineOfOutput() throws {
        try folder.write("""
            <?xml version="1.0"?><opml version="2.0"><body>
            <outline text="Old&#10;FORGED add line" xmlUrl="file:///etc/passwd"/>
            <outline text="x" xmlUrl="feed://example.org/x&#10;FORGED url line"/></body></opml>
            """, to: "subs.opml")
        let page = "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"file:///old.xml&#10;FORGED link line\"></head></html>"
        let server = try LoopbackHTTPServer { request in
            request.path == "/page.html" ? ServedResponse(contentType: "text/html", text: page)
                : ServedResponse(text: HostileBodiesTests.feed(title: "healthy", body: "<p>ok</p>"))
        }
        try folder.write("store: ./out\nfeeds:\n  - url: \(server.url("/healthy.xml"))\n    name: healthy\n", to: "feeds.yaml")
        let imported = try CrawlerProcess.run(["import-opml", "subs.opml", "--dry-run"], in: folder.path)
        let added = try CrawlerProcess.run(["add", server.url("/page.html")], in: folder.path)
        #expect(try CrawlerProcess.run(["once"], in: folder.path).status == 0)
        let stored = try #require(folder.files(under: "out/posts").first)
        let copy = (stored as NSString).deletingLastPathComponent + "/lf\nFORGED name line 0123456789abcdef.md"
        try FileManager.default.copyItem(atPath: folder.file("out/posts/" + stored), toPath: folder.file("out/posts/" + copy))
        let verified = try CrawlerProcess.run(["store", "verify"], in: folder.path)
        for run in [imported, added, verified] {
            let lines = (run.stdout + run.stderr).split(separator: "\n")
            #expect(!lines.contains { $0.hasPrefix("FORGED") }, "\(run.stdout)\(run.stderr)")
        }
        #expect(verified.stdout.contains("lf\\u000aFORGED name line"), "\(verified.stdout)")
    }
}
