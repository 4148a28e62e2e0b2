/// Notices when the engine's thread did not run for a stretch it did not ask for: the process
/// was stopped (SIGSTOP, a debugger, a frozen cgroup) or starved. libcurl's timers run on the
/// monotonic clock, which went on meanwhile, so on waking every transfer in flight has timed
/// out at once, through no fault of its server.
struct StallWatch {
    /// More than this beyond what a step was allowed (a poll's wait, else nothing) is a stall.
    static let threshold: Int64 = 3000
    private var last = MonotonicClock.milliseconds()
    private var allowed: Int64 = 0
    /// When the thread last woke from a stall (0 if it never stalled).
    private(set) var lastEnd: Int64 = 0

    /// Called between the loop's steps; `allowance` is how long the next step may take.
    mutating func mark(thenAllow allowance: Int64 = 0) {
        let now = MonotonicClock.milliseconds()
        if now - last - allowed > Self.threshold { lastEnd = now }
        last = now
        allowed = allowance
    }

    /// Whether a transfer started at `startedAt` lived through a stall.
    func stalled(since startedAt: Int64) -> Bool {
        lastEnd > startedAt
    }
}
