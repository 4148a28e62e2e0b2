@testable import CrawlerApp
import Schedule
import FeedModel
import Testing

@Suite struct ServerHintsReaderTests {
    let now = Timestamp(year: 2022, month: 2, day: 16, hour: 10)!

    @Test func turnsTheFetchStagesCacheHintsIntoAbsoluteTimes() {
        var response = FetchResponse(status: 200, finalURL: "https://x/", headers: [:], body: [], wireBytes: 0)
        response.cache = CacheHints(maxAge: 600, expiresIn: 3600, retryAfter: 120)
        let hints = ServerHintsReader.hints(from: response, feed: nil, now: now)
        #expect(hints.maxAge == 600)
        #expect(hints.expires == Timestamp(year: 2022, month: 2, day: 16, hour: 11))
        #expect(hints.retryAfter == Timestamp(year: 2022, month: 2, day: 16, hour: 10, minute: 2))
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
