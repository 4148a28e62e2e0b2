@testable import CrawlerApp
import FeedModel
import Testing

/// A report keeps its saved state in a box; copies of a report must still behave as values.
@Suite struct FeedReportTests {
    @Test func aCopysStateChangesWithoutTouchingTheOriginal() {
        var original = FeedReport(feed: "a", url: "https://a.example/feed", status: .ok(200))
        original.state = FeedState(feed: "a", url: "https://a.example/feed", consecutiveErrors: 1)
        var copy = original
        copy.state?.consecutiveErrors = 5
        copy.state?.validators.etag = "\"v2\""
        #expect(original.state?.consecutiveErrors == 1)
        #expect(original.state?.validators.etag == nil)
        #expect(copy.state?.consecutiveErrors == 5)
        #expect(copy.state?.validators.etag == "\"v2\"")
        copy.state = nil
        #expect(copy.state == nil)
        #expect(original.state?.feed == "a")
    }
}
