import FeedModel
import Parse
import Testing

@Suite struct FeedParserTests {
    private func parse(_ name: String, charset: String? = nil) throws -> Feed {
        try FeedParser.parse(Fixture.bytes(name), url: "https://example.org/feed.xml", httpCharset: charset)
    }

    @Test func readsRSS2WithItsModules() throws {
        let feed = try parse("rss2.xml")
        #expect(feed.kind == .rss2)
        #expect(feed.title == "Example & Co News")
        #expect(feed.ttlMinutes == 60)
        let first = try #require(feed.items.first)
        #expect(first.id == "post-1")
        #expect(first.title == "First bold post")
        #expect(first.author == "Jane Doe")
        #expect(first.categories == ["news", "tech"])
        #expect(first.published == Timestamp(year: 2022, month: 2, day: 15))
        #expect(first.contentHTML.hasPrefix("<p>Full <a href=\"/about\">"))
        #expect(first.summary == "Short summary")
        #expect(first.bodyImage == "https://example.org/posts/img/one.png?a=1&b=2")
        #expect(first.enclosures == [Enclosure(url: "https://example.org/a.mp3", type: "audio/mpeg", length: 1234)])
    }

    @Test func usesPermalinkGuidAsLinkAndDecodesEscapedHTML() throws {
        let second = try #require(try parse("rss2.xml").items.last)
        #expect(second.link == "https://example.org/posts/2")
        #expect(second.contentHTML == "<p>Escaped &amp; HTML</p>")
        #expect(second.mediaImage == "https://example.org/thumb2.jpg")
    }

    @Test func readsAtom10WithXMLBaseAndXHTMLContent() throws {
        let feed = try parse("atom10.xml")
        #expect(feed.kind == .atom10)
        let entry = try #require(feed.items.first)
        #expect(entry.title == "Cats & dogs")
        #expect(entry.link == "https://blog.example.net/posts/cats")
        #expect(entry.contentHTML == "<p>Hello <img src=\"pics/cat.png\"/> world</p>")
        #expect(entry.bodyImage == "https://blog.example.net/pics/cat.png")
        #expect(entry.published == Timestamp(year: 2022, month: 2, day: 16, hour: 8))
        #expect(entry.categories == ["pets"], "the term; the label is only its display text")
        let plain = try #require(feed.items.last)
        #expect(plain.title == "Plain <text> title")
        #expect(plain.contentHTML == "<p>1 &lt; 2 &amp; true</p>")
    }

    @Test func readsAtom03() throws {
        let feed = try parse("atom03.xml")
        #expect(feed.kind == .atom03)
        #expect(feed.items.first?.published == Timestamp(year: 2005, month: 7, day: 31, hour: 12, minute: 29, second: 29))
        #expect(feed.items.first?.contentHTML == "<p>Legacy</p>")
    }

    @Test func readsRSS1() throws {
        let feed = try parse("rss1.rdf")
        #expect(feed.kind == .rss1)
        #expect(feed.title == "RDF Site")
        let item = try #require(feed.items.first)
        #expect(item.id == "https://rdf.example.com/story/1")
        #expect(item.author == "Editor")
        #expect(item.categories == ["Local"])
    }

    @Test func readsRSS091InLatin1() throws {
        let feed = try parse("rss091.xml")
        #expect(feed.kind == .rss09x)
        #expect(feed.title == "Café Journal")
        #expect(feed.items.first?.title == "Crème brûlée day")
    }

    @Test func readsJSONFeed() throws {
        let feed = try parse("feed.json")
        #expect(feed.kind == .json)
        #expect(feed.items.count == 2)
        #expect(feed.items[0].bodyImage == "https://json.example/x.png")
        #expect(feed.items[0].author == "Feed Author")
        #expect(feed.items[1].author == "Item Author")
        #expect(feed.items[1].contentHTML == "<p>1 &lt; 2</p>")
        #expect(feed.items[1].id == "2")
    }

    @Test func readsGBKAsDeclared() throws {
        let feed = try parse("gbk-declared.xml")
        #expect(feed.title == "新浪财经－国內")
        #expect(feed.items.first?.title == "抓实对“一把手”和领导班子监督")
    }

    @Test func readsGBKThatClaimsToBeUTF8() throws {
        let feed = try parse("gbk-declared-utf8.xml")
        #expect(feed.title == "新浪财经－国內")
        #expect(feed.items.first?.contentHTML == "正文内容")
    }

    @Test func httpCharsetOverridesTheDeclaration() throws {
        let feed = try parse("gbk-declared-utf8.xml", charset: "gbk")
        #expect(feed.items.first?.title == "抓实对“一把手”和领导班子监督")
    }

    @Test func keepsEveryCompleteItemOfABrokenDocument() throws {
        let feed = try parse("broken.xml")
        #expect(feed.items.count >= 2)
        #expect(feed.items[0].title == "Entities\u{A0}—everywhere…")
        #expect(feed.items[0].link == "https://broken.example/1?a=1&b=2")
        #expect(feed.items[0].contentHTML == "Tom & Jerry")
        #expect(feed.items[1].title == "Second item survives")
    }

    @Test func rejectsDocumentsThatAreNotFeeds() {
        #expect(throws: ParseError.notAFeed(root: "html")) {
            try FeedParser.parse(Array("<html><body>hi</body></html>".utf8), url: "https://x/")
        }
        #expect(throws: ParseError.empty) { try FeedParser.parse(Array("  \n".utf8), url: "https://x/") }
    }

    @Test func neverLoadsExternalEntities() throws {
        let xxe = """
            <?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
            <rss version="2.0"><channel><title>t</title><item><title>&secret;</title></item></channel></rss>
            """
        let feed = try FeedParser.parse(Array(xxe.utf8), url: "https://x/")
        #expect(feed.items.first.map { !$0.title.contains("root:") } == true)
    }
}
