@testable import CrawlerApp
import FeedModel
import Testing

/// The pure parts of alerting: when a feed counts as silent, and when a digest is due.
@Suite struct AlertDigestTests {
    let now = Timestamp(secondsSince1970: 1_800_000_000)

    private func state(quietDays: Int64, gaps: [Int64], errors: Int = 0) -> FeedState {
        var state = FeedState(feed: "f", url: "https://example.org/f.xml", consecutiveErrors: errors)
        state.lastNew = now.adding(Double(-quietDays * 86_400))
        state.newItemGaps = gaps
        return state
    }

    @Test func anHourlyFeedIsSilentAfterAWeekNotBefore() {
        let hourly = Array(repeating: Int64(3600), count: 8)
        #expect(FeedSilence.of(state(quietDays: 6, gaps: hourly), now: now) == nil)
        let silence = FeedSilence.of(state(quietDays: 8, gaps: hourly), now: now)
        #expect(silence?.usualGapSeconds == 3600)
        #expect(silence.map { Int($0.quietSeconds) } == 8 * 86_400)
    }

    @Test func aFeedThatPostsEveryThreeDaysGetsFourOfItsGaps() {
        let gaps: [Int64] = [3 * 86_400, 3 * 86_400, 2 * 86_400, 4 * 86_400]
        #expect(FeedSilence.of(state(quietDays: 11, gaps: gaps), now: now) == nil)
        #expect(FeedSilence.of(state(quietDays: 13, gaps: gaps), now: now) != nil)
    }

    @Test func aFailingOrNeverUpdatedFeedIsNotSilent() {
        #expect(FeedSilence.of(state(quietDays: 30, gaps: [], errors: 1), now: now) == nil)
        #expect(FeedSilence.of(FeedState(feed: "f", url: "https://example.org/f.xml"), now: now) == nil)
        #expect(FeedSilence.of(state(quietDays: 30, gaps: []), now: now)?.usualGapSeconds == nil)
    }

    @Test func theGapsKeptAreTheLastEight() {
        var state = FeedState(feed: "f", url: "https://example.org/f.xml")
        for hour in 0..<12 { state.noteNewDocuments(at: now.adding(Double(hour * hour * 60))) }
        #expect(state.newItemGaps.count == FeedState.keptGaps)
        #expect(state.newItemGaps.last == Int64((121 - 100) * 60))
    }

    @Test func theFirstDigestGoesAtOnceAndTheNextAfterTheInterval() {
        var digest = AlertDigest(interval: 3600)
        var report = FeedReport(feed: "f", url: "https://example.org/f.xml", status: .failed("HTTP 410 Gone"))
        report.httpStatus = 410
        var gone = FeedState(feed: "f", url: "https://example.org/f.xml")
        gone.gone = true
        report.state = gone
        #expect(!digest.isDue(at: now))
        digest.record([report], now: now)
        #expect(digest.isDue(at: now))
        #expect(digest.take(at: now).events.map(\.kind) == [.feedGone])
        digest.record([report], now: now.adding(60))
        #expect(!digest.isDue(at: now.adding(3599)))
        #expect(digest.isDue(at: now.adding(3600)))
    }
}
