import FeedModel
import Foundation
import Parse
import Testing

/// Real feeds put the core elements in namespaces nobody expects, and the fields in modules.
@Suite struct DialectBreadthTests {
    static func item(_ feed: String) throws -> Item {
        try #require(try Fixture.parse(text: feed).items.first)
    }

    static let rssItem = "<item><title>T</title><link>https://example.org/1</link><guid>g1</guid>"
        + "<pubDate>Wed, 16 Feb 2022 23:50:43 GMT</pubDate></item>"

    @Test(arguments: [
        "<rss version=\"2.0\" xmlns=\"http://backend.userland.com/rss2\"><channel><title>F</title>\(rssItem)</channel></rss>",
        "<rss version=\"0.91\" xmlns=\"http://my.netscape.com/rdf/simple/0.9/\"><channel><title>F</title>\(rssItem)</channel></rss>",
        "<r:rss xmlns:r=\"http://example.org/rss\" version=\"2.0\"><r:channel><r:title>F</r:title><r:item><r:title>T</r:title>"
            + "<r:link>https://example.org/1</r:link><r:guid>g1</r:guid><r:pubDate>Wed, 16 Feb 2022 23:50:43 GMT</r:pubDate>"
            + "</r:item></r:channel></r:rss>",
    ])
    func rssCoreElementsAreReadInAnyNamespace(document: String) throws {
        let feed = try Fixture.parse(text: document)
        #expect(feed.title == "F")
        let item = try #require(feed.items.first)
        #expect(item.title == "T")
        #expect(item.link == "https://example.org/1")
        #expect(item.id == "g1")
        #expect(item.published?.rfc3339 == "2022-02-16T23:50:43Z")
    }

    @Test func atomWithoutItsNamespaceIsRead() throws {
        let feed = try Fixture.parse(text: """
            <feed><title>F</title><entry><title>T</title><id>urn:1</id><link href="https://example.org/1"/>
            <updated>2022-02-16T23:50:43Z</updated><author><name>Jane</name></author></entry></feed>
            """)
        #expect(feed.title == "F")
        let item = try #require(feed.items.first)
        #expect([item.title, item.id, item.link, item.author] == ["T", "urn:1", "https://example.org/1", "Jane"])
        #expect(item.updated?.rfc3339 == "2022-02-16T23:50:43Z")
    }

    @Test func titlesFallBackToDublinCoreAndMediaRSS() throws {
        let dc = try Self.item("<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><item>"
            + "<dc:title>From DC</dc:title></item></channel></rss>")
        #expect(dc.title == "From DC")
        let media = try Self.item("<rss version=\"2.0\" xmlns:media=\"http://search.yahoo.com/mrss/\"><channel><item>"
            + "<media:group><media:title>From media</media:title></media:group></item></channel></rss>")
        #expect(media.title == "From media")
    }

    @Test func authorsFallBackAndTakeTheNameOfAStructuredAuthor() throws {
        let structured = try Self.item("<rss version=\"2.0\"><channel><item><author><name>Jane Doe</name>"
            + "<email>jane@example.org</email></author></item></channel></rss>")
        #expect(structured.author == "Jane Doe")
        let itunes = try Self.item("<rss version=\"2.0\" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\">"
            + "<channel><item><itunes:author>Pod Host</itunes:author></item></channel></rss>")
        #expect(itunes.author == "Pod Host")
        let atomCreator = try Self.item("<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
            + "<entry><id>1</id><dc:creator>Creator</dc:creator></entry></feed>")
        #expect(atomCreator.author == "Creator")
    }

