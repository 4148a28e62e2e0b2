/// Parses operator-friendly durations and sizes: `250ms`, `45s`, `15m`, `2h`, `1d`, `1h30m`; `512KB`, `32MB`.
enum DurationParser {
    /// Seconds, or nil when the text is not a positive duration.
    static func seconds(_ text: String, allowZero: Bool = false) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]
        var total = 0.0
        var number = ""
        var sawUnit = false
        let characters = Array(text.trimmingSpaces().lowercased())
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
        return total > 0 || (allowZero && sawUnit && total == 0) ? total : nil
    }

    static func bytes(_ text: String) -> Int? {
        let trimmed = text.trimmingSpaces().uppercased()
        let units: [(String, Int)] = [("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1)]
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            guard let value = Double(String(trimmed.dropLast(suffix.count)).trimmingSpaces()),
                  value > 0 else { return nil }
            return Int(value * Double(factor))
        }
        guard let value = Int(trimmed), value > 0 else { return nil }
        return value
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
    public static func seconds(_ text: String, allowZero: Bool = false) -> Double? {
        DurationParser.seconds(text, allowZero: allowZero)
    }
}
