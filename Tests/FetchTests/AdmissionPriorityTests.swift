import FeedModel
@testable import Fetch
import Testing

/// Article pages and images queue behind the feeds: a feed is never kept waiting by the pages
/// its items ask for, on its own host or on another.
@Suite struct AdmissionPriorityTests {
    private func started(_ next: AdmissionQueue.Next) -> String? {
        if case .start(let request, _, _, _) = next { return request.feed }
        return nil
    }

    private func page(_ name: String, _ url: String) -> FetchRequest {
        var request = FetchRequest(feed: name, url: url)
        request.priority = .page
        return request
    }

    @Test func aFeedQueuedAfterPagesOnItsHostStartsFirst() {
        var queue = AdmissionQueue(settings: FetchSettings(perHostConcurrency: 1, hostGap: 0))
        queue.enqueue(page("p1", "http://site.example/a"), now: 0)
        queue.enqueue(page("p2", "http://site.example/b"), now: 0)
        queue.enqueue(FetchRequest(feed: "feed", url: "http://site.example/rss"), now: 0)
        #expect(started(queue.next(now: 0)) == "feed")
        queue.finished(host: "site.example")
        #expect(started(queue.next(now: 0)) == "p1")
        queue.finished(host: "site.example")
        #expect(started(queue.next(now: 0)) == "p2")
    }

    @Test func feedsOnOtherHostsGoBeforeAnyPage() {
        var queue = AdmissionQueue(settings: FetchSettings(perHostConcurrency: 10, hostGap: 0))
        queue.enqueue(page("image", "http://images.example/1.png"), now: 0)
        queue.enqueue(FetchRequest(feed: "a", url: "http://a.example/rss"), now: 0)
        queue.enqueue(FetchRequest(feed: "b", url: "http://b.example/rss"), now: 0)
        let order = (1...3).compactMap { _ in started(queue.next(now: 0)) }
        #expect(order == ["a", "b", "image"])
        #expect(queue.isEmpty)
    }

    /// A host's budget binds pages as it binds feeds: the page waits for the feed's slot.
    @Test func pagesObeyTheHostBudget() {
        var queue = AdmissionQueue(settings: FetchSettings(perHostConcurrency: 1, hostGap: 0))
        queue.enqueue(FetchRequest(feed: "feed", url: "http://site.example/rss"), now: 0)
        queue.enqueue(page("p", "http://site.example/a"), now: 0)
        #expect(started(queue.next(now: 0)) == "feed")
        guard case .wait = queue.next(now: 0) else {
            Issue.record("the page must wait for the host's one slot")
            return
        }
        queue.finished(host: "site.example")
        #expect(started(queue.next(now: 0)) == "p")
    }
}
