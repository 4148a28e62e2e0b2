import CrawlerTestKit
import Foundation
import Testing

/// `crawler parse` on saved responses: replayed with their Content-Type, read from standard
/// input, rendered as the store would write them, and saying what was wrong with them.
@Suite struct ParseCommandOptionsTests {
    let folder = TemporaryFolder()

    static let utf8Feed = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0"><channel><title>Café</title><link>https://example.org/</link>
        <item><title>Crème brûlée</title><guid>https://example.org/1</guid><link>https://example.org/1</link>
        <pubDate>Wed, 16 Feb 2022 23:50:43 GMT</pubDate><description>&lt;p&gt;body&lt;/p&gt;</description></item>
        </channel></rss>
        """

    func json(_ run: CrawlerProcess.Run) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
    }

    func firstTitle(_ object: [String: Any]) -> String? {
        ((object["items"] as? [[String: Any]])?.first)?["title"] as? String
    }

    @Test func contentTypeReplaysASavedResponseWithItsCharset() throws {
        // Saved in KOI8-R with no declaration: only the header says what it is.
        let russian = "Новости дня"
        let text = "<rss version=\"2.0\"><channel><title>t</title><item><title>\(russian)</title></item></channel></rss>"
        try folder.write(text, to: "utf8.xml")
        let koi8 = try EncodingEvidenceTests.iconv(text, to: "KOI8-R")
        try Data(koi8).write(to: URL(fileURLWithPath: folder.path + "/koi8.xml"))
        let replayed = try CrawlerProcess.run(["parse", "koi8.xml", "--json", "--content-type", "text/xml; charset=KOI8-R"],
                                              in: folder.path)
        #expect(replayed.status == 0, "\(replayed.stderr)")
        #expect(firstTitle(try json(replayed)) == russian)
        // A lying header over UTF-8 bytes: the bytes win, and the notes say so.
        let lying = try CrawlerProcess.run(["parse", "utf8.xml", "--json", "--content-type", "text/xml; charset=ISO-8859-1"],
                                           in: folder.path)
        let object = try json(lying)
        #expect(firstTitle(object) == russian)
        let notes = try #require(object["notes"] as? [String: String])
        #expect(notes["charset"] == "UTF-8")
        #expect(notes["charset_reason"]?.contains("http ISO-8859-1") == true)
    }

    @Test func aDashReadsStandardInput() throws {
        try folder.write(Self.utf8Feed, to: "feed.xml")
        let run = try CrawlerProcess.run(["parse", "-", "--json"], in: folder.path, shellPrefix: "exec 0< feed.xml;")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(firstTitle(try json(run)) == "Crème brûlée")
    }

    @Test func aConfigNamedOnTheCommandLineMustExist() throws {
        // Without --config, a missing feeds.yaml means the defaults; a file named by hand that is
        // not there is a typo, and rendering with the defaults instead would mislead.
        try folder.write(Self.utf8Feed, to: "feed.xml")
        let named = try CrawlerProcess.run(["parse", "feed.xml", "--render", "--config", "mine.yaml"], in: folder.path)
        #expect(named.status == 2, "\(named.stdout)")
        #expect(named.stderr.contains("mine.yaml"), "\(named.stderr)")
        #expect(named.stdout.isEmpty)
        let plain = try CrawlerProcess.run(["parse", "feed.xml", "--render"], in: folder.path)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(plain.stdout.contains("title: 'Crème brûlée'"))
    }

    /// Round 49: a JSON Feed's `size_in_bytes` of -5 was kept, 1e30 read as
    /// -9223372036854775808 and 12.7 as 12, where an RSS `length` like them is unknown (null).
    @Test func aJSONFeedsAttachmentSizeIsAPositiveWholeNumberOrUnknown() throws {
        let sizes = ["-5", "1e30", "12.7", "0", "\"12\"", "true", "2048", "1e3"]
        let attachments = sizes.enumerated().map { index, size in
            "{\"url\": \"https://example.org/\(index).mp3\", \"mime_type\": \"audio/mpeg\", \"size_in_bytes\": \(size)}"
        }
        try folder.write("""
            {"version": "https://jsonfeed.org/version/1.1", "title": "j",
             "items": [{"id": "1", "content_text": "x", "attachments": [\(attachments.joined(separator: ","))]}]}
            """, to: "feed.json")
        let run = try CrawlerProcess.run(["parse", "feed.json", "--json"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let item = try #require(((try json(run))["items"] as? [[String: Any]])?.first)
        let lengths = (item["enclosures"] as? [[String: Any]] ?? []).map { $0["length"] as? Int }
        #expect(lengths == [nil, nil, nil, nil, 12, nil, 2048, 1000], "\(lengths)")
    }

    /// Round 49: --render printed 4,000 documents for a feed of 4,000 items where `once` stores
    /// the first 1,000 (`max_items`); it prints what a crawl would store, and says it cut.
    @Test func renderKeepsToMaxItems() throws {
        let items = (0..<30).map { "<item><guid>g\($0)</guid><title>t\($0)</title><description>d\($0)</description></item>" }
        try folder.write("<rss version=\"2.0\"><channel><title>c</title>\(items.joined())</channel></rss>", to: "feed.xml")
        try folder.write("store: ./out\nmax_items: 12\nfeeds: []\n", to: "feeds.yaml")
        let run = try CrawlerProcess.run(["parse", "feed.xml", "--render"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.components(separatedBy: "==> g").count - 1 == 12)
        #expect(run.stdout.contains("==> g11 <==") && !run.stdout.contains("==> g12 <=="))
        #expect(run.stderr.contains("feed.xml: cut at max_items: the first 12 items"), "\(run.stderr)")
    }

    @Test func renderPrintsTheDocumentThatWouldBeStored() throws {
        try folder.write(Self.utf8Feed, to: "feed.xml")
        try folder.write("store: ./out\nfeeds: []\n", to: "feeds.yaml")
        let run = try CrawlerProcess.run(["parse", "feed.xml", "--render"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\n---\ntitle: 'Crème brûlée'\n"))
        #expect(run.stdout.contains("\ndate: Wed, 16 Feb 2022 23:50:43 GMT\n"))
        #expect(run.stdout.contains("<p>body</p>"))
        #expect(folder.files(under: "out").isEmpty, "nothing is stored")
    }

    /// Round 39: an Atom entry's `type="text"` content was stored escaped with its line breaks
    /// raw, so it ran together on the page, where JSON Feed's `content_text` gets paragraphs and
    /// line breaks. Plain text reads as written, whichever dialect carried it.
    @Test func atomPlainTextContentKeepsItsParagraphsAndLineBreaks() throws {
        try folder.write("""
            <?xml version="1.0" encoding="UTF-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>Plain</title><id>urn:plain</id>
            <updated>2022-02-16T10:00:00Z</updated>
            <entry><title>Notes</title><id>urn:plain:1</id><updated>2022-02-16T10:00:00Z</updated>
            <content type="text">Line one &lt;tag&gt;
            Line two

