@testable import CrawlerApp
import Schedule
import FeedModel
import Testing

@Suite struct ServerHintsReaderTests {
    let now = Timestamp(year: 2022, month: 2, day: 16, hour: 10)!

    private func response(_ headers: [String: String]) -> FetchResponse {
        FetchResponse(status: 200, finalURL: "https://x/", headers: headers, body: [], wireBytes: 0)
    }

    @Test func readsCacheHeadersAndRetryAfterInBothForms() {
        let hints = ServerHintsReader.hints(from: response([
            "cache-control": "public, max-age=600", "expires": "Wed, 16 Feb 2022 11:00:00 GMT", "retry-after": "120",
        ]), feed: nil, now: now)
        #expect(hints.maxAge == 600)
        #expect(hints.expires == Timestamp(year: 2022, month: 2, day: 16, hour: 11))
        #expect(hints.retryAfter == Timestamp(year: 2022, month: 2, day: 16, hour: 10, minute: 2))
        let dated = ServerHintsReader.hints(from: response(["retry-after": "Wed, 16 Feb 2022 12:00:00 GMT"]), feed: nil, now: now)
        #expect(dated.retryAfter == Timestamp(year: 2022, month: 2, day: 16, hour: 12))
        #expect(ServerHintsReader.cacheControlMaxAge("no-cache, max-age=600") == nil)
    }

    @Test func readsTheFeedsOwnHints() {
        var feed = Feed(kind: .rss2, ttlMinutes: 60)
        feed.updatePeriod = "daily"
        feed.updateFrequency = 2
        feed.skipHours = [0, 1, 25]
        feed.skipDays = ["Saturday", "sunday", "Funday"]
        var hints = ServerHints()
        ServerHintsReader.add(feed, to: &hints)
        #expect(hints.ttlMinutes == 60)
        #expect(hints.updatePeriod == 43_200)
        #expect(hints.skipHours == [0, 1])
        #expect(hints.skipDays == [6, 0])
    }
}
