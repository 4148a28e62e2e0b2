internal import FeedModel

/// Busy feeds are polled more often and quiet ones less, within the operator's bounds.
enum AdaptiveRate {
    static func next(previous: Double, outcome: FetchOutcome, bounds: PollBounds) -> (interval: Double, reason: String) {
        switch outcome {
        case .updated(let newItems) where newItems > 0:
            let interval = max(bounds.minimum, previous * 0.75)
            return (interval, "adaptive: \(newItems) new, poll sooner: \(Duration.words(interval))")
        default:
            let interval = min(bounds.maximum, previous * 1.25)
            return (interval, "adaptive: nothing new, poll later: \(Duration.words(interval))")
        }
    }
}

/// RSS skipHours/skipDays: times (UTC) the publisher asks aggregators not to poll.
enum SkipWindows {
    /// The first whole hour at or after `time` that is not skipped; nil when everything is skipped.
    static func firstAllowed(from time: Timestamp, hours: Set<Int>, days: Set<Int>) -> Timestamp? {
        guard !hours.isEmpty || !days.isEmpty else { return time }
        var candidate = time
        for _ in 0..<(24 * 8) {
            let fields = UTCDateFields(candidate)
            if !hours.contains(fields.hour) && !days.contains(fields.weekday) { return candidate }
            // Jump to the start of the next hour.
            candidate = Timestamp(secondsSince1970: (candidate.secondsSince1970 / 3600 + 1) * 3600)
        }
        return nil
    }
}


/// Durations in words for logs: `45s`, `15m`, `2h30m`, `3d`.
enum Duration {
    static func words(_ seconds: Double) -> String {
        let total = seconds.isNaN ? 0 : Int(min(max(seconds, -1e15), 1e15).rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return total % 60 == 0 ? "\(total / 60)m" : "\(total / 60)m\(total % 60)s" }
        if total < 86_400 { return (total % 3600) / 60 == 0 ? "\(total / 3600)h" : "\(total / 3600)h\((total % 3600) / 60)m" }
        return (total % 86_400) / 3600 == 0 ? "\(total / 86_400)d" : "\(total / 86_400)d\((total % 86_400) / 3600)h"
    }
}
