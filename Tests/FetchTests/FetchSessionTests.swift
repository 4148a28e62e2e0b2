import CrawlerTestKit
import FeedModel
@testable import Fetch
import Glibc
import Testing

/// A long-lived session: requests submitted as they come, over one multi handle, until closed.
@Suite struct FetchSessionTests {
    @Test func requestsSubmittedLaterAreFetchedBesideAStalledOneAndCloseEndsTheSession() async throws {
        let healthy = try LoopbackHTTPServer { _ in ServedResponse(text: healthyFeed) }
        let stalled = try LoopbackHTTPServer { _ in ServedResponse(text: healthyFeed, delay: 10) }
        defer { stalled.stop() }
        var settings = testSettings
        settings.timeout = 5
        settings.lowSpeedSeconds = 60
        let session = FetchEngine(settings: settings).start()
        var events = session.events.makeEventIterator()
        session.submit([FetchRequest(feed: "stalled", url: stalled.url("/s.xml"))])
        var results: [String: FetchResult] = [:]
        // Three rounds of healthy requests, each submitted once the last came back. The stalled
        // one comes back when it times out: on a loaded machine, that may be before the last round.
        for round in 0..<3 {
            session.submit([FetchRequest(feed: "healthy-\(round)", url: healthy.url("/\(round).xml"))])
            while case .result(let result)? = await events.next() {
                results[result.request.feed] = result
                if result.request.feed.hasPrefix("healthy") { break }
            }
        }
        session.tick()
        var sawTick = false
        session.close()
        while let event = await events.next() {
            switch event {
            case .result(let result): results[result.request.feed] = result
            case .tick: sawTick = true
            }
        }
        #expect(sawTick, "a tick asked for comes through")
        #expect(Set(results.keys) == ["healthy-0", "healthy-1", "healthy-2", "stalled"])
        for round in 0..<3 { #expect(response(results["healthy-\(round)"])?.status == 200) }
        #expect(failure(results["stalled"])?.kind == .timeout)
        #expect(healthy.requests.count == 3)
    }

    /// A withdrawn feed's transfer under way stops at once and gives back its host's one slot;
    /// another feed's transfer, and a withdrawn request still waiting, are told apart.
    @Test func aWithdrawnTransferUnderWayStopsAndFreesItsHostsSlot() async throws {
        let server = try LoopbackHTTPServer { request in
            ServedResponse(text: healthyFeed, delay: request.path == "/stalled.xml" ? 60 : 0)
        }
        defer { server.stop() }
        let settings = FetchSettings(userAgent: testSettings.userAgent, timeout: 30, connectTimeout: 1,
                                     maxBodyBytes: 256 * 1024, concurrency: 16, perHostConcurrency: 1,
                                     lowSpeedBytesPerSecond: 64, lowSpeedSeconds: 60)
        let session = FetchEngine(settings: settings).start()
        var events = session.events.makeEventIterator()
        session.submit([FetchRequest(feed: "stalled", url: server.url("/stalled.xml")),
                        FetchRequest(feed: "healthy", url: server.url("/healthy.xml"))])
        // Waited for without an await: on a busy test run an async test may resume seconds late,
        // and the transfer must still be under way when it is withdrawn.
        while !server.requests.contains(where: { $0.path == "/stalled.xml" }) { usleep(20_000) }
        session.withdraw(["stalled"])
        var results: [String: FetchResult] = [:]
        while results.count < 2, case .result(let result)? = await events.next() {
            results[result.request.feed] = result
        }
        session.close()
        while await events.next() != nil {}
        // Stopped when withdrawn, long before its timeout (its own clock, not the test's).
        #expect((results["stalled"]?.milliseconds ?? .max) < 10_000, "\(String(describing: results["stalled"]))")
        #expect(failure(results["stalled"])?.kind == .cancelled)
        #expect(failure(results["stalled"])?.message.hasSuffix("withdrawn: its feed was removed from the configuration") == true)
        #expect(response(results["healthy"])?.status == 200)
        #expect(server.requests.map(\.path) == ["/stalled.xml", "/healthy.xml"])
    }
}

extension AdmissionQueueTests {
    @Test func aRequestForAHostThatAskedEveryoneToWaitIsNotQueued() {
        var settings = FetchSettings(perHostConcurrency: 4, hostGap: 0, hostBackoffFeeds: 1)
        settings.hostRules = []
        var queue = AdmissionQueue(settings: settings)
        queue.enqueue(FetchRequest(feed: "a", url: "http://h.example/a"), now: 0)
        _ = queue.next(now: 0)
        queue.finished(host: "h.example")
        #expect(queue.throttled(host: "h.example", feed: "a", retryAfter: 30, now: 1000).isEmpty)
        let refused = queue.enqueue(FetchRequest(feed: "b", url: "http://h.example/b"), now: 2000)
        #expect(refused?.host == "h.example" && refused?.pause == 29_000)
        #expect(queue.isEmpty)
        #expect(queue.enqueue(FetchRequest(feed: "b", url: "http://h.example/b"), now: 31_000) == nil)
        #expect(queue.count == 1)
    }

