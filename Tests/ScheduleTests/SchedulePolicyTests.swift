import FeedModel
import Schedule
import Testing

@Suite struct SchedulePolicyTests {
    let now = Timestamp(year: 2022, month: 2, day: 16, hour: 10)!  // a Wednesday
    let bounds = PollBounds(interval: 1800)

    private func next(_ outcome: FetchOutcome, hints: ServerHints = ServerHints(), errors: Int = 0,
                      bounds: PollBounds? = nil, previous: Double? = nil, jitter: Double = 0.5) -> NextCheck {
        SchedulePolicy.next(after: outcome, at: now, bounds: bounds ?? self.bounds, hints: hints,
                            consecutiveErrors: errors, previousAdaptive: previous, jitter: jitter)
    }

    private func wait(_ check: NextCheck) -> Int64? {
        check.due.map { $0.secondsSince1970 - now.secondsSince1970 }
    }

    @Test func pollsAtTheConfiguredIntervalWithJitter() {
        #expect(wait(next(.unchanged, jitter: 0.5)) == 1800)
        #expect(wait(next(.unchanged, jitter: 0)) == 1710)
        #expect(wait(next(.unchanged, jitter: 0.999))! <= 1890)
        #expect(next(.unchanged).reason == "configured interval 30m")
    }

    @Test func neverPollsMoreOftenThanTheServerAsks() {
        let check = next(.updated(newItems: 1), hints: ServerHints(maxAge: 3600, ttlMinutes: 45), jitter: 0)
        #expect(wait(check) == 3600)
        #expect(check.reason == "Cache-Control max-age asks for at least 1h")
        #expect(wait(next(.unchanged, hints: ServerHints(ttlMinutes: 120), jitter: 0)) == 7200)
        #expect(wait(next(.unchanged, hints: ServerHints(maxAge: 60)))  == 1800)
        // Round 64: the jitter took up to 5% off the time the server asked for; the spread is after it.
        for jitter in [0, 0.25, 0.5, 0.75, 0.999] {
            let ttl = wait(next(.unchanged, hints: ServerHints(ttlMinutes: 45), jitter: jitter))!
            #expect(ttl >= 2700 && ttl <= 2970, "\(jitter): \(ttl)")
            let asked = wait(next(.unchanged, hints: ServerHints(maxAge: 3600), jitter: jitter))!
            #expect(asked >= 3600 && asked <= 3960, "\(jitter): \(asked)")
            #expect(wait(next(.unchanged, hints: ServerHints(maxAge: 1750), jitter: jitter))! >= 1750)
        }
    }

    @Test func capsServerHintsAtTheMaximum() {
        let check = next(.unchanged, hints: ServerHints(maxAge: 365 * 86_400))
        #expect(wait(check) == 86_400)
        #expect(check.reason.contains("capped at max 1d"))
    }

    @Test func backsOffExponentiallyUpToTheCap() {
        #expect(wait(next(.failed, errors: 1)) == 300)
        #expect(wait(next(.failed, errors: 2)) == 600)
        #expect(wait(next(.failed, errors: 3)) == 1200)
        // At the cap the ±10% lies below it (round 58: 6h36m under the 6h cap).
        #expect(wait(next(.failed, errors: 30)) == 20_520)
        #expect(wait(next(.failed, errors: 30, jitter: 0.9999))! <= 21_600)
        #expect(wait(next(.failed, errors: 30, jitter: 0))! == 19_440)
        #expect(wait(next(.failed, errors: 7, jitter: 0.9999))! <= 21_600)
        #expect(next(.failed, errors: 5).reason.hasSuffix("(failing)"))
        #expect(!next(.failed, errors: 4).reason.contains("failing"))
    }

    @Test func retryAfterWinsOverBackoff() {
        let later = Timestamp(secondsSince1970: now.secondsSince1970 + 7200)
        let check = next(.failed, hints: ServerHints(retryAfter: later), errors: 1)
        #expect(check.due == later)
        #expect(check.reason.contains("retry after 2h"))
    }

    /// Held back by its host: it waits for the host's time, or a first failure's short retry when
    /// the host named none, whatever its own failures in a row; spread by up to a fifth of that retry.
    @Test func aDeferredFeedWaitsForItsHostNotForItsBackoff() {
        let later = Timestamp(secondsSince1970: now.secondsSince1970 + 120)
        let held = next(.deferred, hints: ServerHints(retryAfter: later), errors: 6, jitter: 0)
        #expect(held.due == later)
        #expect(held.reason.hasPrefix("not fetched: its host asked every client to wait"), "\(held.reason)")
        #expect(wait(next(.deferred, errors: 6, jitter: 0)) == 300)
        #expect(wait(next(.deferred, errors: 6, jitter: 0.999))! <= 360)
    }

