import FeedModel
@testable import Parse
import Synchronization
import Testing

/// A parse within limits: the first items in document order, or what was read before the caller's
/// deadline or shutdown. The clock is the test's own.
@Suite struct ParseLimitsTests {
    static func rss(items count: Int) -> [UInt8] {
        var text = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>"
        for index in 0..<count { text += "<item><title>item \(index)</title><guid>g\(index)</guid></item>" }
        return Array((text + "<ttl>60</ttl></channel></rss>").utf8)
    }

    /// A clock that moves one millisecond each time it is read.
    final class SteppingClock: Sendable {
        private let time = Atomic<Int64>(0)
        func read() -> Int64 { time.add(1, ordering: .relaxed).newValue }
    }

    @Test func theFirstItemsInDocumentOrderAreKeptAndTheFeedIsMarkedCut() throws {
        let parsed = try FeedParser.parse(Self.rss(items: 50), url: "https://x/", limits: ParseLimits(maxItems: 10))
        #expect(parsed.cut == .maxItems)
        #expect(parsed.feed.items.map(\.title) == (0..<10).map { "item \($0)" })
    }

    @Test func aFeedWithExactlyTheCapIsNotCut() throws {
        let parsed = try FeedParser.parse(Self.rss(items: 10), url: "https://x/", limits: ParseLimits(maxItems: 10))
        #expect(parsed.cut == nil)
        #expect(parsed.feed.items.count == 10)
    }

    @Test func aPassedDeadlineCutsTheParseBetweenItems() throws {
        let clock = SteppingClock()
        let limits = ParseLimits(deadline: 20, now: { clock.read() })
        let parsed = try FeedParser.parse(Self.rss(items: 500), url: "https://x/", limits: limits)
        #expect(parsed.cut == .timeLimit)
        #expect(parsed.feed.items.count > 0 && parsed.feed.items.count < 500)
        #expect(parsed.feed.items.first?.title == "item 0")
    }

    /// The time limit's clock is a system call: it is read every eighth item, not at each.
    @Test func theClockIsReadEveryFewItems() throws {
        let clock = SteppingClock()
        let parsed = try FeedParser.parse(Self.rss(items: 400), url: "https://x/",
                                          limits: ParseLimits(deadline: .max, now: { clock.read() }))
        #expect(parsed.cut == nil && parsed.feed.items.count == 400)
        let reads = clock.read() - 1
        #expect(reads >= 400 / 8 && reads < 400 / 4, "\(reads) readings")
    }

    @Test func shutdownStopsTheParse() throws {
        let clock = SteppingClock()
        let parsed = try FeedParser.parse(Self.rss(items: 100), url: "https://x/",
                                          limits: ParseLimits(isCancelled: { clock.read() > 5 }))
        #expect(parsed.cut == .shutdown)
        #expect(parsed.feed.items.count < 100)
    }

    @Test func aLimitReachedBeforeTheFirstElementIsACutNotAMalformedDocument() {
        #expect(throws: ParseError.cut(.timeLimit)) {
            try FeedParser.parse(Self.rss(items: 3), url: "https://x/", limits: ParseLimits(deadline: 0, now: { 1 }))
        }
    }

    @Test func theRecoveringParserKeepsTheCapToo() throws {
        // An unescaped '&' stops the stream: the tree parser reads the rest.
        var text = String(decoding: Self.rss(items: 30), as: UTF8.self)
        text = text.replacingOccurrences(of: "<title>item 3</title>", with: "<title>item 3 & broken</title>")
        let parsed = try FeedParser.parse(Array(text.utf8), url: "https://x/", limits: ParseLimits(maxItems: 12))
        #expect(parsed.cut == .maxItems)
        #expect(parsed.feed.items.count == 12)
        #expect(parsed.feed.items.last?.title == "item 11")
    }

    @Test func aJSONFeedIsCutBetweenItems() throws {
        let items = (0..<20).map { "{\"id\": \"\($0)\", \"title\": \"item \($0)\"}" }.joined(separator: ",")
        let json = Array("{\"version\": \"https://jsonfeed.org/version/1.1\", \"title\": \"J\", \"items\": [\(items)]}".utf8)
        let parsed = try FeedParser.parse(json, url: "https://x/", limits: ParseLimits(maxItems: 5))
        #expect(parsed.cut == .maxItems)
        #expect(parsed.feed.items.map(\.title) == (0..<5).map { "item \($0)" })
    }
}