    /// Round 67: Atom and JSON Feed 1.1 name several authors; only the first was kept.
    @Test func everyAuthorOfAnEntryIsNamed() throws {
        let atom = try Self.item("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id>"
            + "<author><name>Alice</name></author><author><email>x@example.org</email></author>"
            + "<author><name>Bob</name></author><author><name>Alice</name></author></entry></feed>")
        #expect(atom.author == "Alice, Bob")
        let json = try Self.item(#"{"version": "https://jsonfeed.org/version/1.1", "title": "F", "items": [{"id": "1", "#
            + #""content_text": "x", "authors": [{"name": "Alice"}, {"url": "https://example.org"}, {"name": "Bob"}]}]}"#)
        #expect(json.author == "Alice, Bob")
        // Dublin Core repeats dc:creator for each author of an RSS item (r67: the first was kept).
        let rss = try Self.item("<rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><channel><title>F</title>"
            + "<item><guid>1</guid><dc:creator>Alice</dc:creator><dc:creator> </dc:creator><dc:creator>Bob</dc:creator>"
            + "<dc:creator>Alice</dc:creator></item></channel></rss>")
        #expect(rss.author == "Alice, Bob")
    }

    @Test func dcDateFillsPublishedInAtomAndRSS1() throws {
        let atom = try Self.item("<feed xmlns=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
            + "<entry><id>1</id><dc:date>2022-02-16T23:50:43Z</dc:date></entry></feed>")
        #expect(atom.published?.rfc3339 == "2022-02-16T23:50:43Z")
        #expect(atom.updated == nil)
        let rss1 = try Self.item("""
            <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
              xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>F</title></channel>
            <item rdf:about="https://example.org/1"><title>T</title><dc:date>2022-02-16T23:50:43Z</dc:date></item></rdf:RDF>
            """)
        #expect(rss1.published?.rfc3339 == "2022-02-16T23:50:43Z")
        // Round 67: no <link>, and its rdf:about (which RSS 1.0 says is the link) was left unused.
        #expect(rss1.link == "https://example.org/1")
    }

    @Test func atomEntryLinkIsTheAlternateOneOnly() throws {
        let others = try Self.item("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id>"
            + "<link rel=\"license\" href=\"https://creativecommons.org/\"/><link rel=\"self\" href=\"https://example.org/self\"/>"
            + "<link rel=\"enclosure\" href=\"https://example.org/a.mp3\"/><link rel=\"related\" href=\"https://example.org/r\"/>"
            + "</entry></feed>")
        #expect(others.link == nil)
        let alternate = try Self.item("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id>"
            + "<link rel=\"via\" href=\"https://example.org/via\"/><link href=\"https://example.org/post\"/></entry></feed>")
        #expect(alternate.link == "https://example.org/post")
    }

    @Test func atomCategoryIsItsTermNotItsLabel() throws {
        let item = try Self.item("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><id>1</id>"
            + "<category term=\"swift\" label=\"The Swift language\"/></entry></feed>")
        #expect(item.categories == ["swift"])
    }

    @Test func imagesAreImagesNotEnclosures() throws {
        let item = try Self.item("""
            <rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><item><title>T</title>
            <media:content url="https://example.org/photo.jpg" medium="image"/>
            <media:content url="https://example.org/episode.mp3" type="audio/mpeg"/></item></channel></rss>
            """)
        #expect(item.mediaImage == "https://example.org/photo.jpg")
        #expect(item.enclosures.map(\.url) == ["https://example.org/episode.mp3"])
        let itunes = try Self.item("<rss version=\"2.0\" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\">"
            + "<channel><item><title>T</title><itunes:image href=\"https://example.org/cover.png\"/></item></channel></rss>")
        #expect(itunes.mediaImage == "https://example.org/cover.png")
    }

    @Test func atom03Base64ContentIsDecoded() throws {
        let encoded = Data("<p>Hello <b>world</b></p>".utf8).base64EncodedString()
        let item = try Self.item("<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><entry><id>1</id>"
            + "<content type=\"text/html\" mode=\"base64\">\(encoded)</content></entry></feed>")
        #expect(item.contentHTML == "<p>Hello <b>world</b></p>")
    }

    @Test func windows1252ReferencesReadAsBrowsersReadThem() throws {
        let item = try Self.item("<rss version=\"2.0\"><channel><item><title>It&#146;s &#147;quoted&#148; &#x80;5</title>"
            + "<description>bell&#7;less</description></item></channel></rss>")
        #expect(item.title == "It’s “quoted” €5")
        #expect(item.contentHTML == "bellless")
    }

    @Test func anUnfinishedCDATAMarkerNeverReachesATitle() throws {
        let feed = try Fixture.parse(text: "<rss version=\"2.0\"><channel><item><title><![CDATA[Half open</title></item>"
            + "<item><title>Second</title></item></channel></rss>")
        #expect(!feed.items.contains { $0.title.contains("CDATA") || $0.title.contains("<!") })
    }

    @Test func rfc3339AcceptsLowerCaseSeparators() {
        #expect(DateParser.parse("2022-02-16t23:50:43z")?.rfc3339 == "2022-02-16T23:50:43Z")
    }

    @Test func futureDatesAreClampedToTheFetchTime() throws {
        var feed = try Fixture.parse(text: "<rss version=\"2.0\"><channel><item><pubDate>Thu, 01 Jan 2099 00:00:00 GMT</pubDate>"
            + "</item><item><pubDate>Wed, 16 Feb 2022 23:55:00 GMT</pubDate></item></channel></rss>")
        let now = try #require(DateParser.parse("2022-02-16T23:50:43Z"))
        feed = FutureDates.clamped(feed, now: now)
        #expect(feed.items[0].published == now)
        #expect(feed.items[1].published?.rfc3339 == "2022-02-16T23:55:00Z", "within the skew: kept")
    }

    @Test func unreadableDatesAreCountedForTheLog() throws {
        let parsed = try FeedParser.parse(Array(("<rss version=\"2.0\"><channel><item><pubDate>soon</pubDate></item>"
            + "<item><pubDate>later</pubDate></item></channel></rss>").utf8), url: Fixture.feedURL, limits: .unlimited)
        #expect(parsed.notes.unreadableDate == "soon")
        #expect(parsed.notes.unreadableDates == 2)
    }
}
