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

    /// A daemon's shutdown, as the engine polls it.
    final class ShutdownFlag: Sendable {
        private let value = Atomic<Bool>(false)
        func set() { value.store(true, ordering: .releasing) }
        var isSet: Bool { value.load(ordering: .acquiring) }
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

    /// Runs `action` once, on the server's thread, when the `count`th request has arrived: a
    /// test's own task may wait long on a loaded machine, the server's thread does not.
    final class OnArrival: Sendable {
        private let state = Mutex<(seen: Int, action: (@Sendable () -> Void)?)>((0, nil))
        let count: Int

        init(count: Int) { self.count = count }

        /// Runs at once when the requests have all arrived already.
        func then(_ action: @escaping @Sendable () -> Void) {
            let arrivedAlready = state.withLock { state -> Bool in
                state.action = action
                return state.seen >= count
            }
            if arrivedAlready { action() }
        }

        func arrived() {
            let action = state.withLock { state -> (@Sendable () -> Void)? in
                state.seen += 1
                return state.seen == count ? state.action : nil
            }
            action?()
        }
    }

    /// How long the server holds its answers back: far longer than a loaded machine can take to
    /// get all four requests to it (a suite running beside took it over 20 s once).
    static let heldBack: Double = 120

    /// The consumer gives up once every transfer is in flight: the engine hangs up each one, as
    /// the server sees it, while its answer is still held back (`heldBack`). No wall clock is raced:
    /// a loaded machine makes the test slower, never wrong.
    @Test func cancellingStopsTransfersInFlight() async throws {
        let arrival = OnArrival(count: 4)
        let server = try LoopbackHTTPServer { _ in
            arrival.arrived()
            return ServedResponse(text: "late", delay: Self.heldBack)
        }
        var settings = testSettings
        settings.timeout = 2 * Self.heldBack
        settings.connectTimeout = 30
        settings.lowSpeedSeconds = Int(2 * Self.heldBack)
        let requests = (1...4).map { FetchRequest(feed: "s\($0)", url: server.url("/s\($0)")) }
        let session = FetchEngine(settings: settings).start()
        let events = session.events
        let waiting = ShutdownFlag()
        let consumer = Task {
            var answered = 0
            // Set just before it waits for the first result, with no suspension in between: a
            // cancel from then on ends the wait on the cancelling thread, whatever the pool does.
            waiting.set()
            // A transfer the cancel ends may still come back as cut; none may bring the answer.
            for await result in events {
                if case .response = result.outcome { answered += 1 }
            }
            return answered
        }
        while !waiting.isSet { try await Task.sleep(for: .milliseconds(10)) }
        session.submit(requests)
        session.close()
        arrival.then { consumer.cancel() }
        #expect(await consumer.value == 0)
        for _ in 0..<300 where server.hungUp.count < 4 { try await Task.sleep(for: .milliseconds(100)) }
        #expect(Set(server.hungUp) == Set(requests.map { "/\($0.feed)" }))
    }

    /// Told by the transfers' own end: each one in flight when the shutdown flag goes up (on the
    /// fourth request's arrival) comes back cut by shutdown, none with the server's answer (held
    /// back `heldBack`), and the results end.
    @Test func aShutdownEndsEveryTransferInFlightAsCancelled() async throws {
        let shutdown = ShutdownFlag()
        let arrival = OnArrival(count: 4)
        arrival.then { shutdown.set() }
        let server = try LoopbackHTTPServer { _ in
            arrival.arrived()
            return ServedResponse(text: "late", delay: Self.heldBack)
        }
        var settings = testSettings
        settings.timeout = 2 * Self.heldBack
        settings.connectTimeout = 30
        settings.lowSpeedSeconds = Int(2 * Self.heldBack)
        let requests = (1...4).map { FetchRequest(feed: "s\($0)", url: server.url("/s\($0)")) }
        let stream = FetchEngine(settings: settings).fetch(requests) { shutdown.isSet }
        var results: [String: FetchResult] = [:]
        for await result in stream { results[result.request.feed] = result }
        #expect(Set(results.keys) == Set(requests.map(\.feed)))
        for result in results.values {
            #expect(failure(result)?.kind == .cancelled, "\(result.request.feed): \(result.outcome)")
            #expect(failure(result)?.message == "\(result.request.url): cancelled by shutdown")
            // The transfer's own time: cut long before the server would have answered.
            #expect(result.milliseconds < Int(Self.heldBack * 1000))
        }
    }
}
