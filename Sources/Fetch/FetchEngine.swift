public import FeedModel
internal import Foundation
internal import Synchronization

/// Fetches batches of feeds over one libcurl multi handle on a thread of its own,
/// and hands back results as transfers finish.
public final class FetchEngine: Sendable {
    public let settings: FetchSettings

    public init(settings: FetchSettings) {
        self.settings = settings
    }

    /// Starts every request at once (within the concurrency limits); results arrive as they finish.
    /// Cancelling the consuming task, or dropping the stream, stops the transfers within a poll tick.
    /// `isCancelled` is polled between transfers' progress (at least every 200 ms): a shutdown
    /// that sets it stops every transfer in flight and ends the stream.
    public func fetch(_ requests: [FetchRequest],
                      isCancelled: @escaping @Sendable () -> Bool = { false }) -> AsyncStream<FetchResult> {
        let (stream, continuation) = AsyncStream.makeStream(of: FetchResult.self)
        let cancelled = CancellationFlag()
        continuation.onTermination = { _ in cancelled.set() }
        let settings = self.settings
        let thread = Thread {
            let multi = CurlMulti(settings: settings)
            multi.run(requests, isCancelled: { cancelled.isSet || isCancelled() }, deliver: { continuation.yield($0) })
            continuation.finish()
        }
        thread.name = "crawler-fetch"
        thread.start()
        return stream
    }

    /// Fetches everything and returns the results in request order. Convenient for small batches.
    public func fetchAll(_ requests: [FetchRequest]) async -> [FetchResult] {
        var byFeed: [String: FetchResult] = [:]
        for await result in fetch(requests) {
            byFeed[result.request.feed] = result
        }
        return requests.compactMap { byFeed[$0.feed] }
    }
}

/// A one-way flag shared between the consumer (which sets it) and the fetch thread (which polls it).
final class CancellationFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}
