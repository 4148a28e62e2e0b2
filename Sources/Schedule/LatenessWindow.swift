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

    /// The sample at `fraction` (0.5: the median) of the sorted window and `open` (waits still
    /// going on, as long as they are now), by nearest rank; 0 when both are empty.
    public func percentile(_ fraction: Double, including open: [Int64] = []) -> Int64 {
        guard !samples.isEmpty || !open.isEmpty else { return 0 }
        let sorted = (samples + open.map { max(0, $0) }).sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(sorted.count - 1, max(0, rank))]
    }
}
