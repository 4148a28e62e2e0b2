public import FeedModel

/// Feeds by the time they are next due: a binary min-heap, so the daemon finds what is due in
/// O(log n) per feed instead of scanning every feed every turn. Pure; the daemon owns the clock.
///
/// A feed is in the queue at most once: rescheduling or removing it leaves its old heap entry
/// behind, recognised as stale (its due time no longer matches) and dropped when it surfaces.
public struct DueQueue: Sendable {
    private struct Entry: Sendable {
        var due: Timestamp
        var feed: String
        /// Ties broken by insertion order, so feeds due in the same second keep first-come order.
        var order: UInt64
    }

    private var heap: [Entry] = []
    private var current: [String: (due: Timestamp, order: UInt64)] = [:]
    private var nextOrder: UInt64 = 0

    public init() {}

    /// Feeds scheduled.
    public var count: Int { current.count }
    public var isEmpty: Bool { current.isEmpty }

    /// When `feed` is due, if it is scheduled.
    public func due(_ feed: String) -> Timestamp? { current[feed]?.due }

    /// Every scheduled feed and its due time (for status and reloads; not ordered).
    public var schedule: [String: Timestamp] { current.mapValues(\.due) }

    /// Schedules `feed` at `due`, replacing any earlier time it had.
    public mutating func schedule(_ feed: String, at due: Timestamp) {
        let order = nextOrder
        nextOrder += 1
        current[feed] = (due, order)
        push(Entry(due: due, feed: feed, order: order))
        // Stale entries are dropped as they surface; rebuild if they come to dominate the heap.
        if heap.count > 2 * current.count + 64 { rebuild() }
    }

    public mutating func remove(_ feed: String) {
        current[feed] = nil
    }

    /// The earliest due time, if any feed is scheduled.
    public mutating func nextDue() -> Timestamp? {
        dropStale()
        return heap.first?.due
    }

    /// Removes and returns the feeds due at or before `now`, earliest first, at most `limit`.
    public mutating func popDue(at now: Timestamp, limit: Int = .max) -> [(feed: String, due: Timestamp)] {
        var due: [(feed: String, due: Timestamp)] = []
        while due.count < limit {
            dropStale()
            guard let first = heap.first, first.due <= now else { break }
            popFirst()
            current[first.feed] = nil
            due.append((first.feed, first.due))
        }
        return due
    }

    /// Feeds due at or before `now` (still queued).
    public func dueCount(at now: Timestamp) -> Int {
        current.values.reduce(0) { $0 + ($1.due <= now ? 1 : 0) }
    }

    private static func precedes(_ a: Entry, _ b: Entry) -> Bool {
        (a.due, a.order) < (b.due, b.order)
    }

    private func isStale(_ entry: Entry) -> Bool {
        guard let live = current[entry.feed] else { return true }
        return live.order != entry.order
    }

    private mutating func dropStale() {
        while let first = heap.first, isStale(first) { popFirst() }
    }

    private mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popFirst() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(from: 0)
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, Self.precedes(heap[left], heap[smallest]) { smallest = left }
            if right < heap.count, Self.precedes(heap[right], heap[smallest]) { smallest = right }
            guard smallest != parent else { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }

    private mutating func rebuild() {
        heap = heap.filter { !isStale($0) }
        for index in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(from: index) }
    }
}
