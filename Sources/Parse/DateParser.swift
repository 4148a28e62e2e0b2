public import FeedModel
internal import Foundation

/// Reads the dates feeds really carry. Anything it cannot read with certainty is nil:
/// a missing date is better than a wrong one.
public enum DateParser {
    /// `chinaTime`: the feed is in Chinese, whose `CST` is China Standard Time (UTC+8), not the
    /// US's Central (UTC−6): Sina's and RSSHub's dates were 14 hours late.
    public static func parse(_ raw: String, chinaTime: Bool = false) -> Timestamp? {
        // No date any feed writes is this long; 8,000 characters of junk in each `<pubDate>`
        // cost 5 ms an item, and a large feed was cut at its time limit with nothing stored.
        guard raw.utf8.count <= maximumLength else { return nil }
        let text = normalise(raw)
        guard !text.isEmpty else { return nil }
        var date: Timestamp?
        if let first = text.unicodeScalars.first, ("0"..."9").contains(first), let iso = parseISO(text, chinaTime: chinaTime) {
            date = iso
        } else {
            date = parseRFC1123(text) ?? parseRFC822(text, chinaTime: chinaTime)
        }
        // In the site's own language (`Mo, 01 Dez 2025`, `01.12.2025 10:20`): only once the English forms failed.
        if date == nil, let english = LocalizedDates.english(text) {
            date = parseISO(english, chinaTime: chinaTime) ?? parseRFC1123(english) ?? parseRFC822(english, chinaTime: chinaTime)
        }
        return date.flatMap { $0 >= earliest ? $0 : nil }
    }

    /// Longer text is no date (the longest real forms, with day and month names spelled out
    /// and a zone name, are under 80 characters).
    static let maximumLength = 256

    /// Whether a feed's language (`zh`, `zh-CN`, `zh_TW`...) makes its `CST` China's.
    public static func isChinese(_ language: String?) -> Bool {
        guard let lowered = language?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        // `cn` is no language code, but Chinese sites write it.
        return lowered.hasPrefix("zh") || lowered == "cn" || lowered.hasPrefix("cn-") || lowered.hasPrefix("cn_")
    }

    /// Years before 1000 are placeholders (`0000-01-01`) or typing mistakes, and the site
    /// generators read a year of fewer than four digits as a recent one (`99` as 1999).
    static let earliest = Timestamp(year: 1000, month: 1, day: 1)!

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

    private static func parseISO(_ text: String, chinaTime: Bool) -> Timestamp? {
        var scanner = DigitScanner(text)
        guard let year = scanner.number(digits: 4) else { return nil }
        guard scanner.skip(oneOf: "-/") else { return parseBasic(&scanner, year: year, chinaTime: chinaTime) }
        guard let month = scanner.number(maxDigits: 2), scanner.skip(oneOf: "-/"),
              let day = scanner.number(maxDigits: 2) else { return nil }
        guard scanner.skip(oneOf: "Tt ") else {  // RFC 3339 allows a lower-case t and z
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
        return zoned(&scanner, year, month, day, hour, minute, second, chinaTime: chinaTime)
    }

    /// ISO 8601's basic format, `20030610T094101Z` (iCalendar's, and some podcast tools'): no
    /// separators, and a time always, since a bare eight-digit number is as likely an id.
    private static func parseBasic(_ scanner: inout DigitScanner, year: Int, chinaTime: Bool) -> Timestamp? {
        guard let month = scanner.number(digits: 2), let day = scanner.number(digits: 2), scanner.skip(oneOf: "Tt"),
              let hour = scanner.number(digits: 2), let minute = scanner.number(digits: 2) else { return nil }
        var second = 0
        if scanner.nextIsDigit {
            guard let value = scanner.number(digits: 2) else { return nil }
            second = value
            if scanner.skip(oneOf: ".,") { scanner.skipDigits() }
        }
        return zoned(&scanner, year, month, day, hour, minute, second, chinaTime: chinaTime)
    }

    /// The date and time read so far, at the zone the rest of the text names (the feed's own
    /// local time for none).
    private static func zoned(_ scanner: inout DigitScanner, _ year: Int, _ month: Int, _ day: Int,
                              _ hour: Int, _ minute: Int, _ second: Int, chinaTime: Bool) -> Timestamp? {
        _ = scanner.skip(oneOf: " ")
        guard let offset = scanner.rest.isEmpty ? localOffset(chinaTime) : zoneOffset(scanner.rest, chinaTime: chinaTime) else {
            return nil
        }
        // ISO 8601's end of a day, `T24:00:00`: the next day's midnight.
        if hour == 24, minute == 0, second == 0 {
            return Timestamp(year: year, month: month, day: day, offsetSeconds: offset)
                .map { Timestamp(secondsSince1970: $0.secondsSince1970 + 86_400) }
        }
        return Timestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                         offsetSeconds: offset)
    }

