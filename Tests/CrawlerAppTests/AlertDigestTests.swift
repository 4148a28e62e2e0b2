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
        #expect(digest.take(for: [.command], at: now)[.command]?.events.map(\.kind) == [.feedGone])
        digest.record([report], now: now.adding(60))
        #expect(!digest.isDue(at: now.adding(3599)))
        #expect(digest.isDue(at: now.adding(3600)))
    }

    private func gone(_ feed: String) -> FeedReport {
        var report = FeedReport(feed: feed, url: "https://example.org/\(feed).xml", status: .failed("HTTP 410 Gone"))
        report.httpStatus = 410
        var state = FeedState(feed: feed, url: "https://example.org/\(feed).xml")
        state.gone = true
        report.state = state
        return report
    }

    @Test func aFailedSendIsRetriedToThatTargetOnlyWithTheNextDigestAfterTheInterval() throws {
        var digest = AlertDigest(interval: 60)
        digest.record([gone("a")], now: now)
        let first = digest.take(for: [.command, .webhook], at: now)
        #expect(first[.webhook]?.events.map(\.feed) == ["a"])
        digest.keep(try #require(first[.webhook]), for: .webhook)
        // Nothing new, but the webhook's events wait: due again an interval after the failed send.
        #expect(!digest.isDue(at: now.adding(59)))
        #expect(digest.isDue(at: now.adding(60)))
        digest.record([gone("b")], now: now.adding(30))
        let second = digest.take(for: [.command, .webhook], at: now.adding(60))
        #expect(second[.webhook]?.events.map(\.feed) == ["a", "b"])
        #expect(second[.command]?.events.map(\.feed) == ["b"])
        #expect(!digest.hasEvents)
    }

    @Test func eventsKeptForARetryStayWithinTheCapTheRestCountedAsDropped() throws {
        var digest = AlertDigest(interval: 60)
        let feeds = (0..<AlertDigest.maximumEvents).map { "f\($0)" }
        digest.record(feeds.map(gone), now: now)
        let failed = try #require(digest.take(for: [.webhook], at: now)[.webhook])
        digest.keep(failed, for: .webhook)
        digest.record([gone("late1"), gone("late2")], now: now.adding(1))
        let retry = try #require(digest.take(for: [.webhook], at: now.adding(60))[.webhook])
        #expect(retry.events.count == AlertDigest.maximumEvents)
        #expect(retry.events.first?.feed == "f0")
        #expect(retry.dropped == 2)
    }

    @Test func aRetriedStoreErrorAndANewOneAreStillOneEventCountingBothFeeds() throws {
        var digest = AlertDigest(interval: 60)
        let failed = FeedReport(feed: "a", url: "https://example.org/a.xml", status: .failed("store: disk full"))
        digest.record([failed, failed], now: now)
        digest.keep(try #require(digest.take(for: [.webhook], at: now)[.webhook]), for: .webhook)
        digest.record([failed], now: now.adding(1))
        let retry = try #require(digest.take(for: [.webhook], at: now.adding(60))[.webhook])
        #expect(retry.events.map(\.kind) == [.storeError])
        #expect(retry.events.first?.count == 3)
    }
}
