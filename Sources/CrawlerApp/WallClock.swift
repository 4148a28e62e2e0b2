public import FeedModel
internal import Glibc

/// The current time as a `Timestamp`. The stages never read the clock themselves.
public enum WallClock {
    public static func now() -> Timestamp {
        Timestamp(secondsSince1970: Int64(time(nil)))
    }

    static func milliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }

    /// CPU time of the calling thread: what `parse_time_limit` measures, so that feeds read side
    /// by side on a busy machine are not cut for the time they waited for a core.
    static func threadCPUMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}

/// RFC 3339 UTC with milliseconds, for log lines: `2026-11-23T19:30:31.123Z`.
enum LogTime {
    static func now() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let fields = UTCDateFields(Timestamp(secondsSince1970: Int64(now.tv_sec)))
        let milliseconds = Int(now.tv_nsec / 1_000_000)
        return "\(fields.year)-\(pad(fields.month))-\(pad(fields.day))T\(pad(fields.hour)):\(pad(fields.minute)):"
            + "\(pad(fields.second)).\(milliseconds < 10 ? "00" : milliseconds < 100 ? "0" : "")\(milliseconds)Z"
    }

    private static func pad(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}

