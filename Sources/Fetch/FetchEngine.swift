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

    /// Queues every request; they start as the global cap and each host's politeness allow, and
    /// results arrive as they finish. Cancelling the consuming task, or dropping the stream, wakes
    /// the engine at once and stops the transfers in flight (each reported as cancelled).
    /// `isCancelled` is also polled, at least once a second: a daemon's shutdown sets it.
    public func fetch(_ requests: [FetchRequest],
                      isCancelled: @escaping @Sendable () -> Bool = { false }) -> FetchResults {
        let (stream, continuation) = AsyncStream.makeStream(of: FetchResult.self)
        let cancelled = CancellationFlag()
        let waker = CurlWaker()
        let backlog = Backlog(limit: settings.maxBacklog, byteLimit: settings.maxBacklogBytes, waker: waker)
        continuation.onTermination = { _ in
            cancelled.set()
            waker.wake()
        }
        let settings = self.settings
        let thread = Thread {
            if let multi = CurlMulti(settings: settings, waker: waker) {
                multi.run(requests, isCancelled: { cancelled.isSet || isCancelled() },
                          backlogIsFull: { backlog.isFull(inFlightBytes: $0) }) {
                    backlog.added(bytes: $0.heldBytes)
                    continuation.yield($0)
                }
            } else {
                for request in requests {
                    continuation.yield(.failed(request, .other, "libcurl could not create a multi handle"))
                }
            }
            continuation.finish()
        }
        thread.name = "crawler-fetch"
        thread.start()
        return FetchResults(stream: stream, backlog: backlog)
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