    // MARK: RFC 822 / 1123 with the usual mistakes

    /// `Wed, 16 Feb 2022 23:50:43 GMT` (or `UTC`, `+0800`, `-0500`): what most RSS feeds write,
    /// read in place. Nil for any other shape, which `parseRFC822` then reads; `.some(nil)` for
    /// this shape with an impossible value (Feb 30). `parseRFC822` reads this shape to the same
    /// value: the tests compare the two.
    static func parseRFC1123(_ text: String) -> Timestamp?? {
        text.utf8.withContiguousStorageIfAvailable { bytes -> Timestamp?? in
            guard bytes.count == 29 || bytes.count == 31, bytes[3] == UInt8(ascii: ","), bytes[4] == 0x20,
                  bytes[7] == 0x20, bytes[11] == 0x20, bytes[16] == 0x20, bytes[19] == UInt8(ascii: ":"),
                  bytes[22] == UInt8(ascii: ":"), bytes[25] == 0x20,
                  bytes[0..<3].allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }),
                  month(bytes[0], bytes[1], bytes[2]) == nil,
                  let day = digits(bytes, 5, 2), let month = month(bytes[8], bytes[9], bytes[10]),
                  let year = digits(bytes, 12, 4), let hour = digits(bytes, 17, 2),
                  let minute = digits(bytes, 20, 2), let second = digits(bytes, 23, 2) else { return nil }
            let offset: Int
            if bytes.count == 29 {
                let zone = bytes[26..<29]
                guard zone.elementsEqual("GMT".utf8) || zone.elementsEqual("UTC".utf8) else { return nil }
                offset = 0
            } else {
                guard bytes[26] == UInt8(ascii: "+") || bytes[26] == UInt8(ascii: "-"),
                      let hours = digits(bytes, 27, 2), let minutes = digits(bytes, 29, 2),
                      hours <= 14, minutes < 60 else { return nil }
                offset = (bytes[26] == UInt8(ascii: "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
            }
            return .some(Timestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                                   offsetSeconds: offset))
        } ?? nil
    }

    /// The number written by `count` ASCII digits at `start`.
    private static func digits(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for byte in bytes[start..<(start + count)] {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }

    /// Works on byte tokens: building Strings for every token cost more than the rest of a feed's parse.
    static func parseRFC822(_ text: String, chinaTime: Bool = false) -> Timestamp? {
        let bytes = Array(text.utf8)
        var tokens = bytes.split(whereSeparator: { $0 == 0x20 || $0 == 0x2C })
        // A leading weekday, in any case or length, carries nothing we need.
        if let first = tokens.first, first.allSatisfy({ ($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x7A }),
           monthIndex(first) == nil { tokens.removeFirst() }
        // RFC 850 (HTTP's old form): Tuesday, 02-Dec-25 08:30:00 GMT.
        if let first = tokens.first, first.contains(UInt8(ascii: "-")),
           case let parts = first.split(separator: UInt8(ascii: "-")), parts.count == 3,
           integer(parts[0]) != nil, monthIndex(parts[1]) != nil, integer(parts[2]) != nil {
            tokens.replaceSubrange(0..<1, with: parts)
        }
        guard tokens.count >= 3 else { return nil }
        var day: Int?, month: Int?
        if let value = integer(tokens[0]), let name = monthIndex(tokens[1]) {
            day = value; month = name        // 16 Feb 2022
        } else if let name = monthIndex(tokens[0]), let value = integer(tokens[1]) {
            day = value; month = name        // Feb 16 2022 (asctime-like)
        }
        let colon = UInt8(ascii: ":")
        // Java's Date.toString(), common on Chinese sites: Mon Dec 01 10:20:00 CST 2025.
        if tokens.count == 5, tokens[2].contains(colon), tokens[4].count == 4, integer(tokens[4]) != nil,
           let zoneStart = tokens[3].first,  // CST, GMT+08:00, +0800
           ((zoneStart | 0x20) >= 0x61 && (zoneStart | 0x20) <= 0x7A) || zoneStart == UInt8(ascii: "+") || zoneStart == UInt8(ascii: "-") {
            tokens = [tokens[0], tokens[1], tokens[4], tokens[2], tokens[3]]
        }
        // asctime puts the clock before the year: Wed Feb 16 23:50:43 2022
        if tokens.count >= 4, tokens[2].contains(colon), !tokens[3].contains(colon) { tokens.swapAt(2, 3) }
        guard let day, let month, var year = integer(tokens[2]) else { return nil }
        let yearDigits = tokens[2].count
        if yearDigits == 2 { year += year < 50 ? 2000 : 1900 }
        guard yearDigits == 2 || yearDigits == 4 else { return nil }
        guard tokens.count >= 4 else { return Timestamp(year: year, month: month, day: day) }
        let clock = tokens[3].split(separator: colon, omittingEmptySubsequences: false).map(integer)
        guard clock.count >= 2, clock.count <= 3, let hour12 = clock[0], let minute = clock[1] else { return nil }
        guard let second = clock.count == 3 ? clock[2] : 0 else { return nil }
        var hour = hour12
        var zone = Array(tokens.dropFirst(4))
        if let meridiem = zone.first, meridiem.count == 2, let letter = meridiem.first, let last = meridiem.last,
           last | 0x20 == UInt8(ascii: "m"), let half = [UInt8(ascii: "a"), UInt8(ascii: "p")].firstIndex(of: letter | 0x20) {
            guard (1...12).contains(hour) else { return nil }
            hour = hour % 12 + half * 12  // AM / PM
            zone.removeFirst()
        }
        let zoneText = zone.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
        guard let offset = zoneText.isEmpty ? localOffset(chinaTime) : zoneOffset(zoneText, chinaTime: chinaTime) else {
            return nil
        }
        return Timestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: second,
                         offsetSeconds: offset)
    }

    /// A run of one to nine ASCII digits.
    private static func integer(_ token: ArraySlice<UInt8>) -> Int? {
        guard (1...9).contains(token.count) else { return nil }
        var value = 0
        for byte in token {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }

    /// 1...12 for a token starting with an English month's first three letters, in any case.
    private static func monthIndex(_ token: ArraySlice<UInt8>) -> Int? {
        guard token.count >= 3 else { return nil }
        let start = token.startIndex
        return month(token[start], token[start + 1], token[start + 2])
    }

    private static func month(_ first: UInt8, _ second: UInt8, _ third: UInt8) -> Int? {
        let key = UInt32(first | 0x20) << 16 | UInt32(second | 0x20) << 8 | UInt32(third | 0x20)
        return monthKeys.firstIndex(of: key).map { $0 + 1 }
    }

    private static let monthKeys: [UInt32] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .map { name in name.utf8.reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }

    /// Zones feeds name instead of giving an offset. Ambiguous ones are left out, so such a date
    /// is nil rather than hours wrong, but for IST: India's (Ireland's and Israel's feeds give
    /// offsets), whose news sites write it; taken as nil, their first crawl dated years of
    /// articles the day they were fetched.
    private static let namedZones: [String: Int] = [
        "Z": 0, "UT": 0, "UTC": 0, "GMT": 0, "WET": 0, "BST": 60, "CET": 60, "WEST": 60, "MET": 60,
        "CEST": 120, "MEST": 120, "EET": 120, "EEST": 180, "MSK": 180, "HKT": 480, "SGT": 480, "AWST": 480,
        "IST": 330, "JST": 540, "KST": 540, "ACST": 570, "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
        "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360, "PST": -480,
        "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600,
    ]

    /// A time of day with no zone: the feed's own local time. A Chinese site's is China's (its
    /// `2025-12-01 09:58:00` was read 8 hours late); any other is taken as UTC, as ever.
    private static func localOffset(_ chinaTime: Bool) -> Int {
        chinaTime ? 480 * 60 : 0
    }

    /// Seconds east of UTC for `Z`, `+08:00`, `+0800`, `+08`, `GMT`, `GMT+8`, `EST`...; 0 for nothing; nil for unknown.
    static func zoneOffset(_ zone: String, chinaTime: Bool = false) -> Int? {
        var trimmed = zone.utf8.split(separator: 0x20).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        if trimmed.isEmpty { return 0 }
        if trimmed == "Z" || trimmed == "z" { return 0 }
        // ASCII upper case by bytes; `uppercased()` is Unicode-aware and slow for three letters.
        let upper = String(decoding: trimmed.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 32 : $0 }, as: UTF8.self)
        if chinaTime && upper == "CST" { return 480 * 60 }
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
    var nextIsDigit: Bool { index < bytes.count && isDigit(bytes[index]) }
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
