import CrawlerTestKit
import FeedModel
import Fetch
import Testing

/// The engine's backlog in bytes: bodies handed over and not yet released hold back new transfers.
@Suite struct BacklogBytesTests {
    @Test func noTransferStartsWhileTheBytesHandedOverExceedTheBoundAndOneStartsOnceReleased() async throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(body: Array(repeating: UInt8(ascii: "x"), count: 100_000)) }
        var settings = FetchSettings(userAgent: "crawler-test/1", timeout: 5, connectTimeout: 1, maxBodyBytes: 1 << 20,
                                     concurrency: 1)
        settings.maxBacklogBytes = 50_000
        let requests = (0..<3).map { FetchRequest(feed: "f\($0)", url: server.url("/f\($0)")) }
        let results = FetchEngine(settings: settings).fetch(requests)
        var iterator = results.makeAsyncIterator()
        let first = try #require(await iterator.next())
        #expect(first.heldBytes == 100_000)
        #expect(results.isOverByteLimit)
        // Held, not released: the engine waits however long the consumer takes.
        try await Task.sleep(for: .milliseconds(600))
        #expect(server.requests.count == 1)
        results.release(first.heldBytes)
        let second = try #require(await iterator.next())
        #expect(second.heldBytes == 100_000)
        #expect(server.requests.count == 2)
        results.release(second.heldBytes)
        #expect(await iterator.next() != nil)
        #expect(await iterator.next() == nil)
    }
}
