internal import FeedModel
internal import Schedule

/// Collects what a response and its document say about when to come back.
enum ServerHintsReader {
    /// `throttleOn403`: the feed's server answers its rate limit with 403, whose Retry-After is then believed.
    static func hints(from response: FetchResponse, feed: Feed?, now: Timestamp, throttleOn403: Bool = false) -> ServerHints {
        // The fetch stage already read the cache headers; here they become absolute times.
        var hints = ServerHints()
        hints.maxAge = response.cache.maxAge.map(Double.init)
        hints.expires = response.cache.expiresIn.map { now.adding(Double($0)) }
        // Believed on an answer that is no error, and on the errors that mean "slow down" (RFC 6585,
        // RFC 9110 10.2.3): a plain 403 or 500 with one is a failure, backed off as failures are,
        // as its message says.
        let believed = response.status < 400 || [429, 503].contains(response.status)
            || (response.status == 403 && throttleOn403)
        hints.retryAfter = believed ? response.cache.retryAfter.map { now.adding(Double(max(0, $0))) } : nil
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

    /// What the feed's own document asked, and the max-age of the answer that brought it, as kept
    /// in its state: `ttl=180;period=3600;skip_hours=1,2;skip_days=0,6;max_age=600`; nil when
    /// nothing was asked.
    static func stored(_ hints: ServerHints) -> String? {
        var parts: [String] = []
        if let ttl = hints.ttlMinutes { parts.append("ttl=\(ttl)") }
        if let period = hints.updatePeriod { parts.append("period=\(Int64(period))") }
        if !hints.skipHours.isEmpty { parts.append("skip_hours=" + hints.skipHours.sorted().map(String.init).joined(separator: ",")) }
        if !hints.skipDays.isEmpty { parts.append("skip_days=" + hints.skipDays.sorted().map(String.init).joined(separator: ",")) }
        if let maxAge = hints.maxAge { parts.append("max_age=\(Int64(maxAge))") }
        return parts.isEmpty ? nil : parts.joined(separator: ";")
    }

    /// The requests `stored` kept, into the hints of an answer without a new document. The
    /// max-age only for a 304 that says no freshness of its own: it confirms the answer that had
    /// it (RFC 9111, 4.3.4), where a 200 with the same body and no max-age says there is none.
    static func restore(_ text: String?, into hints: inout ServerHints, confirming: Bool) {
        for part in (text ?? "").split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let numbers = pair[1].split(separator: ",").compactMap { Int($0) }
            switch pair[0] {
            case "ttl": hints.ttlMinutes = numbers.first
            case "period": hints.updatePeriod = numbers.first.map(Double.init)
            case "skip_hours": hints.skipHours = Set(numbers.filter { (0..<24).contains($0) })
            case "skip_days": hints.skipDays = Set(numbers.filter { (0..<7).contains($0) })
            case "max_age" where confirming && hints.maxAge == nil && hints.expires == nil:
                hints.maxAge = numbers.first.map(Double.init)
            default: continue
            }
        }
    }

    /// Seconds between updates: the period divided by how often it updates within it.
    static func updatePeriod(_ period: String?, frequency: Int?) -> Double? {
        let seconds: [String: Double] = ["hourly": 3600, "daily": 86_400, "weekly": 604_800,
                                         "monthly": 2_592_000, "yearly": 31_536_000]
        guard let period, let length = seconds[period.lowercased()] else { return nil }
        return length / Double(max(1, frequency ?? 1))
    }
}
