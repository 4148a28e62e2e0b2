import FeedModel
import Foundation
@testable import Parse
import Testing

/// Fields real publishers write that a reference parser (feedparser) read better than we did.
/// Round 56 compared every stored post with feedparser's reading of the same bytes.
@Suite struct PublisherFieldsTests {
    /// An entry may offer its page in several types: a JSON API's URL came first and became the
    /// post's source link. The page a person reads is the HTML one.
    @Test func theHTMLAlternateIsTheEntrysLink() throws {
        let feed = try Fixture.parse(text: """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>
            <entry><title>Two alternates</title><id>urn:1</id><updated>2024-02-02T12:00:00Z</updated>
            <link rel="alternate" type="application/json" href="https://api.example/post.json"/>
            <link rel="alternate" type="text/html" href="https://html.example/post"/></entry>
            <entry><title>Only JSON</title><id>urn:2</id><updated>2024-02-02T12:00:00Z</updated>
            <link rel="alternate" type="application/json" href="https://api.example/only.json"/></entry>
            <entry><title>Untyped after typed</title><id>urn:3</id><updated>2024-02-02T12:00:00Z</updated>
            <link rel="alternate" type="application/activity+json" href="https://api.example/3"/>
            <link href="https://html.example/3"/></entry>
            </feed>
            """)
        #expect(feed.items.map(\.link) == ["https://html.example/post", "https://api.example/only.json", "https://html.example/3"])
    }

    /// XML Base applies an element's own `xml:base` to its attributes: the link pointed nowhere.
    @Test func aLinksOwnXMLBaseResolvesIt() throws {
        let feed = try Fixture.parse(text: """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>
            <entry><title>T</title><id>urn:1</id><updated>2024-02-02T12:00:00Z</updated>
            <link xml:base="https://lb.example/a/" href="b.html"/></entry></feed>
            """)
        #expect(feed.items.first?.link == "https://lb.example/a/b.html")
    }

    /// `<author>` in RSS is an address; a podcast names its host in `itunes:author`: the name is
    /// the byline, not the address.
    @Test func aNameIsPreferredToABareAddress() throws {
        let feed = try Fixture.parse(text: """
            <rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
                 xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>F</title>
            <item><title>A</title><guid>a</guid><author>host@example.com</author><itunes:author>Real Host</itunes:author></item>
            <item><title>B</title><guid>b</guid><author>host@example.com</author><dc:creator>Jane Writer</dc:creator></item>
            <item><title>C</title><guid>c</guid><author>only@example.com</author></item>
            <item><title>D</title><guid>d</guid><author>jane@example.com (Jane Doe)</author><itunes:author>Other</itunes:author></item>
            </channel></rss>
            """)
        #expect(feed.items.map(\.author) == ["Real Host", "Jane Writer", "only@example.com", "Jane Doe"])
    }

    /// "IST" is what Indian news sites write (Ireland and Israel write offsets in their feeds): a
    /// date in it was thrown away, and a 2003 article dated the day it was fetched.
    @Test func indianStandardTimeIsRead() {
        #expect(DateParser.parse("Tue, 10 Jun 2003 09:41:01 IST") == Timestamp(year: 2003, month: 6, day: 10, hour: 4, minute: 11, second: 1))
    }

    /// ISO 8601's end of a day was unreadable, and the post dated the day it was fetched.
    @Test func theEndOfADayIsTheNextMidnight() {
        #expect(DateParser.parse("2003-06-10T24:00:00Z") == Timestamp(year: 2003, month: 6, day: 11))
        #expect(DateParser.parse("2003-12-31T24:00:00+01:00") == Timestamp(year: 2003, month: 12, day: 31, hour: 23))
        #expect(DateParser.parse("2003-06-10T24:00:01Z") == nil)
        // ISO 8601's basic format, as iCalendar and some podcast tools write it (round 56).
        #expect(DateParser.parse("20030610T094101Z") == Timestamp(year: 2003, month: 6, day: 10, hour: 9, minute: 41, second: 1))
        #expect(DateParser.parse("20030610T0941+0200") == Timestamp(year: 2003, month: 6, day: 10, hour: 7, minute: 41))
        #expect(DateParser.parse("20030610t094101.25z") == Timestamp(year: 2003, month: 6, day: 10, hour: 9, minute: 41, second: 1))
        #expect(DateParser.parse("20030610") == nil)
        #expect(DateParser.parse("20030610T0941015Z") == nil)
        #expect(DateParser.parse("20031310T094101Z") == nil)
        #expect(DateParser.parse("2003061T094101Z") == nil)
        #expect(DateParser.parse("2003-06-10T24:30:00Z") == nil)
    }
}
