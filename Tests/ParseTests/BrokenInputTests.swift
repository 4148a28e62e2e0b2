import FeedModel
import Foundation
import Markup
import Parse
import Testing

/// Real feeds are broken in a handful of ways; each must still give every complete item.
@Suite struct BrokenInputTests {
    /// Round 66: a JSON Feed whose items was a string was `ok, 0 items`; a JSON array was "no
    /// XML element found". Each is now said for what it is.
    @Test func jsonThatIsNoFeedOrHoldsNoListOfItemsIsSaidSo() {
        func message(_ text: String) -> String {
            do {
                _ = try FeedParser.parse(Array(text.utf8), url: "https://example.org/feed.json")
                return "parsed"
            } catch {
                return "\(error)"
            }
        }
        #expect(message(#"{"version": "https://jsonfeed.org/version/1.1", "title": "F", "items": "none"}"#)
                .contains("items is a string, not a list of items"))
        #expect(message(#"[{"title": "a"}]"#).contains("root is <JSON array>"))
        #expect(message(#"{"version": "https://jsonfeed.org/version/1.1", "title": "F", "items": []}"#) == "parsed")
    }

    @Test func truncatedDocumentKeepsItsCompleteItems() throws {
        let feed = try Fixture.parse("truncated.xml")
        #expect(feed.items.prefix(2).map(\.title) == ["One", "Two"])
        #expect(feed.items.count <= 3)
    }

    @Test func controlCharactersAreDroppedNotFatal() throws {
        let feed = try Fixture.parse("control-chars.xml")
        #expect(feed.title == "Control chars")
        #expect(feed.items.map(\.title) == ["Bell title", "Next"])
        #expect(feed.items[0].contentHTML == "body with controls")
        // Control-character references are dropped like raw ones; a surrogate cannot be a character.
        #expect(feed.items[1].contentHTML == "fine   \u{FFFD} ok")
    }

    @Test func controlCharactersAmongLineBreaksAreDroppedAndTheLineBreaksKept() throws {
        // The repair skips words of line breaks eight bytes at a time: a control character next
        // to them, at any offset, must still be seen.
        for offset in 0..<10 {
            let body = String(repeating: "\n", count: offset) + "a\u{1}b\r\n\t" + String(repeating: "\n", count: 9)
            let feed = try Fixture.parse(text: "<rss version=\"2.0\"><channel><item><guid>g</guid><description><![CDATA["
                + body + "]]></description><title>t\u{2}\n</title></item></channel></rss>")
            // (CDATA keeps its CR: libxml2's push parser hands CDATA on as it is.)
            #expect(feed.items.first?.contentHTML == body.replacingOccurrences(of: "\u{1}", with: ""), "offset \(offset)")
            #expect(feed.items.first?.title == "t\n")
        }
    }

    @Test func garbageAfterTheRootIsIgnored() throws {
        let feed = try Fixture.parse(text: """
            <rss version="2.0"><channel><title>G</title><item><title>A</title></item></channel></rss>
            <html>garbage<p>and more</html>\u{0}
            """)
        #expect(feed.items.map(\.title) == ["A"])
    }

    @Test func mismatchedTagsLoseNoLaterItem() throws {
        let feed = try Fixture.parse(text: """
            <rss version="2.0"><channel><title>M</title>
            <item><title>First</titel><link>https://m.example/1</link></item>
            <item><title>Second</title><description><p>open <b>bold</p></description></item>
            <item><title>Third</title></item>
            </channel></rss>
            """)
        #expect(feed.items.map(\.title).suffix(2) == ["Second", "Third"])
    }

    @Test func undefinedEntitiesAndBareAmpersandsAreRepaired() throws {
        let feed = try Fixture.parse(text: """
            <rss version="2.0"><channel><title>A&B &copy; 2022</title>
            <item><title>&ldquo;Quoted&rdquo; &unknown; &amp;amp; AT&T</title>
            <link>https://e.example/?a=1&b=2&amp;c=3</link></item></channel></rss>
            """)
        #expect(feed.title == "A&B © 2022")
        #expect(feed.items.first?.title == "“Quoted” &unknown; & AT&T")
        #expect(feed.items.first?.link == "https://e.example/?a=1&b=2&c=3")
    }

    @Test func markupsEntityTableIsLibxml2s() throws {
        // The repair turns each HTML name into a number with libxml2's table; Convert decodes
        // bodies with Markup's copy of that table. Both must name the same character.
        let names = HTMLEntities.codePoints.keys.sorted()
        let items = names.map { "<item><title>&\($0);</title></item>" }.joined()
        let feed = try Fixture.parse(text: "<rss version=\"2.0\"><channel>\(items)</channel></rss>")
        #expect(feed.items.count == names.count)
        for (name, item) in zip(names, feed.items) {
            let expected = HTMLEntities.codePoints[name].flatMap(Unicode.Scalar.init).map { String($0) }
            #expect(item.title == expected, "&\(name);")
        }
    }

    @Test func itemsWithTheSameGuidAreAllKept() throws {
        let items = (1...3).map { "<item><guid>same</guid><title>T\($0)</title></item>" }.joined()
        let feed = try Fixture.parse(text: "<rss version=\"2.0\"><channel>\(items)</channel></rss>")
        #expect(feed.items.map(\.title) == ["T1", "T2", "T3"])
        #expect(Set(feed.items.compactMap(\.id)) == ["same"])
    }

    @Test func emptyItemsStillGiveIdentities() throws {
        let feed = try Fixture.parse(text: "<rss version=\"2.0\"><channel><item/><item><description>d</description></item></channel></rss>")
        #expect(feed.items.count == 2)
        #expect(feed.items.allSatisfy { $0.link == nil && $0.title.isEmpty })
    }

    @Test(arguments: ["", "   ", "\u{FEFF}"])
    func emptyDocumentsAreAnError(text: String) {
        #expect(throws: ParseError.empty) { try Fixture.parse(text: text) }
    }

    @Test(arguments: ["<", "<html", "<?xml version='1.0'?>", "{", "{\"items\": 3}", "[1,2]", "\u{0}\u{1}\u{2}"])
    func nonsenseIsAnErrorNotACrash(text: String) {
        #expect(throws: ParseError.self) { try Fixture.parse(text: text) }
    }
}