            Second paragraph</content></entry>
            <entry><title>Old Mac</title><id>urn:plain:2</id><updated>2022-02-16T10:00:00Z</updated>
            <content type="text">m1&#13;m2&#13;&#13;m3</content></entry></feed>
            """, to: "plain.xml")
        try folder.write("store: ./out\nfeeds: []\n", to: "feeds.yaml")
        let run = try CrawlerProcess.run(["parse", "plain.xml", "--render"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("<p>Line one &lt;tag&gt;<br>\nLine two</p>\n<p>Second paragraph</p>"), "\(run.stdout)")
        // Round 43: line breaks written as lone CRs (`&#13;`) ran together.
        #expect(run.stdout.contains("<p>m1<br>\nm2</p>\n<p>m3</p>"), "\(run.stdout)")
    }

    @Test func aBrokenDocumentIsSaidToBeBroken() throws {
        try folder.write(Self.utf8Feed.replacingOccurrences(of: "</title><guid>", with: "</titel><guid>"), to: "broken.xml")
        let table = try CrawlerProcess.run(["parse", "broken.xml"], in: folder.path)
        #expect(table.status == 0)
        #expect(table.stdout.contains("Crème brûlée"))
        #expect(table.stderr.contains("recovered: ") && table.stderr.contains("line"), "\(table.stderr)")
        // Cut inside its only item: the item is left out, and the note says the document was cut.
        try folder.write(String(Self.utf8Feed.dropLast(30)), to: "cut.xml")
        let cut = try CrawlerProcess.run(["parse", "cut.xml"], in: folder.path)
        #expect(cut.status == 0)
        #expect(!cut.stdout.contains("Crème brûlée"))
        #expect(cut.stderr.contains("recovered: the document ends inside an item (cut short)"), "\(cut.stderr)")
        try folder.write(Self.utf8Feed, to: "whole.xml")
        let healthy = try CrawlerProcess.run(["parse", "whole.xml"], in: folder.path)
        #expect(!healthy.stderr.contains("recovered"))
    }

    @Test func relativeLinksOfALocalFileStayRelative() throws {
        try folder.write("""
            <rss version="2.0"><channel><title>t</title><link>/</link>
            <item><title>a</title><link>posts/1.html</link><description>&lt;img src="img/1.png"&gt;</description></item>
            </channel></rss>
            """, to: "feed.xml")
        let run = try CrawlerProcess.run(["parse", "feed.xml", "--json"], in: folder.path)
        let item = try #require((try json(run)["items"] as? [[String: Any]])?.first)
        #expect(item["link"] as? String == "posts/1.html")
        #expect(item["image"] as? String == "img/1.png")
        #expect(!run.stdout.contains("file://"))
        // A JSON Feed's as well (round 28: `file:///…` links and images).
        try folder.write(#"{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": [{"id": "1", "#
                         + #""url": "posts/1.html", "content_html": "<img src=\"img/1.png\"> <a href=\"x.html\">x</a>"}]}"#,
                         to: "feed.json")
        let json = try CrawlerProcess.run(["parse", "feed.json", "--json"], in: folder.path)
        let entry = try #require((try self.json(json)["items"] as? [[String: Any]])?.first)
        #expect(entry["link"] as? String == "posts/1.html", "\(json.stdout)")
        #expect(!json.stdout.contains("file://"), "\(json.stdout)")
    }

    /// Themes put `source:` (Hugo, Jekyll) and a template's `link` in an `href`: a `javascript:`
    /// item link would run when a reader clicks it, so only an http(s) link is written.
    @Test func onlyWebLinksBecomeTheDocumentsSource() throws {
        let feed = """
            <rss version="2.0"><channel><title>t</title>
            <item><title>hostile</title><guid>h</guid><link>javascript:alert(document.domain)//</link></item>
            <item><title>fine</title><guid>f</guid><link>https://example.org/fine</link></item></channel></rss>
            """
        try folder.write(feed, to: "feed.xml")
        for output in ["hugo", "jekyll"] {
            try folder.write("output: \(output)\nfeeds:\n  - url: https://example.org/feed\n", to: "\(output).yaml")
            let run = try CrawlerProcess.run(["parse", "feed.xml", "--render", "--config", "\(output).yaml"], in: folder.path)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(!run.stdout.contains("javascript:"), "\(output): \(run.stdout)")
            #expect(run.stdout.contains("source: 'https://example.org/fine'"), "\(output): \(run.stdout)")
        }
    }
}
