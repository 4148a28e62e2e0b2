public import FeedModel
internal import Synchronization

/// Fetches feeds over one libcurl multi handle on a thread of its own, and hands back results
/// as transfers finish: a batch at once (`fetch`), or requests as they come (`start`).
public final class FetchEngine: Sendable {
    public let settings: FetchSettings

    public init(settings: FetchSettings) {
        self.settings = settings
    }

    /// A session that takes requests until closed. `isCancelled` is polled at least once a
    /// second: once true, the transfers in flight stop (each reported as cancelled). Dropping
    /// the events' stream stops them at once.
    public func start(isCancelled: @escaping @Sendable () -> Bool = { false }) -> FetchSession {
        FetchSession(settings: settings, isCancelled: isCancelled)
    }

    /// Queues every request; they start as the global cap and each host's politeness allow, and
    /// results arrive as they finish. Cancelling the consuming task, or dropping the stream, wakes
    /// the engine at once and stops the transfers in flight (each reported as cancelled).
    /// `isCancelled` is also polled, at least once a second: a daemon's shutdown sets it.
    public func fetch(_ requests: [FetchRequest],
                      isCancelled: @escaping @Sendable () -> Bool = { false }) -> FetchResults {
        let session = start(isCancelled: isCancelled)
        session.submit(requests)
        session.close()
        return session.events
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
