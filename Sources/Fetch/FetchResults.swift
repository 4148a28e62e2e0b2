public import FeedModel
internal import Synchronization

/// The results of one batch, in the order transfers finish. The engine starts no new transfer while
/// `FetchSettings.maxBacklog` results wait unread, so a slow consumer (parse, store) holds a bounded
/// number of bodies in memory instead of every body of the batch.
public struct FetchResults: AsyncSequence, Sendable {
    public typealias Element = FetchResult
    let stream: AsyncStream<FetchResult>
    let backlog: Backlog

    public func makeAsyncIterator() -> Iterator {
        Iterator(base: stream.makeAsyncIterator(), backlog: backlog)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var base: AsyncStream<FetchResult>.Iterator
        let backlog: Backlog

        public mutating func next() async -> FetchResult? {
            let result = await base.next()
            if result != nil { backlog.taken() }
            return result
        }
    }
}

/// Results handed over but not yet read; shared by the engine thread (which adds) and the consumer.
final class Backlog: Sendable {
    private let count = Atomic<Int>(0)
    private let limit: Int
    private let waker: CurlWaker

    init(limit: Int, waker: CurlWaker) {
        self.limit = max(1, limit)
        self.waker = waker
    }

    var isFull: Bool { count.load(ordering: .acquiring) >= limit }

    func added() {
        count.add(1, ordering: .acquiringAndReleasing)
    }

    /// Wakes the engine when this read made room, so waiting transfers start without a poll timeout.
    func taken() {
        let before = count.subtract(1, ordering: .acquiringAndReleasing).oldValue
        if before == limit { waker.wake() }
    }
}
