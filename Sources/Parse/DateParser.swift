public import FeedModel

/// Reads the dates feeds really carry. Anything it cannot read with certainty is nil:
/// a missing date is better than a wrong one.
public enum DateParser {
    public static func parse(_ raw: String) -> Timestamp? {
        let text = normalise(raw)
        guard !text.isEmpty else { return nil }
        if let first = text.unicodeScalars.first, ("0"..."9").contains(first), let iso = parseISO(text) {
            return iso
        }
        return parseRFC822(text)
    }

    /// Trims, folds white space, and turns CJK date markers (2022年02月16日) into ISO separators.
    /// Works on scalars: grapheme breaking would cost more than the rest of the parse.
    private static func normalise(_ raw: String) -> String {
        if isNormal(raw) { return raw }
        var scalars = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in raw.unicodeScalars {
            switch scalar {
            case "年", "月":
                scalars.append("-")
                pendingSpace = false
            case " ", "日", "\u{3000}", "\t", "\n", "\r":
                pendingSpace = !scalars.isEmpty
            default:
                if pendingSpace { scalars.append(" ") }
                pendingSpace = false
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// Printable ASCII with single inner spaces: most dates, which need no copy.
    private static func isNormal(_ raw: String) -> Bool {
        var previous: UInt8 = 0x20
        for byte in raw.utf8 {
            guard byte >= 0x20, byte < 0x7F, !(byte == 0x20 && previous == 0x20) else { return false }
            previous = byte
        }
        return previous != 0x20
    }

    // MARK: ISO 8601 / RFC 3339 and `YYYY-MM-DD HH:MM:SS`

    private static func parseISO(_ text: String) -> Timestamp? {
        var scanner = DigitScanner(text)
        guard let year = scanner.number(digits: 4), scanner.skip(oneOf: "-/"),
              let month = scanner.number(maxDigits: 2), scanner.skip(oneOf: "-/"),
              let day = scanner.number(maxDigits: 2) else { return nil }
        guard scanner.skip(oneOf: "T ") else {
            return scanner.atEnd ? Timestamp(year: year, month: month, day: day) : nil
        }
        guard let hour = scanner.number(maxDigits: 2), scanner.skip(oneOf: ":"),
              let minute = scanner.number(maxDigits: 2) else { return nil }
        var second = 0
        if scanner.skip(oneOf: ":") {
            guard let value = scanner.number(maxDigits: 2) else { return nil }
            second = value
            if scanner.skip(oneOf: ".,") { scanner.skipDigits() }
        }
        _ = scanner.skip(oneOf: " ")
        guard let offset = zoneOffset(scanner.rest) else { return nil }
        return Timestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                         offsetSeconds: offset)
    }

    // MARK: RFC 822 / 1123 with the usual mistakes

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    private static func parseRFC822(_ text: String) -> Timestamp? {
        // Split on bytes: tokens are short ASCII (small strings, no allocation), and Character
        // splitting cost more than the rest of the parse.
        var tokens = text.utf8.split(whereSeparator: { $0 == 0x20 || $0 == 0x2C }).map { String(decoding: $0, as: UTF8.self) }
        // A leading weekday, in any case or length, carries nothing we need.
        if let first = tokens.first, first.utf8.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }),
           monthIndex(first) == nil { tokens.removeFirst() }
        guard tokens.count >= 3 else { return nil }
        var day: Int?, month: Int?
        if let value = Int(tokens[0]), let name = monthIndex(tokens[1]) {
            day = value; month = name        // 16 Feb 2022
        } else if let name = monthIndex(tokens[0]), let value = Int(tokens[1]) {
            day = value; month = name        // Feb 16 2022 (asctime-like)
        }
        // asctime puts the clock before the year: Wed Feb 16 23:50:43 2022
        let colon = UInt8(ascii: ":")
        if tokens.count >= 4, tokens[2].utf8.contains(colon), !tokens[3].utf8.contains(colon) { tokens.swapAt(2, 3) }
        guard let day, let month, var year = Int(tokens[2]) else { return nil }
        let yearDigits = tokens[2].utf8.count
        if yearDigits == 2 { year += year < 50 ? 2000 : 1900 }
        guard yearDigits == 2 || yearDigits == 4 else { return nil }
        var hour = 0, minute = 0, second = 0, offset = 0
        if tokens.count >= 4 {
            let clock = tokens[3].utf8.split(separator: colon, omittingEmptySubsequences: false)
                .map { Int(String(decoding: $0, as: UTF8.self)) }
            guard clock.count >= 2, clock.count <= 3, clock.allSatisfy({ $0 != nil }) else { return nil }
            hour = clock[0]!; minute = clock[1]!; second = clock.count == 3 ? clock[2]! : 0
            var zone = Array(tokens.dropFirst(4))
            if let meridiem = zone.first?.uppercased(), meridiem == "AM" || meridiem == "PM" {
                guard (1...12).contains(hour) else { return nil }
                hour = hour % 12 + (meridiem == "PM" ? 12 : 0)
                zone.removeFirst()
            }
            guard let zoneSeconds = zoneOffset(zone.joined(separator: " ")) else { return nil }
            offset = zoneSeconds
        }
        return Timestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                         offsetSeconds: offset)
    }

    private static func monthIndex(_ token: String) -> Int? {
        let bytes = token.utf8.prefix(3)
        guard bytes.count == 3, bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        let prefix = String(decoding: bytes.map { $0 | 0x20 }, as: UTF8.self)  // ASCII lower case
        return months.firstIndex(of: prefix).map { $0 + 1 }
    }

    /// Zones feeds name instead of giving an offset. Ambiguous ones (IST: India, Ireland or
    /// Israel) are left out, so such a date is nil rather than hours wrong.
    private static let namedZones: [String: Int] = [
        "Z": 0, "UT": 0, "UTC": 0, "GMT": 0, "WET": 0, "BST": 60, "CET": 60, "WEST": 60, "MET": 60,
        "CEST": 120, "MEST": 120, "EET": 120, "EEST": 180, "MSK": 180, "HKT": 480, "SGT": 480, "AWST": 480,
        "JST": 540, "KST": 540, "ACST": 570, "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
        "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480,
        "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600,
    ]

    /// Seconds east of UTC for `Z`, `+08:00`, `+0800`, `+08`, `GMT`, `GMT+8`, `EST`...; 0 for nothing; nil for unknown.
    static func zoneOffset(_ zone: String) -> Int? {
        var trimmed = zone.utf8.split(separator: 0x20).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        if trimmed.isEmpty { return 0 }
        if trimmed == "Z" { return 0 }
        // ASCII upper case by bytes; `uppercased()` is Unicode-aware and slow for three letters.
        let upper = String(decoding: trimmed.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 32 : $0 }, as: UTF8.self)
        if let first = upper.utf8.first, first != UInt8(ascii: "+"), first != UInt8(ascii: "-"),
           let minutes = namedZones[upper] { return minutes * 60 }
        for prefix in ["GMT", "UTC", "UT"] where upper.hasPrefix(prefix) {
            trimmed = String(trimmed.dropFirst(prefix.count))  // GMT+8, UTC+08:00
            break
        }
        guard let sign = trimmed.first, sign == "+" || sign == "-" else { return nil }
        let digits = trimmed.dropFirst().filter { $0 != ":" }
        guard (1...4).contains(digits.count), digits.count != 3, digits.allSatisfy(\.isASCII), let value = Int(digits) else {
            return nil
        }
        let hours = digits.count == 4 ? value / 100 : value
        let minutes = digits.count == 4 ? value % 100 : 0
        guard hours <= 14, minutes < 60 else { return nil }
        return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
    }
}

/// A cursor over ASCII digits and separators, on UTF-8 bytes (dates are ASCII where it matters).
private struct DigitScanner {
    private let bytes: [UInt8]
    private var index = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    var atEnd: Bool { index >= bytes.count }
    var rest: String { String(decoding: bytes[index...], as: UTF8.self) }

    mutating func number(digits: Int) -> Int? {
        let start = index
        guard let value = number(maxDigits: digits), index - start == digits else { return nil }
        return value
    }

    mutating func number(maxDigits: Int) -> Int? {
        var value = 0, count = 0
        while index < bytes.count, count < maxDigits, isDigit(bytes[index]) {
            value = value * 10 + Int(bytes[index] - 48)
            index += 1
            count += 1
        }
        return count > 0 ? value : nil
    }

    mutating func skip(oneOf characters: StaticString) -> Bool {
        guard index < bytes.count,
              UnsafeBufferPointer(start: characters.utf8Start, count: characters.utf8CodeUnitCount).contains(bytes[index])
        else { return false }
        index += 1
        return true
    }

    mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
}
