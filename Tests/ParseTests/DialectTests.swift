import FeedModel
import Parse
import Testing

@Suite struct DialectTests {
    @Test(arguments: [("rss090.rdf", Feed.Kind.rss09x), ("rss091.xml", .rss09x), ("rss092.xml", .rss09x),
                      ("rss094.xml", .rss09x), ("rss1.rdf", .rss1), ("rss2.xml", .rss2), ("atom10.xml", .atom10),
                      ("atom03.xml", .atom03), ("feed.json", .json), ("feed-v1.json", .json)])
    func detectsTheDialectFromTheDocument(fixture: String, kind: Feed.Kind) throws {
        #expect(try Fixture.parse(fixture).kind == kind)
    }

    @Test func readsRSS090() throws {
        let feed = try Fixture.parse("rss090.rdf")
        #expect(feed.title == "Mozilla Dot Org")
        #expect(feed.items.map(\.link) == ["http://www.mozilla.org/status/", "http://www.mozilla.org/bugs/"])
    }

    @Test func readsRSS092ItemsWithoutTitleOrLink() throws {
        let feed = try Fixture.parse("rss092.xml")
        #expect(feed.items.count == 2)
        #expect(feed.items[0].title == "")
        #expect(feed.items[0].link == nil)
        #expect(feed.items[0].enclosures.first?.length == 6_182_912)
        #expect(feed.items[1].title == "Only a title")
    }

    @Test func readsSchedulingHintsOfTheChannel() throws {
        let feed = try Fixture.parse("rss2-modules.xml")
        #expect(feed.ttlMinutes == 15)
        #expect(feed.updatePeriod == "hourly")
        #expect(feed.updateFrequency == 2)
        #expect(feed.skipHours == [0, 1, 0])
        #expect(feed.skipDays == ["Saturday", "Sunday"])
        #expect(feed.language == "zh-CN")
        #expect(feed.link == "https://example.org/home")
        #expect(feed.image == "https://example.org/logo.png")
    }

    @Test func readsRSSModulesOfAnItem() throws {
        let item = try #require(try Fixture.parse("rss2-modules.xml").items.first)
        #expect(item.link == "https://example.org/episodes/1")
        #expect(item.author == "Pat Host")
        #expect(item.published == Timestamp(year: 2022, month: 2, day: 16, hour: 23, minute: 50, second: 43))
        #expect(item.updated == Timestamp(year: 2022, month: 2, day: 18))
        #expect(item.categories == ["spaced", "Subject"])
        #expect(item.mediaImage == "https://example.org/episodes/thumbs/ep1.jpg")
        #expect(item.enclosures == [Enclosure(url: "https://cdn.example.org/ep1.mp3", type: "audio/mpeg"),
                                    Enclosure(url: "https://cdn.example.org/ep1.mp4", type: "video/mp4", length: 999)])
        #expect(item.contentHTML == "No markup here")
    }

    @Test func xmlBaseOfAnItemResolvesItsLinkAndBody() throws {
        let item = try #require(try Fixture.parse("rss2-modules.xml").items.last)
        #expect(item.link == "https://other.example/dir/page.html")
        #expect(item.author == "Only iTunes")
        #expect(item.bodyImage == "https://other.example/dir/pic.png")
    }

    @Test func atomEntriesInheritTheFeedAuthor() throws {
        let feed = try Fixture.parse("atom10-full.xml")
        #expect(feed.title == "Full <Atom>")
        #expect(feed.language == "en-GB")
        #expect(feed.link == "https://example.org/")
        #expect(feed.image == "https://example.org/logo.svg")
        #expect(feed.items.map(\.author) == ["Feed Writer", "Own Author"])
    }

    @Test func readsAtomLinksTextContentAndEnclosures() throws {
        let entry = try #require(try Fixture.parse("atom10-full.xml").items.first)
        #expect(entry.link == "https://example.org/posts/1")
        #expect(entry.contentHTML == "<p>a &lt; b &amp; c</p>")
        #expect(entry.summary == "<b>sum</b>")
        #expect(entry.categories == ["only-term"])
        #expect(entry.updated == Timestamp(year: 2022, month: 2, day: 16, hour: 15))
        #expect(entry.enclosures == [Enclosure(url: "https://example.org/files/1.ogg", type: "audio/ogg", length: 42)])
    }

    @Test func xhtmlTitlesBecomePlainText() throws {
        let entry = try #require(try Fixture.parse("atom10-full.xml").items.last)
        #expect(entry.title == "XHTML title")
        #expect(entry.contentHTML == "<p>escaped</p>")
    }

    /// XHTML content is written back as markup: its text and attribute values escaped again,
    /// scalar by scalar (a `<` followed by a combining mark too), everything else as it came.
    @Test func xhtmlContentIsEscapedAgainByScalar() throws {
        let feed = try Fixture.parse(text: """
            <feed xmlns="http://www.w3.org/2005/Atom"><entry><id>a</id>
            <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p title="say &quot;hi&quot; &amp; &lt;go&gt;">\
            a &amp; b &lt; c &gt; d "q" 中文 &lt;\u{301}x</p><br/></div></content></entry></feed>
            """)
        #expect(feed.items.first?.contentHTML == """
            <p title="say &quot;hi&quot; &amp; &lt;go&gt;">a &amp; b &lt; c &gt; d "q" 中文 &lt;\u{301}x</p><br/>
            """)
    }

    @Test func readsJSONFeed10() throws {
        let feed = try Fixture.parse("feed-v1.json")
        let item = try #require(feed.items.first)
        #expect(item.author == "V1 Author")
        #expect(item.link == "https://example.org/a")
        #expect(item.title == "T & U")
        #expect(item.updated == Timestamp(year: 2022, month: 2, day: 16, hour: 22, minute: 50, second: 43))
        #expect(item.mediaImage == "https://v1.example/i.png")
        #expect(item.summary == "S")
    }
}
