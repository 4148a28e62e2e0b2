public import FeedModel

/// A replacement keeps the date its post was published with. Jekyll's and Hexo's permalinks
/// (`/:year/:month/:day/:title`) come from the front matter's date: a correction that came with
/// a new pubDate moved the post's URL while its file stayed in place, and every link to it broke.
/// The store does not render; it finds the front matter's `date:` line in one of the forms the
/// output profiles write and writes the kept date in the same form. A template's own form is
/// left as it is (the text is then stored with its new date).
public enum FrontMatterDate {
    /// The text with its front matter's date `written` as `kept`; nil when no such line is found.
    public static func keeping(_ kept: Timestamp, in text: String, written: Timestamp) -> String? {
        guard kept != written else { return text }
        for (old, new) in [(rfc1123(written), rfc1123(kept)), (written.rfc3339, kept.rfc3339), (jekyll(written), jekyll(kept))] {
            for quote in ["", "'", "\""] {
                let line = "\ndate: " + quote + old + quote + "\n"
                guard let range = text.range(of: line), isInFrontMatter(range.lowerBound, of: text) else { continue }
                return text.replacingCharacters(in: range, with: "\ndate: " + quote + new + quote + "\n")
            }
        }
        return nil
    }

    /// Before the front matter's closing `---` (a body may quote a date line of its own).
    private static func isInFrontMatter(_ index: String.Index, of text: String) -> Bool {
        let start = text.hasPrefix("\n") ? text.index(after: text.startIndex) : text.startIndex
        guard text[start...].hasPrefix("---\n"),
              let close = text[text.index(start, offsetBy: 4)...].range(of: "\n---\n") else { return false }
        return index < close.lowerBound
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Wed, 16 Feb 2022 23:50:43 GMT`, Hexo's.
    static func rfc1123(_ date: Timestamp) -> String {
        let parts = UTCDateFields(date)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekdays[parts.weekday]), \(two(parts.day)) \(months[parts.month - 1]) \(parts.year) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) GMT"
    }

    /// `2022-02-16 23:50:43 +0000`, Jekyll's.
    static func jekyll(_ date: Timestamp) -> String {
        let iso = date.rfc3339
        return iso.prefix(10) + " " + iso.dropFirst(11).prefix(8) + " +0000"
    }
}
