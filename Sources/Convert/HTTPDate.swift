public import FeedModel

/// RFC 1123 dates in UTC with English names and a two-digit day: `Wed, 16 Feb 2022 23:50:43 GMT`.
public enum HTTPDate {
    static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    public static func format(_ timestamp: Timestamp) -> String {
        let fields = UTCDateFields(timestamp)
        return "\(weekdays[fields.weekday]), \(twoDigits(fields.day)) \(months[fields.month - 1]) "
            + "\(fields.year) \(twoDigits(fields.hour)):\(twoDigits(fields.minute)):\(twoDigits(fields.second)) GMT"
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
