import FeedModel
import Parse
import Testing

/// Large feeds: every item comes back, in order. (Throughput and memory are measured in bench/parse.)
@Suite struct ScaleTests {
    @Test func readsTenThousandItems() throws {
        var text = "<rss version=\"2.0\"><channel><title>Many</title>"
        for index in 0..<10_000 {
            text += "<item><guid>g\(index)</guid><title>Item \(index)</title><description>&lt;p&gt;\(index)&lt;/p&gt;</description></item>"
        }
        text += "</channel></rss>"
        let feed = try Fixture.parse(text: text)
        #expect(feed.items.count == 10_000)
        #expect(feed.items.last?.title == "Item 9999")
        #expect(feed.items.last?.contentHTML == "<p>9999</p>")
    }

    @Test func brokenItemInTheMiddleOfALargeFeedKeepsTheRest() throws {
        var text = "<rss version=\"2.0\"><channel><title>Many</title>"
        for index in 0..<2_000 {
            let title = index == 1_000 ? "Broken <b>unclosed" : "Item \(index)"
            text += "<item><guid>g\(index)</guid><title>\(title)</title></item>"
        }
        text += "</channel></rss>"
        let feed = try Fixture.parse(text: text)
        #expect(feed.items.prefix(1_000).map(\.title) == (0..<1_000).map { "Item \($0)" })
        #expect(feed.items.count >= 1_999)
        #expect(feed.items.last?.title == "Item 1999")
    }
}
