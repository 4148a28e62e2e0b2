import FeedModel
import Parse
import Testing

/// A document can never make the parser read files, reach the network, or blow up.
@Suite struct SafetyTests {
    @Test(arguments: ["file:///etc/passwd", "http://127.0.0.1:9/x.dtd"])
    func externalEntitiesAreNeverLoaded(system: String) throws {
        let feed = try Fixture.parse(text: """
            <?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "\(system)">]>
            <rss version="2.0"><channel><title>x&secret;y</title><item><title>&secret;</title></item></channel></rss>
            """)
        #expect(feed.title == "x&secret;y")
        #expect(feed.items.first?.title == "&secret;")
    }

    @Test func externalDTDIsNotFetched() throws {
        let feed = try Fixture.parse(text: """
            <?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
              "http://127.0.0.1:9/rss-0.91.dtd">
            <rss version="0.91"><channel><title>Old &eacute;</title></channel></rss>
            """)
        #expect(feed.title == "Old é")
    }

    @Test func billionLaughsIsNeutralised() throws {
        var entities = "<!ENTITY lol0 \"lol\">"
        for level in 1...9 {
            entities += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">"
        }
        let feed = try Fixture.parse(text: """
            <?xml version="1.0"?><!DOCTYPE rss [\(entities)]>
            <rss version="2.0"><channel><title>&lol9;</title><item><title a="&lol9;">&lol9;</title></item></channel></rss>
            """)
        #expect(feed.title == "&lol9;")
        #expect(feed.items.count == 1)
    }

    @Test func deepNestingIsCutNotRecursedInto() throws {
        let depth = 100_000
        let text = "<rss version=\"2.0\"><channel><item><title>deep</title><description>"
            + String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
            + "</description></item></channel></rss>"
        // libxml2 stops at depth 256; whatever it recovers, the parser returns or throws, never overflows.
        let feed = try? Fixture.parse(text: text)
        #expect(feed.map { $0.items.count <= 1 } ?? true)
    }
}

/// One start tag with hundreds of thousands of attributes made libxml2 2.9 spend 70 s on its
/// duplicate check; such a document is refused before libxml2 sees it.
@Suite struct AbsurdStartTagTests {
    static func feed(attributes: Int, value: String = "") -> [UInt8] {
        let attributeText = (0..<attributes).map { " a\($0)=\"\(value)\"" }.joined()
        return Array("""
            <?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
            <!-- don't --><item\(attributeText)><title>x</title></item></channel></rss>
            """.utf8)
    }

    @Test(arguments: ["", ">", "'"])
    func aTagWithTooManyAttributesIsRefusedNamingIt(value: String) {
        #expect {
            try FeedParser.parse(Self.feed(attributes: 300_000, value: value), url: "u")
        } throws: { error in
            "\(error)".contains("has more than 2000 attributes")
        }
    }

    @Test func manyOrdinaryAttributesAndCDATAPass() throws {
        let feed = try FeedParser.parse(Self.feed(attributes: 50), url: "u")
        #expect(feed.items.count == 1)
        let text = String(repeating: "<b a=b '", count: 3000)
        let cdata = "<rss version=\"2.0\"><channel><title>t</title><item><title>c</title><description><![CDATA[\(text)]]>"
            + "</description></item></channel></rss>"
        #expect(try FeedParser.parse(Array(cdata.utf8), url: "u").items.count == 1)
    }
}

/// Elements are bounded where they cost memory: in one item (read whole), and in a broken
/// document (the recovering parser builds it whole). A well-formed archive of 60,000 small items
/// (300,000 elements) was refused by a bound on the whole document.
@Suite struct ElementCountTests {
    static func feed(items: Int, broken: Bool = false) -> [UInt8] {
        var text = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>\n"
        for index in 0..<items {
            text += "<item><title>i\(index)</title><guid>g\(index)</guid><link>https://e.org/\(index)</link>"
                + "<description>d\(index)\(broken && index == items - 1 ? "<br>" : "")</description></item>\n"
        }
        return Array((text + "</channel></rss>").utf8)
    }

    @Test func aWellFormedFeedOfManySmallItemsIsRead() throws {
        #expect(try FeedParser.parse(Self.feed(items: 60_000), url: "u").items.count == 60_000)
    }

