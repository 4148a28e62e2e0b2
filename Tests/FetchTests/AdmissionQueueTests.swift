import FeedModel
@testable import Fetch
import Testing

/// The politeness bookkeeping on its own, on a clock the test moves by hand.
@Suite struct AdmissionQueueTests {
    private func started(_ next: AdmissionQueue.Next) -> String? {
        if case .start(let request, _) = next { return request.feed }
        return nil
    }

    @Test func hostsMatchingOnePatternShareOneBudget() {
        var settings = FetchSettings(perHostConcurrency: 5)
        settings.hostRules = [HostRule(pattern: "*.tumblr.com", concurrency: 1, gap: 0)]
        var queue = AdmissionQueue(settings: settings)
        queue.enqueue(FetchRequest(feed: "a", url: "https://a.tumblr.com/rss"), now: 0)
        queue.enqueue(FetchRequest(feed: "b", url: "https://b.tumblr.com/rss"), now: 0)
        queue.enqueue(FetchRequest(feed: "c", url: "https://example.org/rss"), now: 0)
        #expect(started(queue.next(now: 0)) == "a")
        #expect(started(queue.next(now: 0)) == "c")
        guard case .wait(nil) = queue.next(now: 0) else {
            Issue.record("b must wait for a's slot on the same service")
            return
        }
        queue.finished(host: "*.tumblr.com")
        #expect(started(queue.next(now: 0)) == "b")
    }

    @Test func theGapTellsHowLongToWait() {
        var settings = FetchSettings()
        settings.defaultHostRule = HostRule(pattern: "*", concurrency: 4, gap: 0.5)
        var queue = AdmissionQueue(settings: settings)
        for name in ["a", "b"] { queue.enqueue(FetchRequest(feed: name, url: "https://h.example/\(name)"), now: 0) }
        #expect(started(queue.next(now: 0)) == "a")
        guard case .wait(let delay?) = queue.next(now: 100) else {
            Issue.record("b must wait for the gap")
            return
        }
        #expect(delay == 400)
        #expect(started(queue.next(now: 500)) == "b")
    }

    @Test func hostsAreTakenInTurnSoOneBigHostDoesNotStarveTheRest() {
        var queue = AdmissionQueue(settings: FetchSettings(perHostConcurrency: 100))
        for index in 1...3 { queue.enqueue(FetchRequest(feed: "big\(index)", url: "https://big.example/\(index)"), now: 0) }
        queue.enqueue(FetchRequest(feed: "small", url: "https://small.example/feed"), now: 0)
        let order = (1...4).compactMap { _ in started(queue.next(now: 0)) }
        #expect(order == ["big1", "small", "big2", "big3"])
    }
}
