import FeedModel
@testable import Parse
import Testing

/// A JSON Feed's items past `maxItems` are dropped before JSONSerialization decodes it (round 62:
/// a 28 MB feed of small items took 1.7 GB to decode whole). What is kept must parse to exactly
/// the first items of the whole document, whatever else the document holds and in whatever order.
@Suite struct JSONItemsCutTests {
    static func item(_ index: Int) -> String {
        // Brackets, braces, commas and escaped quotes inside strings, a nested array and object.
        #"{"id": "i\#(index)", "title": "t\#(index) [a, {b}] \"q\\\"", "tags": ["x", ["y"]], "#
            + #""content_text": "x", "attachments": [{"url": "https://e/\#(index).mp3", "size_in_bytes": 1e3}]}"#
    }

    static func feed(items: Int, titleAfter: Bool = false) -> [UInt8] {
        let list = (0..<items).map(item).joined(separator: " ,\n ")
        let head = #"{"version": "https://jsonfeed.org/version/1.1", "#
        let text = titleAfter ? head + #""items": [ \#(list) ], "title": "After""#
            : head + #""title": "Before", "items": [\#(list)]"#
        return Array((text + "}").utf8)
    }

    @Test(arguments: [0, 1, 7, 10], [false, true])
    func theFirstItemsAreWhatTheWholeDocumentGives(maxItems: Int, titleAfter: Bool) throws {
        let bytes = Self.feed(items: 25, titleAfter: titleAfter)
        let (kept, dropped) = JSONItemsCut.cut(bytes, maxItems: maxItems)
        #expect(dropped && kept.count < bytes.count)
        let limited = try FeedParser.parse(bytes, url: "https://e/feed.json", limits: ParseLimits(maxItems: maxItems))
        let whole = try FeedParser.parse(bytes, url: "https://e/feed.json")
        #expect(limited.cut == .maxItems)
        #expect(limited.feed.items == Array(whole.items.prefix(maxItems)))
        #expect(limited.feed.title == whole.title && !whole.title.isEmpty)
    }

    @Test func aFeedWithinTheCapOrMalformedIsLeftWhole() throws {
        for bytes in [Self.feed(items: 5), Array(#"{"items": [{"id": "a"}, {"id": "b"#.utf8), Array("[1, 2, 3]".utf8),
                      Array(#"{"title": "no items"}"#.utf8), Array(#"{"items": "not a list"}"#.utf8)] {
            let (kept, dropped) = JSONItemsCut.cut(bytes, maxItems: 5)
            #expect(!dropped && kept == bytes)
        }
        let parsed = try FeedParser.parse(Self.feed(items: 5), url: "https://e/feed.json", limits: ParseLimits(maxItems: 5))
        #expect(parsed.cut == nil && parsed.feed.items.count == 5)
    }
}
