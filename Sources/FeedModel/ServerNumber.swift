/// Numbers a server controls (ttl, max-age, Retry-After, update frequencies), read so that no value,
/// however large, negative or long, can trap an arithmetic operation later: digits past Int's range
/// saturate, and every value is clamped into the range its caller names where it is parsed.
public enum ServerNumber {
    /// Ten years, in seconds: longer than any wait a scheduler acts on, small enough that adding it
    /// to any timestamp, or multiplying it by 1,000 for milliseconds, cannot overflow.
    public static let maxSeconds = 315_360_000

    /// Where digit accumulation stops; every range a caller passes lies well within it.
    private static let ceiling = Int.max / 100

    /// An optionally signed run of ASCII digits, saturated to Int's range then clamped to `range`;
    /// nil when the text is not a number at all.
    public static func integer<S: StringProtocol>(_ text: S, in range: ClosedRange<Int>) -> Int? {
        var digits = text.utf8[...]
        let negative = digits.first == UInt8(ascii: "-")
        if negative || digits.first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        guard !digits.isEmpty else { return nil }
        var value = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            // Past `ceiling` the clamped result can no longer change: further digits are ignored.
            if value < ceiling { value = value * 10 + Int(byte - UInt8(ascii: "0")) }
        }
        return min(max(negative ? -value : value, range.lowerBound), range.upperBound)
    }

    /// `value` clamped into `range` (for numbers that arrive already converted, e.g. from curl).
    public static func clamped(_ value: Int64, to range: ClosedRange<Int>) -> Int {
        Int(min(max(value, Int64(range.lowerBound)), Int64(range.upperBound)))
    }
}