    /// Round 64: after the host's wait, one more 429 from a feed that had made it wait made it
    /// wait again at once, so the host's other feeds (deferred meanwhile) were never asked while a
    /// few of its feeds kept being throttled. Those feeds wait for their own Retry-After; the host
    /// waits again only when as many other feeds are throttled.
    @Test func theFeedsThatMadeAHostWaitDoNotMakeItWaitAgainAlone() {
        var settings = FetchSettings(perHostConcurrency: 4, hostGap: 0, hostBackoffFeeds: 2)
        settings.hostRules = []
        var queue = AdmissionQueue(settings: settings)
        let host = "h.example"
        func asks(_ feed: String, at now: Int64) -> Bool {
            queue.enqueue(FetchRequest(feed: feed, url: "http://h.example/\(feed)"), now: now) == nil
        }
        for feed in ["q1", "q2"] {
            #expect(asks(feed, at: 0))
            _ = queue.next(now: 0)
            queue.finished(host: host)
        }
        _ = queue.throttled(host: host, feed: "q1", retryAfter: 30, now: 0)
        _ = queue.throttled(host: host, feed: "q2", retryAfter: 30, now: 100)
        #expect(!asks("ok", at: 200))
        #expect(asks("q1", at: 31_000))
        _ = queue.throttled(host: host, feed: "q1", retryAfter: 30, now: 31_500)
        _ = queue.throttled(host: host, feed: "q2", retryAfter: 30, now: 31_600)
        #expect(asks("ok", at: 32_000))
        // Another feed throttled as well: the host throttles more than those two, and waits again.
        _ = queue.throttled(host: host, feed: "q3", retryAfter: 30, now: 33_000)
        #expect(!asks("ok2", at: 33_200))
        // A host that throttles every feed: the two that made it wait and one more keep it waiting.
        _ = queue.throttled(host: host, feed: "q1", retryAfter: 30, now: 64_000)
        _ = queue.throttled(host: host, feed: "q4", retryAfter: 30, now: 64_100)
        #expect(!asks("ok2", at: 64_200))
        // An ordinary answer starts everything again.
        queue.answered(host: host)
        _ = queue.throttled(host: host, feed: "q1", retryAfter: 1, now: 70_000)
        _ = queue.throttled(host: host, feed: "q2", retryAfter: 1, now: 70_100)
        #expect(!asks("ok3", at: 70_200))
    }

    @Test func hostWaitsListTheBusiestHostsFirst() {
        var settings = FetchSettings(perHostConcurrency: 1, hostGap: 0)
        settings.hostRules = []
        var queue = AdmissionQueue(settings: settings)
        for name in ["a1", "a2", "a3"] { queue.enqueue(FetchRequest(feed: name, url: "http://a.example/\(name)"), now: 0) }
        for name in ["b1", "b2"] { queue.enqueue(FetchRequest(feed: name, url: "http://b.example/\(name)"), now: 500) }
        _ = queue.next(now: 1000)
        _ = queue.next(now: 1000)
        let waits = queue.hostWaits(now: 2000, limit: 10)
        #expect(waits == [HostWait(host: "a.example", waiting: 2, oldestMilliseconds: 2000),
                          HostWait(host: "b.example", waiting: 1, oldestMilliseconds: 1500)])
        #expect(queue.hostWaits(now: 2000, limit: 1).count == 1)
    }

    /// Round 60: a host whose own limits would let its feeds start, waiting only for one of the
    /// `concurrency` slots another host's stalled transfers held, was listed as holding them back.
    @Test func aHostThatWouldLetItsFeedsStartIsSaidToWaitForASlot() {
        var settings = FetchSettings(perHostConcurrency: 1, hostGap: 0)
        settings.hostRules = [HostRule(pattern: "healthy.example", concurrency: 4, gap: 0)]
        var queue = AdmissionQueue(settings: settings)
        for name in ["s1", "s2"] { queue.enqueue(FetchRequest(feed: name, url: "http://stalled.example/\(name)"), now: 0) }
        _ = queue.next(now: 0)
        queue.enqueue(FetchRequest(feed: "h1", url: "http://healthy.example/h1"), now: 0)
        let waits = Dictionary(uniqueKeysWithValues: queue.hostWaits(now: 1000, limit: 10).map { ($0.host, $0.forSlot) })
        #expect(waits == ["stalled.example": false, "healthy.example": true])
    }
}
