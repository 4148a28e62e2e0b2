public import FeedModel

/// Checks a stored document against the grammar of SPEC.md and reads back its date.
/// Used by `verify` and `rebuild-index`; the crawl itself never reads documents.
public enum StoredDocumentReader {
    public enum Problem: Error, Hashable, CustomStringConvertible {
        case grammar(String)

        public var description: String {
            switch self { case .grammar(let detail): return detail }
        }
    }

    static let opening = "\n---\ntitle: "
    static let bodyStart = "\n---\n\n<div>   \n"
    static let closing = "  \n</div>\n            "

    /// The text as the crawler wrote it, from what an editor saved (nothing for a file with zero
    /// bytes in it): Windows' line ends, a
    /// byte-order mark, or the leading empty line dropped made a hand edit read as no document,
    /// and `rebuild-index` then left it unprotected. (Reading only: the file keeps its bytes.)
    static func asWritten(_ saved: String) -> String {
        // Zero bytes are no one's edit but a crash's (a file's length made durable before its
        // data): such a file must read as no document, never as a change to keep.
        if saved.utf8.contains(0) { return "" }
        var text = saved.unicodeScalars.first == "\u{FEFF}" ? String(saved.unicodeScalars.dropFirst()) : saved
        if text.utf8.contains(0x0D) { text = text.replacing("\r\n", with: "\n") }
        return text.hasPrefix("---\n") ? "\n" + text : text
    }

    private static func endsWithClosingDiv(_ text: String) -> Bool {
        text.utf8.reversed().drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D }.starts(with: ">vid/<\n".utf8)
    }

    /// The document's date, or the first way it departs from the format.
    public static func date(of written: String) throws(Problem) -> Timestamp {
        let text = asWritten(written)
        guard text.hasPrefix(opening) else { throw .grammar("does not start with an empty line, --- and title:") }
        // The white space around the closing `</div>` is the format's, but an editor that trims
        // trailing white space (most do, on save) made a hand edit read as a broken document.
        // Nor does a note the owner added after the post, below its `</div>`, make it no document.
        guard text.hasSuffix(closing) || Self.endsWithClosingDiv(text) || text.contains("\n</div>\n") else {
            throw .grammar("does not end with </div> (and twelve spaces)")
        }
        guard !text.utf8.contains(UInt8(ascii: "{")), !text.utf8.contains(UInt8(ascii: "}")) else {
            throw .grammar("contains an unescaped brace")
        }
        // (Without the three spaces after `<div>`, which a trimming editor takes away too.)
        guard let end = text.firstRange(of: bodyStart) ?? text.firstRange(of: "\n---\n\n<div>") else {
            throw .grammar("front matter is not closed by ---")
        }
        let lines = text[text.index(after: text.startIndex)..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
        let keys = lines.dropFirst().filter { !$0.hasPrefix(" - ") }.map { $0.prefix(while: { $0 != ":" }) }
        let expected = keys.contains("headimg")
            ? ["title", "categories", "headimg", "author", "comments", "date", "thumbnail"]
            : ["title", "categories", "author", "comments", "date"]
        guard keys.map(String.init) == expected else {
            throw .grammar("front matter keys are \(keys.joined(separator: ",")), not \(expected.joined(separator: ","))")
        }
        guard let dateLine = lines.first(where: { $0.hasPrefix("date: ") }),
              let date = RFC1123.parse(String(dateLine.dropFirst(6))) else {
            throw .grammar("date is not RFC 1123 in GMT")
        }
        return date
    }
}

extension StoredDocumentReader {
    /// A front matter opened by `---` (YAML) or `+++` (TOML) on the first line and not closed by
    /// the same line: a file cut inside it (a crash, a full disk), which Hugo and Jekyll refuse to
    /// build a site with. Hexo's has its own, stricter grammar (`date(of:)`).
    public static func unclosedFrontMatter(in written: String) -> Problem? {
        // `asWritten` puts Hexo's leading empty line before a `---` first line.
        let lines = asWritten(written).split(separator: "\n", omittingEmptySubsequences: false).drop { $0.isEmpty }
        guard let fence = lines.first, fence == "---" || fence == "+++" else { return nil }
        let closing = lines.dropFirst().contains { line in
            var line = line
            while line.last == " " || line.last == "\t" { line = line.dropLast() }
            return line == fence
        }
        if closing { return nil }
        return .grammar("its front matter, opened by \(fence) on the first line, is not closed: the file was cut (a crash, a full disk)")
    }

    /// A stored document's date in any dialect (`anyDate`), from a front matter that is whole.
    static func anyDocumentDate(in written: String) throws(Problem) -> Timestamp {
        if let torn = unclosedFrontMatter(in: written) { throw torn }
        return try anyDate(in: written)
    }

    /// The `date:` line of any dialect's front matter: RFC 1123 (Hexo), RFC 3339 (Hugo, templates),
    /// or Jekyll's `YYYY-MM-DD HH:MM:SS +0000`; in a template's, also TOML's `date = …` and JSON's
    /// `"date": …` (Hugo reads both).
    public static func anyDate(in written: String) throws(Problem) -> Timestamp {
        let text = StoredDocumentReader.asWritten(written)
        let keys = ["date: ", "date = ", "\"date\": "]
        guard let line = text.split(separator: "\n", maxSplits: 40).lazy
            .map({ $0.drop(while: { $0 == " " || $0 == "\t" }) })
            .first(where: { line in keys.contains { line.hasPrefix($0) } }) else {
            throw .grammar("no date: line in the front matter")
        }
        let value = String(line.drop(while: { $0 != ":" && $0 != "=" }).dropFirst())
            .trimmingCharacters(where: { $0 == "'" || $0 == "\"" || $0 == " " || $0 == "," })
        if let date = RFC1123.parse(value) ?? ISODate.parse(value) { return date }
        throw .grammar("date '\(value)' is neither RFC 1123 nor RFC 3339")
    }
}

/// `2022-02-16T23:50:43Z` and `2022-02-16 23:50:43 +0000`, the forms our dialects write.
enum ISODate {
    static func parse(_ text: String) -> Timestamp? {
        let digits = text.split(whereSeparator: { "-T: Z+".contains($0) }).compactMap { Int($0) }
        guard digits.count >= 6 else { return nil }
        return Timestamp(year: digits[0], month: digits[1], day: digits[2], hour: digits[3], minute: digits[4], second: digits[5])
    }
}

/// Reads the exact date form the converter writes: `Wed, 16 Feb 2022 23:50:43 GMT`.
enum RFC1123 {
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func parse(_ text: String) -> Timestamp? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[5] == "GMT", parts[1].count == 2,
              let day = Int(parts[1]), let monthIndex = months.firstIndex(of: String(parts[2])),
              let year = Int(parts[3]) else { return nil }
        let clock = parts[4].split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3 else { return nil }
        return Timestamp(year: year, month: monthIndex + 1, day: day, hour: clock[0], minute: clock[1], second: clock[2])
    }
}
