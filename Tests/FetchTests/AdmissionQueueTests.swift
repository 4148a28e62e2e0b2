import FeedModel
@testable import Fetch
import Testing

/// The politeness bookkeeping on its own, on a clock the test moves by hand.
@Suite struct AdmissionQueueTests {
    private func started(_ next: AdmissionQueue.Next) -> String? {
        if case .start(let request, _, _, _) = next { return request.feed }
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
        for name in ["a", "b"] { queue.enqueue(FetchRequest(feed: name, url: "http://h.example/\(name)"), now: 0) }
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
        #expect(started(queue.next(now: 0)) == "big1")
        #expect(started(queue.next(now: 0)) == "small")
        queue.firstConnectionSettled(origin: "https://big.example:443")
        let order = (1...2).compactMap { _ in started(queue.next(now: 0)) }
        #expect(order == ["big2", "big3"])
    }

    /// The origin's first transfer opens its connection alone; the others wait in this queue (not
    /// in libcurl, where their timeout would run) and go once it is up, to share it over HTTP/2.
    @Test func anHTTPSOriginsOtherTransfersWaitForItsFirstConnection() {
        var queue = AdmissionQueue(settings: FetchSettings(perHostConcurrency: 10, hostGap: 0))
        for name in ["a", "b", "c"] { queue.enqueue(FetchRequest(feed: name, url: "https://H.example/\(name)"), now: 0) }
        guard case .start(let first, _, _, let opens) = queue.next(now: 0) else {
            Issue.record("the first transfer must start")
            return
        }
        #expect(first.feed == "a")
        #expect(opens == "https://h.example:443")
        guard case .wait(nil) = queue.next(now: 5) else {
            Issue.record("b must wait for a's connection")
            return
        }
        queue.firstConnectionSettled(origin: "https://h.example:443")
        guard case .start(let second, _, let waited, let secondOpens) = queue.next(now: 30) else {
            Issue.record("b must start once the connection is up")
            return
        }
        #expect(second.feed == "b" && waited == 30 && secondOpens == nil)
        #expect(started(queue.next(now: 30)) == "c")
    }

    @Test func plainHTTPTransfersDoNotWaitForAFirstConnection() {
        var queue = AdmissionQueue(settings: FetchSettings(perHostConcurrency: 10, hostGap: 0))
        for name in ["a", "b"] { queue.enqueue(FetchRequest(feed: name, url: "http://h.example/\(name)"), now: 0) }
        guard case .start(_, _, _, let opens) = queue.next(now: 0) else {
            Issue.record("a must start")
            return
        }
        #expect(opens == nil)
        #expect(started(queue.next(now: 0)) == "b")
    }

    @Test func theTimeARequestWaitedIsReportedWhenItStarts() {
        var settings = FetchSettings()
        settings.defaultHostRule = HostRule(pattern: "*", concurrency: 1, gap: 0)
        var queue = AdmissionQueue(settings: settings)
        for name in ["a", "b"] { queue.enqueue(FetchRequest(feed: name, url: "http://h.example/\(name)"), now: 100) }
        guard case .start(_, let host, let first, _) = queue.next(now: 100) else {
            Issue.record("a must start")
            return
        }
        #expect(first == 0)
        queue.finished(host: host)
        guard case .start(_, _, let second, _) = queue.next(now: 2_600) else {
            Issue.record("b must start")
            return
        }
        #expect(second == 2_500)
    }
}
