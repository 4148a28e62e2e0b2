import CrawlerTestKit
import FeedModel
import Fetch
import Foundation
import Synchronization
import Testing

@Suite struct PolitenessTests {
    /// Counts requests being served at once.
    final class Concurrency: Sendable {
        private let state = Mutex<(now: Int, peak: Int)>((0, 0))
        func enter() { state.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) } }
        func leave() { state.withLock { $0.now -= 1 } }
        var peak: Int { state.withLock { $0.peak } }
    }

    @Test func noMoreThanTheHostCapAreInFlightToOneHost() async throws {
        let meter = Concurrency()
        let server = try LoopbackHTTPServer { _ in
            meter.enter()
            Thread.sleep(forTimeInterval: 0.1)
            meter.leave()
            return ServedResponse(text: "<rss/>")
        }
        var settings = testSettings
        settings.hostRules = [HostRule(pattern: "localhost", concurrency: 2, gap: 0)]
        let requests = (1...10).map { FetchRequest(feed: "f\($0)", url: "http://localhost:\(server.port)/f\($0)") }
        let results = try await fetchBesideAHealthyFeed(requests, settings: settings)
        #expect(requests.allSatisfy { response(results[$0.feed])?.status == 200 })
        #expect(meter.peak == 2)
    }

    @Test func requestsToOneHostAreSpreadByTheGap() async throws {
        let arrivals = Mutex<[ContinuousClock.Instant]>([])
        let server = try LoopbackHTTPServer { _ in
            arrivals.withLock { $0.append(.now) }
            return ServedResponse(text: "<rss/>")
        }
        var settings = testSettings
        settings.hostRules = [HostRule(pattern: "*.localhost", concurrency: 8, gap: 0.15)]
        let requests = (1...5).map { FetchRequest(feed: "f\($0)", url: "http://localhost:\(server.port)/f\($0)") }
        _ = try await fetchBesideAHealthyFeed(requests, settings: settings)
        let times = arrivals.withLock { $0 }.sorted()
        #expect(times.count == 5)
        // Four gaps of 0.15 s: the five requests must span at least 0.5 s (generous against jitter).
        if let first = times.first, let last = times.last {
            #expect(last - first >= .milliseconds(500))
        }
    }

    @Test func aSlowReaderHoldsBackNewTransfers() async throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: "<rss/>") }
        var settings = testSettings
        settings.concurrency = 2
        settings.maxBacklog = 3
        let requests = (1...40).map { FetchRequest(feed: "f\($0)", url: server.url("/f\($0)")) }
        var iterator = FetchEngine(settings: settings).fetch(requests).makeAsyncIterator()
        _ = await iterator.next()
        try await Task.sleep(for: .milliseconds(500))
        // Unread results are capped at the backlog, plus what was already in flight.
        #expect(server.requests.count <= 1 + settings.maxBacklog + settings.concurrency)
        var received = 1
        while await iterator.next() != nil { received += 1 }
        #expect(received == 40)
    }

    @Test func cancellingStopsTransfersInFlightWithinASecond() async throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: "late", delay: 20) }
        var settings = testSettings
        settings.timeout = 60
        settings.lowSpeedSeconds = 60
        let requests = (1...4).map { FetchRequest(feed: "s\($0)", url: server.url("/s\($0)")) }
        let stream = FetchEngine(settings: settings).fetch(requests)
        let consumer = Task {
            var kinds: [FetchFailure.Kind] = []
            for await result in stream { if let problem = failure(result) { kinds.append(problem.kind) } }
            return kinds
        }
        try await Task.sleep(for: .milliseconds(300))
        let cancelledAt = ContinuousClock.now
        consumer.cancel()
        _ = await consumer.value
        // The engine wakes at once; the margin is for a loaded CI machine, not for the engine.
        #expect(ContinuousClock.now - cancelledAt < .seconds(2))
    }
}
