internal import FeedModel
internal import Parse
internal import Schedule

/// Collects what a response and its document say about when to come back.
enum ServerHintsReader {
    static func hints(from response: FetchResponse, feed: Feed?, now: Timestamp) -> ServerHints {
        var hints = ServerHints()
        hints.maxAge = cacheControlMaxAge(response.headers["cache-control"])
        hints.expires = response.headers["expires"].flatMap(DateParser.parse)
        hints.retryAfter = retryAfter(response.headers["retry-after"], now: now)
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

    /// `max-age=N` (ignored with no-cache/no-store, which ask for revalidation, not a wait).
    static func cacheControlMaxAge(_ value: String?) -> Double? {
        guard let value else { return nil }
        let directives = value.lowercased().split(separator: ",").map { $0.trimmingCharacters(in: [" "]) }
        if directives.contains("no-cache") || directives.contains("no-store") { return nil }
        for directive in directives where directive.hasPrefix("max-age=") {
            return Double(directive.dropFirst("max-age=".count)).flatMap { $0 > 0 ? $0 : nil }
        }
        return nil
    }

    /// Retry-After as delay-seconds or an HTTP date.
    static func retryAfter(_ value: String?, now: Timestamp) -> Timestamp? {
        guard let value = value?.trimmingCharacters(in: [" "]), !value.isEmpty else { return nil }
        if let seconds = Int64(value) { return Timestamp(secondsSince1970: now.secondsSince1970 + max(0, seconds)) }
        return DateParser.parse(value)
    }
}

extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop(while: { set.contains($0) }).reversed().drop(while: { set.contains($0) }).reversed())
    }
}

extension Substring {
    func trimmingCharacters(in set: Set<Character>) -> String {
        String(self).trimmingCharacters(in: set)
    }
}