    @Test func aGoneFeedIsNeverDue() {
        #expect(next(.gone).due == nil)
    }

    @Test func adaptivePollingFollowsTheFeedWithinBounds() {
        let adaptive = PollBounds(interval: 1800, minimum: 600, maximum: 7200, adaptive: true)
        let busy = next(.updated(newItems: 3), bounds: adaptive, previous: 1800)
        #expect(busy.adaptiveInterval == 1350)
        #expect(next(.updated(newItems: 3), bounds: adaptive, previous: 700).adaptiveInterval == 600)
        let quiet = next(.unchanged, bounds: adaptive, previous: 7000)
        #expect(quiet.adaptiveInterval == 7200)
        #expect(quiet.reason.hasPrefix("adaptive: nothing new"))
        // The first adapting starts from the interval held within the bounds.
        let above = PollBounds(interval: 2 * 86_400, maximum: 86_400, adaptive: true)
        #expect(next(.updated(newItems: 1), bounds: above, previous: nil).adaptiveInterval == 64_800)
        #expect(next(.unchanged, bounds: above, previous: nil).adaptiveInterval == 86_400)
    }

    @Test func skipsTheHoursAndDaysThePublisherAsks() {
        // Due at 10:30 on a Wednesday; hours 10 and 11 skipped → 12:00.
        let check = next(.unchanged, hints: ServerHints(skipHours: [10, 11]))
        #expect(check.due == Timestamp(year: 2022, month: 2, day: 16, hour: 12))
        // Wednesday (3) skipped entirely → Thursday 00:00.
        #expect(next(.unchanged, hints: ServerHints(skipDays: [3])).due == Timestamp(year: 2022, month: 2, day: 17))
    }
}

/// Hints at the edges of their types decide a schedule instead of trapping.
@Suite struct ScheduleExtremesTests {
    let now = Timestamp(year: 2022, month: 2, day: 16, hour: 10)!

    private func due(_ outcome: FetchOutcome, _ hints: ServerHints) -> Timestamp? {
        SchedulePolicy.next(after: outcome, at: now, bounds: PollBounds(interval: 1800), hints: hints,
                            consecutiveErrors: 1, previousAdaptive: nil, jitter: 0.5).due
    }

    @Test func extremeHintsAreCappedAtADay() {
        let extremes = [ServerHints(maxAge: .greatestFiniteMagnitude), ServerHints(maxAge: .infinity),
                        ServerHints(maxAge: .nan), ServerHints(maxAge: -.infinity),
                        ServerHints(expires: Timestamp(secondsSince1970: .max)),
                        ServerHints(expires: Timestamp(secondsSince1970: .min)),
                        ServerHints(ttlMinutes: .max), ServerHints(ttlMinutes: .min)]
        for hints in extremes {
            let wait = due(.unchanged, hints).map { $0.secondsSince1970 - now.secondsSince1970 }
            #expect(wait.map { (1710...86_400).contains($0) } == true, "\(hints)")
        }
    }

    @Test func anExtremeRetryAfterSaturates() {
        for seconds in [Int64.max, Int64.min] {
            let hints = ServerHints(retryAfter: Timestamp(secondsSince1970: seconds))
            #expect(due(.failed, hints) != nil)
        }
        #expect(now.adding(.greatestFiniteMagnitude) > now)
        #expect(now.adding(-.infinity) < now)
        #expect(Timestamp(secondsSince1970: .max).adding(1e9).secondsSinceEpochIsMax)
    }
}

private extension Timestamp {
    var secondsSinceEpochIsMax: Bool { secondsSince1970 == .max }
}

@Suite struct ServerNumberTests {
    @Test func digitsSaturateAndClamp() {
        #expect(ServerNumber.integer("9223372036854775807", in: 0...100) == 100)
        #expect(ServerNumber.integer("99999999999999999999999999999", in: 0...100) == 100)
        #expect(ServerNumber.integer("-9223372036854775808", in: 0...100) == 0)
        #expect(ServerNumber.integer("-5", in: -10...10) == -5)
        #expect(ServerNumber.integer("+42", in: 0...100) == 42)
        #expect(ServerNumber.integer("", in: 0...100) == nil)
        #expect(ServerNumber.integer("-", in: 0...100) == nil)
        #expect(ServerNumber.integer("12a", in: 0...100) == nil)
        #expect(ServerNumber.clamped(.max, to: 0...100) == 100)
        #expect(ServerNumber.clamped(.min, to: 0...100) == 0)
    }
}
