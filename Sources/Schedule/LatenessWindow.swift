/// How late the last fetches started (due → transfer started), kept as the most recent
/// `capacity` samples so the daemon can tell its queue's health in percentiles. Pure.
public struct LatenessWindow: Sendable {
    public let capacity: Int
    private var samples: [Int64] = []
    private var next = 0

    public init(capacity: Int = 2048) {
        self.capacity = max(1, capacity)
    }

    public var count: Int { samples.count }

    public mutating func add(milliseconds: Int64) {
        if samples.count < capacity {
            samples.append(max(0, milliseconds))
        } else {
            samples[next] = max(0, milliseconds)
        }
        next = (next + 1) % capacity
    }

    /// The sample at `fraction` (0.5: the median) of the sorted window, by nearest rank; 0 when empty.
    public func percentile(_ fraction: Double) -> Int64 {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(sorted.count - 1, max(0, rank))]
    }
}
