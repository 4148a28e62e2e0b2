import FeedModel
import Foundation
@testable import Parse
import Testing

/// Well-formed documents are read by the SAX stream; a document it cannot finish is read by the
/// recovering tree parser. Both must give the same values for the same elements.
@Suite struct StreamTests {
    /// Every event as text: the values have no `==` of their own, but print all their fields.
    private func events(of bytes: [UInt8], fromStream: Bool) -> (finished: Bool, events: [String]) {
        var events: [String] = []
        let url = "https://example.org/feeds/feed.xml"
        if fromStream {
            let end = XMLEventStream.read(bytes, url: url, encoding: nil, options: XMLFeedReader.options,
                                          resolvesBase: true) { events.append(String(describing: $0)) }
            return (end == .whole, events)
        }
        let finished = XMLFeedReader.tree(bytes, url: url, encoding: nil, copier: XMLTreeCopier(resolvesBase: true)) {
            events.append(String(describing: $0))
        }
        return (finished, events)
    }

    @Test func theStreamAndTheTreeGiveTheSameValuesForEveryFixture() throws {
        let directory = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".xml") || $0.hasSuffix(".rdf") }.sorted()
        var compared = 0
        for name in names {
            let bytes = try Fixture.bytes(name)
            let streamed = events(of: bytes, fromStream: true)
            guard streamed.finished else { continue }  // broken on purpose: only the tree reads it
            let tree = events(of: bytes, fromStream: false)
            #expect(streamed.events == tree.events, "\(name)")
            compared += 1
        }
        #expect(compared >= 15)
    }

    @Test func xmlBaseResolvesAsLibxml2ResolvesIt() throws {
        let text = """
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://example.org/blog/"><title>T</title>
            <entry xml:base="posts/"><id>a</id><link href="1.html"/>
            <content type="xhtml" xml:base="../img/"><div xmlns="http://www.w3.org/1999/xhtml"><img src="a.png"/></div></content></entry>
            <entry><id>b</id><link xml:base="http://other.example/x/" href="2.html"/></entry></feed>
            """
        let streamed = events(of: Array(text.utf8), fromStream: true)
        #expect(streamed.finished)
        #expect(streamed.events == events(of: Array(text.utf8), fromStream: false).events)
        let feed = try Fixture.parse(text: text)
        // XML Base applies a link's own xml:base to its href (feedparser reads it so too).
        #expect(feed.items.map(\.link) == ["https://example.org/blog/posts/1.html", "http://other.example/x/2.html"])
        #expect(feed.items.first?.bodyImage == "https://example.org/blog/img/a.png")  // the content's own base
    }

    @Test func ampersandsInAttributesAreDecodedOnce() throws {
        let feed = try Fixture.parse(text: """
            <feed xmlns="http://www.w3.org/2005/Atom"><entry><id>a</id>
            <link href="https://example.org/?a=1&amp;b=2&amp;amp;c=&#38;"/></entry></feed>
            """)
        #expect(feed.items.first?.link == "https://example.org/?a=1&b=2&amp;c=&")
    }

    @Test func anElementWithAnUndeclaredPrefixIsNotTheUnprefixedOne() throws {
        let feed = try Fixture.parse(text: """
            <rss version="2.0"><channel><item><guid>a</guid><x:title>wrong</x:title><title>right</title></item>
            <item><guid>b</guid><title>second</title></item></channel></rss>
            """)
        #expect(feed.items.map(\.title) == ["right", "second"])
    }

    @Test func commentsAndCDATAInsideTextAreJoinedAsTheTreeJoinsThem() throws {
        let feed = try Fixture.parse(text: """
            <rss version="2.0"><channel><item><guid>a</guid><title>one <!-- c --><![CDATA[two]]> three</title>
            <description><![CDATA[<p>x</p>]]>&lt;p&gt;y&lt;/p&gt;</description></item></channel></rss>
            """)
        #expect(feed.items.first?.title == "one two three")
        #expect(feed.items.first?.contentHTML == "<p>x</p><p>y</p>")
    }

    @Test func itemsAcrossManyInputChunksAllArrive() throws {
        // Items larger than the stream's 64 KB chunks, and many of them.
        let body = String(repeating: "长文本 long text ", count: 6_000)
        var text = "<rss version=\"2.0\"><channel><title>Big</title>"
        for index in 0..<12 { text += "<item><guid>g\(index)</guid><description><![CDATA[\(body)\(index)]]></description></item>" }
        text += "</channel></rss>"
        let feed = try Fixture.parse(text: text)
        #expect(feed.items.count == 12)
        #expect(feed.items.last?.contentHTML == body + "11")
        #expect(feed.items.map(\.id) == (0..<12).map { "g\($0)" })
    }
}
