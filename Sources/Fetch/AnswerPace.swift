/// `low_speed_limit` for `low_speed_time`, counted from the status line of the server's answer:
/// the wait for it is `timeout:`'s. libcurl's own check counts from the request, so a feed
/// generated on demand (25 s to its first byte) failed as "too slow" whatever `timeout:` said
/// (round 64). Each window of `low_speed_time` from then on must bring `low_speed_limit` × its
/// seconds in bytes (headers and body); a window spent paused (the engine holding the body back
/// for memory) is not the server's and starts again.
struct AnswerPace {
    let bytesPerSecond: Int
    let windowMilliseconds: Int64
    private var windowStart: Int64?
    private var bytesAtWindowStart = 0
    private var received = 0

    init(bytesPerSecond: Int, seconds: Int) {
        self.bytesPerSecond = bytesPerSecond
        windowMilliseconds = Int64(max(1, seconds)) * 1000
    }

    /// A status line arrived: the clock starts, unless it runs already.
    mutating func begin(at now: Int64) {
        if windowStart == nil {
            windowStart = now
            bytesAtWindowStart = received
        }
    }

    /// A header block that another answer follows (1xx, a redirect, a proxy's reply) ended: the
    /// next one's status line starts the clock again.
    mutating func stop() {
        windowStart = nil
    }

    mutating func count(_ bytes: Int) {
        received += bytes
    }

    /// True when the window just ended brought too little.
    mutating func isTooSlow(at now: Int64, paused: Bool) -> Bool {
        guard let start = windowStart, bytesPerSecond > 0 else { return false }
        guard paused || now - start >= windowMilliseconds else { return false }
        let slow = !paused && Int64(received - bytesAtWindowStart) < Int64(bytesPerSecond) * windowMilliseconds / 1000
        windowStart = now
        bytesAtWindowStart = received
        return slow
    }

    /// For the message: what was asked, as feeds.yaml says it.
    var words: String { "under \(bytesPerSecond) bytes/s for \(windowMilliseconds / 1000) s once the server began to answer" }
}
