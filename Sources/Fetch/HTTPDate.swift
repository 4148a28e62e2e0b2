internal import CCurl

/// Seconds since 1970 of an HTTP date (Last-Modified, Expires, Retry-After).
///
/// Nearly every server writes the one form RFC 9110 prefers (`Sun, 06 Nov 1994 08:49:37 GMT`),
/// and nearly every response carries one: that form is read here from its fixed positions.
/// curl_getdate reads every form, but through sscanf, about 10,000 instructions a date (2% of
/// a pass of 304s, where each answer's Last-Modified is checked). Anything else goes to it.
enum HTTPDate {
    static func seconds(_ text: String) -> Int64? {
        if let fixed = imfFixdate(Array(text.utf8)) { return fixed }
        let parsed = curl_getdate(text, nil)
        return parsed == -1 ? nil : Int64(parsed)
    }

    /// `Www, DD Mon YYYY HH:MM:SS GMT`, years from 1970; nil for anything else (also a day the
    /// month does not have, which curl_getdate counts on into the next month).
    static func imfFixdate(_ bytes: [UInt8]) -> Int64? {
        guard bytes.count == 29, bytes[3] == UInt8(ascii: ","), bytes[4] == space, bytes[7] == space,
              bytes[11] == space, bytes[16] == space, bytes[19] == colon, bytes[22] == colon,
              bytes[25] == space, bytes[26...].elementsEqual("GMT".utf8),
              weekdays.contains(where: { bytes[0..<3].elementsEqual($0.utf8) }),
              let month = months.firstIndex(where: { bytes[8..<11].elementsEqual($0.utf8) }),
              let day = number(bytes[5..<7]), let year = number(bytes[12..<16]),
              let hour = number(bytes[17..<19]), let minute = number(bytes[20..<22]),
              let second = number(bytes[23..<25]),
              year >= 1970, hour < 24, minute < 60, second < 60,
              day >= 1, day <= daysIn(month: month + 1, year: year) else { return nil }
        let days = daysSince1970(year: year, month: month + 1, day: day)
        return Int64(days) * 86_400 + Int64(hour * 3_600 + minute * 60 + second)
    }

    private static let space = UInt8(ascii: " "), colon = UInt8(ascii: ":")
    private static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
    private static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let shifted = month <= 2 ? year - 1 : year
        let era = shifted / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
