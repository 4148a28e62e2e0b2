public import FeedModel

/// The decision for one feed after one fetch.
public struct NextCheck: Sendable, Hashable {
    /// When to fetch again; nil: never (gone) until the configuration changes.
    public var due: Timestamp?
    /// The interval the adaptive rule settled on, to remember for next time.
    public var adaptiveInterval: Double?
    /// Why, in words an operator reads in `crawler explain` and the logs.
    public var reason: String
}

/// Decides when a feed is due again. See README "Scheduling" for the rule in prose.
public enum SchedulePolicy {
    /// Why a feed is due when its configured interval alone decides.
    public static func configuredIntervalReason(_ seconds: Double) -> String {
        "configured interval \(Duration.words(seconds))"
    }

    /// - Parameters:
    ///   - consecutiveErrors: failures in a row including this fetch's, if it failed.
    ///   - previousAdaptive: the adaptive interval remembered from the last decision.
    ///   - jitter: a number in 0..<1 from the caller's random source; spreads feeds apart.
    public static func next(after outcome: FetchOutcome, at now: Timestamp, bounds: PollBounds,
                            hints: ServerHints, consecutiveErrors: Int, previousAdaptive: Double?,
                            jitter: Double) -> NextCheck {
        switch outcome {
        case .gone:
            return NextCheck(due: nil, adaptiveInterval: nil, reason: "410 Gone: not polled until its url: changes (or once --force)")
        case .failed:
            return afterFailure(at: now, bounds: bounds, hints: hints, errors: max(1, consecutiveErrors),
                                previousAdaptive: previousAdaptive, jitter: jitter)
        case .deferred:
            return afterDeferral(at: now, bounds: bounds, hints: hints, previousAdaptive: previousAdaptive,
                                 jitter: jitter)
        case .updated, .unchanged:
            return afterSuccess(outcome, at: now, bounds: bounds, hints: hints, previousAdaptive: previousAdaptive,
                                jitter: jitter)
        }
    }

    private static func afterFailure(at now: Timestamp, bounds: PollBounds, hints: ServerHints, errors: Int,
                                     previousAdaptive: Double?, jitter: Double) -> NextCheck {
        // Start from a short retry, doubling per failure: a blip is retried soon, an outage rarely.
        let base = min(bounds.interval, 300)
        let backoff = min(bounds.maxBackoff, base * pow2(errors - 1))
        // ±10%, but never past max_backoff (round 58: 6h36m under the 6h cap): at the cap the
        // spread lies below it.
        let wait = min(backoff * (0.9 + 0.2 * jitter), bounds.maxBackoff * (0.9 + 0.1 * jitter))
        var reason = "failure \(errors) in a row: back off \(Duration.words(wait))"
        if errors >= bounds.failingAfter { reason += " (failing)" }
        var due = now.adding(wait)
        if let retryAfter = hints.retryAfter, retryAfter > due {
            let asked = retryAfter.seconds(since: now)
            due = now.adding(min(asked, bounds.maxBackoff))
            reason = "failure \(errors) in a row: server asked to retry after \(Duration.words(asked))"
            if asked > bounds.maxBackoff { reason += ", capped at max_backoff \(Duration.words(bounds.maxBackoff))" }
        }
        return NextCheck(due: due, adaptiveInterval: previousAdaptive, reason: reason)
    }

    /// Not the feed's failure: it waits for its host (its Retry-After, or a first failure's short
    /// retry when the host named no time), spread a little so the host's feeds do not return at once.
    /// Like a failure's, the wait a server asks for is held to `max_backoff`: no answer of one
    /// server stops a feed for years.
    private static func afterDeferral(at now: Timestamp, bounds: PollBounds, hints: ServerHints,
                                      previousAdaptive: Double?, jitter: Double) -> NextCheck {
        let spread = min(bounds.interval, 300) * 0.2 * jitter
        let asked = hints.retryAfter.map { $0.seconds(since: now) } ?? min(bounds.interval, 300)
        let wait = min(max(asked, 0), bounds.maxBackoff) + spread
        return NextCheck(due: now.adding(wait), adaptiveInterval: previousAdaptive,
                         reason: "not fetched: its host asked every client to wait; retry in \(Duration.words(wait))")
    }

