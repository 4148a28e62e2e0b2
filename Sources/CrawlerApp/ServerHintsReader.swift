internal import FeedModel
internal import Schedule

/// Collects what a response and its document say about when to come back.
enum ServerHintsReader {
    static func hints(from response: FetchResponse, feed: Feed?, now: Timestamp) -> ServerHints {
        // The fetch stage already read the cache headers; here they become absolute times.
        var hints = ServerHints()
        hints.maxAge = response.cache.maxAge.map(Double.init)
        hints.expires = response.cache.expiresIn.map { now.adding(Double($0)) }
        hints.retryAfter = response.cache.retryAfter.map { now.adding(Double(max(0, $0))) }
        if let feed { add(feed, to: &hints) }
        return hints
    }

    /// What the document itself says: <ttl>, sy:updatePeriod/updateFrequency, skipHours/skipDays.
    static func add(_ feed: Feed, to hints: inout ServerHints) {
        hints.ttlMinutes = feed.ttlMinutes
        hints.updatePeriod = updatePeriod(feed.updatePeriod, frequency: feed.updateFrequency)
        hints.skipHours = Set(feed.skipHours.filter { (0..<24).contains($0) })
        let days = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
        hints.skipDays = Set(feed.skipDays.compactMap { days.firstIndex(of: $0.lowercased()) })
    }

    /// Seconds between updates: the period divided by how often it updates within it.
    static func updatePeriod(_ period: String?, frequency: Int?) -> Double? {
        let seconds: [String: Double] = ["hourly": 3600, "daily": 86_400, "weekly": 604_800,
                                         "monthly": 2_592_000, "yearly": 31_536_000]
        guard let period, let length = seconds[period.lowercased()] else { return nil }
        return length / Double(max(1, frequency ?? 1))
    }
}
