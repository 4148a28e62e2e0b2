/// Rules for the `document_path` pattern, shared by Config (which reports problems with their
/// line) and Store (which lays documents out by it).
public enum DocumentPath {
    /// Why `pattern` cannot be used, or nil when it can.
    public static func problem(with pattern: String) -> String? {
        let components = pattern.split(separator: "/", omittingEmptySubsequences: false)
        guard let name = components.last, name.contains("{hash}") else { return "the file name must contain {hash}" }
        // "." too: `./tmp/{hash}.md` is `tmp/{hash}.md`, the folder emptied on every start.
        if pattern.hasPrefix("/") || components.contains("..") || components.contains(".") || components.contains("") {
            return "must be a relative path inside the store, without ., .. or empty parts"
        }
        // The store's own names: kept images go to assets/, which the documents' walks pass over.
        let first = String(components[0])
        if ["tmp", "assets", "lock", "runtime"].contains(first) || first.hasPrefix("index.sqlite") || components.count < 2 {
            return "must start with a folder of its own (e.g. posts/), not tmp, assets, lock, runtime or index.sqlite"
        }
        // The hash is found in a document's name as a run of 16 hex digits: a digit or letter of
        // one beside it (`{day}{hash}`, `feed{hash}`) made every document unreadable to verify,
        // forget and rebuild-index, which then dropped them all from the index.
        if let hash = name.firstRange(of: "{hash}") {
            let before = name[..<hash.lowerBound], after = name[hash.upperBound...]
            if before.last?.isHexDigit == true || before.hasSuffix("}") || after.first?.isHexDigit == true
                || after.hasPrefix("{") {
                return "needs a character other than a hex digit or a placeholder on each side of {hash} "
                    + "(e.g. {day}-{hash}.md), so that a document's name shows where its hash starts and ends"
            }
        }
        if Self.longestHexRun(besides: name) >= 16 {
            return "may not make another run of 16 hex digits in the file name besides {hash}'s"
        }
        let known = ["{year}", "{month}", "{day}", "{hash}"]
        var rest = pattern
        for token in known { rest = rest.split(separator: token, omittingEmptySubsequences: false).joined() }
        if rest.contains("{") || rest.contains("}") { return "knows only \(known.joined(separator: ", "))" }
        if components[0].contains("{") { return "its first folder must be a fixed name (e.g. posts/)" }
        return nil
    }

    /// The most hex digits in a row the file name's other parts can make: a literal run, and the
    /// digits of the date placeholders (a document's hash is read as the last run of 16).
    static func longestHexRun(besides name: Substring) -> Int {
        let widths = ["{year}": 4, "{month}": 2, "{day}": 2]
        var longest = 0, run = 0
        var rest = name[...]
        while let first = rest.first {
            if rest.hasPrefix("{hash}") {
                run = 0
                rest = rest.dropFirst("{hash}".count)
            } else if let placeholder = widths.first(where: { rest.hasPrefix($0.key) }) {
                run += placeholder.value
                rest = rest.dropFirst(placeholder.key.count)
            } else {
                run = first.isHexDigit ? run + 1 : 0
                rest = rest.dropFirst()
            }
            longest = max(longest, run)
        }
        return longest
    }
}