    private static func afterSuccess(_ outcome: FetchOutcome, at now: Timestamp, bounds: PollBounds,
                                     hints: ServerHints, previousAdaptive: Double?, jitter: Double) -> NextCheck {
        var interval = bounds.interval
        var reason = configuredIntervalReason(interval)
        var adaptive: Double?
        if bounds.adaptive {
            // The configured interval is where adapting starts, within the bounds (`interval: 2d`
            // under `max_interval: 1d` waited 2d first).
            let start = min(max(bounds.interval, bounds.minimum), bounds.maximum)
            let adapted = AdaptiveRate.next(previous: previousAdaptive ?? start, outcome: outcome, bounds: bounds)
            adaptive = adapted.interval
            interval = adapted.interval
            reason = adapted.reason
        }
        // The jitter spreads feeds fetched together, but never before the time a server asked for
        // (round 64: a `<ttl>` of 2m was polled after 114 s): when that time decides, all of the
        // spread comes after it; a time asked just under the interval holds the jittered wait.
        var spread = 0.95 + 0.1 * jitter
        var floor = 0.0
        if let (asked, source) = serverFloor(hints, now: now) {
            floor = min(asked, bounds.maximum)
            if asked > interval {
                interval = floor
                if asked <= bounds.maximum { spread = 1 + 0.1 * jitter }
                reason = "\(source) asks for at least \(Duration.words(asked))"
                    + (asked > bounds.maximum ? ", capped at max \(Duration.words(bounds.maximum))" : "")
            }
        }
        // Never past the cap's own jitter (asked exactly the cap, the spread after it went to 1.1×).
        var due = now.adding(max(min(interval * spread, bounds.maximum * 1.05), floor))
        if let moved = SkipWindows.firstAllowed(from: due, hours: hints.skipHours, days: hints.skipDays), moved != due {
            due = moved
            reason += "; moved past skipHours/skipDays"
        }
        return NextCheck(due: due, adaptiveInterval: adaptive, reason: reason)
    }

    /// The longest wait any server hint asks for, and which hint it is.
    static func serverFloor(_ hints: ServerHints, now: Timestamp) -> (Double, String)? {
        var candidates: [(Double, String)] = []
        if let maxAge = hints.maxAge { candidates.append((maxAge, "Cache-Control max-age")) }
        if let expires = hints.expires {
            candidates.append((expires.seconds(since: now), "Expires"))
        }
        if let ttl = hints.ttlMinutes { candidates.append((Double(ttl) * 60, "the feed's <ttl>")) }
        if let period = hints.updatePeriod { candidates.append((period, "sy:updatePeriod")) }
        return candidates.max { $0.0 < $1.0 }
    }

    static func pow2(_ exponent: Int) -> Double {
        exponent <= 0 ? 1 : Double(1 << min(exponent, 30))
    }
}

extension Timestamp {
    /// The difference in Double, which cannot overflow for any two timestamps.
    func seconds(since earlier: Timestamp) -> Double {
        Double(secondsSince1970) - Double(earlier.secondsSince1970)
    }

    /// Saturates instead of trapping: a delay is clamped to ±ten years before it is added, so no
    /// server-supplied number (or NaN from a division by one) can overflow the timestamp.
    public func adding(_ seconds: Double) -> Timestamp {
        let limit = Double(ServerNumber.maxSeconds)
        let delay = seconds.isNaN ? 0 : min(max(seconds, -limit), limit)
        let (sum, overflow) = secondsSince1970.addingReportingOverflow(Int64(delay.rounded()))
        return Timestamp(secondsSince1970: overflow ? (delay > 0 ? .max : .min) : sum)
    }
}
