internal import FeedModel

/// Parses operator-friendly durations and sizes: `250ms`, `45s`, `15m`, `2h`, `1d`, `1h30m`; `512KB`, `32MB`.
enum DurationParser {
    /// The longest duration and the largest size feeds.yaml takes: far beyond any use, and well
    /// inside the integers (milliseconds, microseconds, bytes) the values become.
    static let maximumSeconds = 36_500 * 86_400.0
    static let maximumSecondsText = "36500d (100 years)"
    /// The longest wait the scheduler acts on: `Timestamp.adding` holds every delay to ten years.
    static let longestWait = Double(ServerNumber.maxSeconds)
    static let longestWaitText = "3650d (ten years), the longest wait the scheduler keeps"
    static let maximumBytes = Double(1 << 40)
    static let maximumBytesText = "1TB"

    /// Seconds, or nil when the text is not a positive duration of at most `maximumSeconds`.
    static func seconds(_ text: String, allowZero: Bool = false) -> Double? {
        unboundedSeconds(text, allowZero: allowZero).flatMap { $0 <= maximumSeconds ? $0 : nil }
    }

    /// Seconds, whatever their number, or nil when the text is not a positive duration. Units are
    /// lowercase (`5M` read as minutes could have meant months), each written once, largest first
    /// (`1h30m1h` is a slip, not two and a half hours).
    static func unboundedSeconds(_ text: String, allowZero: Bool = false) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]
        var total = 0.0
        var number = ""
        var sawUnit = false
        var lastUnit = Double.infinity
        let characters = Array(text.trimmingSpaces())
        var index = 0
        while index < characters.count {
            let character = characters[index]
            index += 1
            if character.isNumber || character == "." {
                number.append(character)
            } else if var unit = units[character], let value = Double(number) {
                // "ms": milliseconds, for time limits well under a second.
                if character == "m", index < characters.count, characters[index] == "s" {
                    unit = 0.001
                    index += 1
                }
                guard unit < lastUnit else { return nil }
                lastUnit = unit
                total += value * unit
                number = ""
                sawUnit = true
            } else {
                return nil
            }
        }
        // A bare number is seconds; a trailing number after units ("1h30") is ambiguous.
        if !number.isEmpty {
            guard !sawUnit, let value = Double(number) else { return nil }
            total += value
        }
        guard total.isFinite else { return nil }
        return total > 0 || (allowZero && sawUnit && total == 0) ? total : nil
    }

    /// Bytes, or nil when the text is not a positive size of at most `maximumBytes`.
    static func bytes(_ text: String) -> Int? {
        unboundedBytes(text).flatMap { $0 > 0 && $0 <= maximumBytes ? Int($0) : nil }
    }

    /// Bytes, whatever their number (zero included), or nil when the text is not a size.
    static func unboundedBytes(_ text: String) -> Double? {
        let trimmed = text.trimmingSpaces().uppercased()
        let units: [(String, Int)] = [("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1)]
        // Digits only: Double() would also read "inf", "nan" and hexadecimal.
        func number(_ text: Substring) -> Double? {
            let digits = String(text).trimmingSpaces()
            guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else { return nil }
            return Double(digits)
        }
        let factor = units.first { trimmed.hasSuffix($0.0) }
        guard let value = number(trimmed.dropLast(factor?.0.count ?? 0)) else { return nil }
        // Without a unit, a whole number of bytes.
        if factor == nil, value.rounded() != value { return nil }
        return value * Double(factor?.1 ?? 1)
    }
}

extension String {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}

/// Durations for command-line options, read the same way as in feeds.yaml.
public enum ConfigDuration {
    /// Seconds for `45s`, `15m`, `2h`, `1d`...; with `allowZero`, `0s` too.
    /// A bare number is refused, as in feeds.yaml: `5` could mean seconds or minutes.
    public static func seconds(_ text: String, allowZero: Bool = false) -> Double? {
        let bare = text.trimmingSpaces()
        if bare != "0", !bare.isEmpty, bare.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) { return nil }
        return DurationParser.seconds(text, allowZero: allowZero)
    }
}