    @Test func aBrokenDocumentOfTooManyElementsIsRefusedNamingTheCount() {
        #expect {
            try FeedParser.parse(Self.feed(items: 60_000, broken: true), url: "u")
        } throws: { error in
            "\(error)".contains("a broken document of 300004 elements, more than 250000: too many to read whole")
        }
        // A broken one of fewer is read as ever.
        #expect((try? FeedParser.parse(Self.feed(items: 1_000, broken: true), url: "u").items.count) == 1_000)
    }

    /// 4,000 items of 200 unclosed `<div>` each were refused as "an item of more than 250000
    /// elements", which none of them has: the tags left open carry the count past each `</item>`.
    @Test func tagsLeftOpenAcrossItemsAreNamedForWhatTheyAre() {
        let items = (0..<4_000).map { number in
            let open = String(repeating: "<div>", count: 100)
            return "<item><title>t\(number) \(open)</title><guid>g\(number)</guid><description>b \(open)</description></item>"
        }
        let document = "<rss version=\"2.0\"><channel><title>t</title>" + items.joined() + "</channel></rss>"
        #expect {
            try FeedParser.parse(Array(document.utf8), url: "u")
        } throws: { error in
            "\(error)".contains("more than 250000 elements before an item ends (tags left open in items' text")
                && !"\(error)".contains("an item of")
        }
    }

    /// Round 26: `<'` in an item's text was read as a tag whose quote hid every element after it
    /// from the count (26 MB: 1.9 GB), and an `<entry/>` nested in an item every 200,000 elements
    /// started the item's count again (32 MB: 1.2 GB).
    @Test func neitherAStrayQuoteNorANestedEntryHidesElements() {
        let broken = "<rss version=\"2.0\"><channel><title>t</title><item><title>x <'</title><description>"
            + String(repeating: "<p>x<li>y<br>", count: 100_000) + "</description></item></channel></rss>"
        #expect {
            try FeedParser.parse(Array(broken.utf8), url: "u")
        } throws: { error in
            "\(error)".contains("elements")
        }
        let nested = "<rss version=\"2.0\"><channel><title>t</title><item><title>x</title><description>"
            + String(repeating: String(repeating: "<b/>", count: 200_000) + "<entry/>", count: 2)
            + "</description></item></channel></rss>"
        #expect {
            try FeedParser.parse(Array(nested.utf8), url: "u")
        } throws: { error in
            "\(error)".contains("an item of more than 250000 elements")
        }
        // A quote after `=` is a value's, and hides its `>`; entries of a feed (Atom, prefixed) each count apart.
        let atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>t</title>"
            + String(repeating: "<entry><title a='x>y'>e</title><id>i</id><content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">"
                     + String(repeating: "<b>w</b>", count: 10) + "</div></content></entry>", count: 30_000) + "</feed>"
        #expect((try? FeedParser.parse(Array(atom.utf8), url: "u").items.count) == 30_000)
    }

    /// Round 27: an opener that never closes (`<!--`, `<?php`, `<?=`, a quote) was skipped to the
    /// end of the document, hiding every element after it (31 MB: 2.3 GB), and a tag of 200,000
    /// attributes there (2 MB: 103 s); a UTF-16 document was scanned as it came, with no tag seen.
    @Test(arguments: ["<!--", "<?php ", "<?= ", "<a href=\"x>", "<![CDATA[", "UTF-16"])
    func nothingUnclosedOrEncodedHidesElements(opener: String) {
        let body = opener == "UTF-16" ? "" : opener
        let text = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><item><title>x</title><description>"
            + body + String(repeating: "<p>x<li>y<br>", count: 100_000) + "</description></item></channel></rss>"
        let bytes = opener == "UTF-16" ? [0xFF, 0xFE] + Array(text.replacingOccurrences(of: "<?xml version=\"1.0\"?>", with: "")
            .data(using: .utf16LittleEndian)!) : Array(text.utf8)
        #expect {
            try FeedParser.parse(bytes, url: "u")
        } throws: { error in
            "\(error)".contains("elements")
        }
        let attributes = "<rss version=\"2.0\"><channel><title>t</title><item><description>" + body
            + "<x " + (0..<3_000).map { "a\($0)=\"\"" }.joined(separator: " ") + ">" + "</description></item></channel></rss>"
        if opener != "UTF-16" {
            #expect {
                try FeedParser.parse(Array(attributes.utf8), url: "u")
            } throws: { error in
                "\(error)".contains("more than 2000 attributes")
            }
        }
    }

    @Test func oneItemOfTooManyElementsIsRefused() {
        let dense = "<rss version=\"2.0\"><channel><title>t</title><item><title>x</title><description>"
            + String(repeating: "<p>x</p>", count: 260_000) + "</description></item></channel></rss>"
        #expect {
            try FeedParser.parse(Array(dense.utf8), url: "u")
        } throws: { error in
            "\(error)".contains("an item of more than 250000 elements")
        }
    }
}

/// JSON can spell any character; what XML forbids never reaches an item from a JSON Feed either.
@Suite struct JSONControlCharacterTests {
    @Test func nulAndOtherControlsAreDropped() throws {
        let json = #"{"version":"https://jsonfeed.org/version/1.1","title":"t\u0000","items":[{"id":"1","title":"a\u0000b\u0007c","content_html":"<p>x\u0000y\u001b[31m</p>\n"}]}"#
        let feed = try FeedParser.parse(Array(json.utf8), url: "https://example.org/feed.json")
        let item = try #require(feed.items.first)
        #expect(feed.title == "t")
        #expect(item.title == "abc")
        #expect(item.contentHTML == "<p>xy[31m</p>\n")
    }
}
