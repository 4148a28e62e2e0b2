@testable import CrawlerApp
import FeedModel
import Testing

@Suite struct ReportOrderTests {
    private func report(_ feed: String, bytes: Int = 0) -> FeedReport {
        var report = FeedReport(feed: feed, url: "https://\(feed).example/feed", status: .ok(200))
        report.bytes = bytes
        return report
    }

    @Test func reportsComeInConfigOrderAFeedsOwnInArrivalOrderUnknownFeedsLast() {
        let feeds = ["a", "b", "c"].map { FeedConfig(name: $0, url: "https://\($0).example/feed") }
        let arrived = [report("c"), report("stray"), report("a", bytes: 1), report("b"), report("a", bytes: 2),
                       report("lost")]
        let ordered = Pipeline.inConfigOrder(arrived, feeds: feeds)
        #expect(ordered.map(\.feed) == ["a", "a", "b", "c", "stray", "lost"])
        #expect(ordered.prefix(2).map(\.bytes) == [1, 2])
    }

    @Test func aThousandReportsInReverseComeOutInOrder() {
        let feeds = (0..<1000).map { FeedConfig(name: "f\($0)", url: "https://f\($0).example/feed") }
        let ordered = Pipeline.inConfigOrder(feeds.reversed().map { report($0.name) }, feeds: feeds)
        #expect(ordered.map(\.feed) == feeds.map(\.name))
    }
}
