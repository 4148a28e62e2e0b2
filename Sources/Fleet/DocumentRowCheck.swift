/// What a `documents` row must be before `posts sync` writes it as a file. Rows come from a
/// database every node writes (and anyone holding its password), and the hash becomes a file
/// name: `../../x` or `a/b` would put a file outside the folder or in one of its own.
///
/// The content hash is over the item (its title and body text, see README "Dedupe key"), not over
/// the stored text, so it cannot be recomputed from the row; what can be checked cheaply is that
/// the row agrees with itself: the key is the hash's start, and the body has the size recorded.
enum DocumentRowCheck {
    /// Why the row cannot be written, or nil when it can.
    static func problem(hash16: String, hash: String, bytes: Int?, body: String, dates: [Int64] = []) -> String? {
        guard isContentHash(hash) else { return "its hash '\(hash)' is not 64 lower-case hex digits" }
        guard hash16.utf8.count == 16, hash.hasPrefix(hash16) else { return "its hash \(hash) does not begin with its hash16" }
        if let date = dates.first(where: { !years.contains($0) }) {
            return "its date \(date) is not a time between the years 1 and 9999 (seconds since 1970)"
        }
        let size = body.utf8.count
        guard bytes == size else { return "its body is \(size) bytes, not the \(bytes.map(String.init) ?? "?") bytes the row records" }
        return nil
    }

    /// The dates a file can be placed by (`posts/YEAR/MONTH/`): 0001-01-01 to 9999-12-31. A row's
    /// date far outside them crashed the sync at the row for good (the year's arithmetic overflowed).
    static let years: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    /// SHA-256 as the crawler writes it: 64 lower-case hex digits.
    static func isContentHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
