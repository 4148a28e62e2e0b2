public import FeedModel
internal import Synchronization

/// The results of a batch or session, in the order transfers finish. The engine starts no new transfer while
/// `FetchSettings.maxBacklog` results wait unread, or while the bytes of bodies handed over and
/// not yet released, plus those of the transfers in flight, reach `maxBacklogBytes`: so a slow
/// consumer (parse, store) holds a bounded amount of memory instead of every body of the batch.
public struct FetchResults: AsyncSequence, Sendable {
    public typealias Element = FetchResult
    let stream: AsyncStream<Delivery>
    let backlog: Backlog
    let tickPending: TickFlag

    /// The consumer is done with `bytes` of a result's `heldBytes` (or of memory it counted in
    /// their place with `hold`). Every held byte must be released, or the engine stops starting.
    public func release(_ bytes: Int) {
        backlog.released(bytes)
    }

    /// The consumer holds `bytes` more on a result's account (its documents, say).
    public func hold(_ bytes: Int) {
        backlog.added(bytes: bytes, counted: false)
    }

    /// True while what is held reaches `maxBacklogBytes`: no transfer starts until some is released.
    public var isOverByteLimit: Bool { backlog.isOverByteLimit }

    public func makeAsyncIterator() -> Iterator {
        Iterator(events: makeEventIterator())
    }

    /// Results and ticks (`FetchSession.tick`), for a consumer that also keeps time.
    public func makeEventIterator() -> EventIterator {
        EventIterator(base: stream.makeAsyncIterator(), backlog: backlog, tickPending: tickPending)
    }

    public struct Iterator: AsyncIteratorProtocol {
        var events: EventIterator

        public mutating func next() async -> FetchResult? {
            while let event = await events.next() {
                if case .result(let result) = event { return result }
            }
            return nil
        }
    }

    /// Hands out the results of a delivery one at a time; each counts as read when handed out,
    /// and is let go of then (a result holds its body).
    public struct EventIterator: AsyncIteratorProtocol {
        var base: AsyncStream<Delivery>.Iterator
        let backlog: Backlog
        let tickPending: TickFlag
        /// The rest of the last delivery, last first.
        var waiting: [FetchResult] = []

        init(base: AsyncStream<Delivery>.Iterator, backlog: Backlog, tickPending: TickFlag) {
            self.base = base
            self.backlog = backlog
            self.tickPending = tickPending
        }

        public mutating func next() async -> FetchEvent? {
            while waiting.isEmpty {
                switch await base.next() {
                case .results(let results)?: waiting = results.reversed()
                case .tick?:
                    tickPending.lower()
                    return .tick
                case nil: return nil
                }
            }
            backlog.taken()
            return .result(waiting.removeLast())
        }
    }
}

/// Results handed over but not yet read; shared by the engine thread (which adds) and the consumer.
final class Backlog: Sendable {
    private let count = Atomic<Int>(0)
    private let bytes = Atomic<Int>(0)
    private let limit: Int
    private let byteLimit: Int
    private let waker: CurlWaker

    init(limit: Int, byteLimit: Int, waker: CurlWaker) {
        self.limit = max(1, limit)
        self.byteLimit = max(1, byteLimit)
        self.waker = waker
    }

    func isFull(inFlightBytes: Int) -> Bool {
        count.load(ordering: .acquiring) >= limit || bytes.load(ordering: .acquiring) + inFlightBytes >= byteLimit
    }

    var isOverByteLimit: Bool { bytes.load(ordering: .acquiring) >= byteLimit }

    /// A result handed over (`counted`: one more waits unread), holding `bytes`.
    func added(bytes held: Int, counted: Bool = true) {
        if counted { count.add(1, ordering: .acquiringAndReleasing) }
        if held > 0 { bytes.add(held, ordering: .acquiringAndReleasing) }
    }

    /// Wakes the engine when this release made room.
    func released(_ held: Int) {
        guard held > 0 else { return }
        let before = bytes.subtract(held, ordering: .acquiringAndReleasing).oldValue
        if before >= byteLimit, before - held < byteLimit { waker.wake() }
    }

    /// Wakes the engine when this read made room, so waiting transfers start without a poll timeout.
    func taken() {
        let before = count.subtract(1, ordering: .acquiringAndReleasing).oldValue
        if before == limit { waker.wake() }
    }
}
