internal import FeedModel
internal import Yams

/// Typed access to one YAML mapping, with errors that name the key and its line.
struct MappingReader {
    let parser: ConfigParser
    let mapping: Node.Mapping
    /// Prefix for key paths in messages, e.g. `feeds[2]`.
    let path: String

    /// Keys and values, read out once, side by side: a lookup compares keys only and copies the
    /// one node it finds. Searching (key, node) pairs copied every node passed over (its string,
    /// tag and mark), and walking the mapping itself copied more: most of loading a long list of
    /// feeds, which asks each feed for a dozen keys it mostly does not have. Lists, not a
    /// dictionary: a feed has two or three keys, and hashing them cost more than comparing.
    /// A key that is not a plain value is nil here, and unknown to every lookup.
    private let keys: [String?]
    private let values: [Node]

    init(parser: ConfigParser, mapping: Node.Mapping, path: String) {
        self.parser = parser
        self.mapping = mapping
        self.path = path
        var keys: [String?] = [], values: [Node] = []
        keys.reserveCapacity(mapping.count)
        values.reserveCapacity(mapping.count)
        for (key, value) in mapping {
            keys.append(key.string)
            values.append(value)
        }
        self.keys = keys
        self.values = values
    }

    /// The first value under `key` (Yams has already refused a mapping that repeats a key).
    func node(_ key: String) -> Node? {
        keys.firstIndex(of: key).map { values[$0] }
    }

    func rejectUnknownKeys(allowed: [String]) throws(ConfigError) {
        for (index, key) in keys.enumerated() {
            let name = key ?? "?"
            guard !allowed.contains(name) else { continue }
            var message = "unknown key '\(name)'"
            if let guess = allowed.min(by: { editDistance($0, name) < editDistance($1, name) }),
               editDistance(guess, name) <= 2 {
                message += " (did you mean '\(guess)'?)"
            } else {
                message += " (known keys: \(allowed.joined(separator: ", ")))"
            }
            throw parser.error(at: Array(mapping.keys)[index], key: qualified(name), message)
        }
    }

    func string(_ key: String) throws(ConfigError) -> String? {
        guard let node = node(key) else { return nil }
        guard case .scalar(let scalar) = node else {
            if Self.isNull(node) { return nil }
            throw parser.error(at: node, key: qualified(key), "must be a single value, not a list or mapping")
        }
        return Self.isNull(scalar) ? nil : scalar.string
    }

    /// YAML's null (`~`, `null`, `Null`, `NULL` or nothing, unquoted and untagged), read from the
    /// scalar itself: `node.tag` runs Yams' regular expressions for bool, int, float... over every
    /// value, which was most of the time `crawler once` spent loading a long list of feeds.
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node else { return node.tag.rawValue == Tag.Name.null.rawValue }
        return isNull(scalar)
    }

    private static func isNull(_ scalar: Node.Scalar) -> Bool {
        // The tag as written (resolved only if someone asked before): implicit means a plain scalar.
        guard scalar.tag.rawValue == Tag.Name.implicit.rawValue else {
            return scalar.tag.rawValue == Tag.Name.null.rawValue
        }
        switch scalar.string {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    func stringList(_ key: String) throws(ConfigError) -> [String]? {
        guard let node = node(key) else { return nil }
        if let scalar = node.scalar {
            if Self.isNull(scalar) { return nil }
            return scalar.string.isEmpty ? [] : [scalar.string]
        }
        guard let sequence = node.sequence else {
            throw parser.error(at: node, key: qualified(key), "must be a list, e.g. [news, tech]")
        }
        var values: [String] = []
        for element in sequence {
            guard let scalar = element.scalar else {
                throw parser.error(at: element, key: qualified(key), "each entry must be a plain value")
            }
            values.append(scalar.string)
        }
        return values
    }

    /// `allowZero` admits `0` and `0s` (e.g. no gap between requests), which a poll interval must not be.
    /// A duration; with `atLeastASecond`, one of a second or more (a poll interval of `5ms`
    /// read as 0 s polled a feed as fast as it answered).
    func duration(_ key: String, allowZero: Bool = false, atLeastASecond: Bool = false) throws(ConfigError) -> Double? {
        guard let text = try string(key) else { return nil }
        if allowZero, ["0", "0s", "0ms"].contains(text.trimmingSpaces()) { return 0 }
        // newsboat's reload-time is minutes, ours were seconds: `interval: 30` meant two
        // different things to two readers, so a number needs its unit.
        let bare = text.trimmingSpaces()
        if !bare.isEmpty, bare.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) {
            throw parser.error(at: node(key)!, key: qualified(key),
                               "'\(text)' has no unit; write \(bare)s or \(bare)m (seconds or minutes)")
        }
        guard let seconds = DurationParser.unboundedSeconds(text) else {
            let zero = DurationParser.unboundedSeconds(text, allowZero: true) == 0
            throw parser.error(at: node(key)!, key: qualified(key), zero ? "'\(text)' must be more than zero"
                               : "'\(text)' is not a duration; use forms like 45s, 15m, 2h30m, 1d (lowercase units, each once, largest first)")
        }
        if atLeastASecond, seconds < 1 {
            throw parser.error(at: node(key)!, key: qualified(key), "'\(text)' is under a second; the shortest is 1s")
        }
        try refuseBeyondMaximum(key, text, seconds)
        return seconds
    }

    /// A wait the scheduler acts on (an interval, its bounds, `max_backoff`): at most the ten years
    /// `Timestamp.adding` holds every delay to. `interval: 36500d` was taken and logged as 36500d
    /// while the feed was polled every ten years: what the log says would not be what is done.
    func wait(_ key: String, atLeastASecond: Bool = false) throws(ConfigError) -> Double? {
        guard let seconds = try duration(key, atLeastASecond: atLeastASecond) else { return nil }
        guard seconds > DurationParser.longestWait else { return seconds }
        throw parser.error(at: node(key)!, key: qualified(key),
                           "'\((try string(key) ?? "").trimmingSpaces())' is longer than \(DurationParser.longestWaitText)")
    }

    /// A file's path. No path holds a control character, and the system reads one only up to its
    /// first NUL: `store: "./st\0ore"` was reported as `st\u0000ore` and written into `./st`.
    /// An empty one was taken as the folder feeds.yaml is in, and `~/x` as a folder named `~`.
    func path(_ key: String) throws(ConfigError) -> String? {
        guard let text = try string(key) else { return nil }
        if text.trimmingSpaces().isEmpty {
            throw parser.error(at: node(key)!, key: qualified(key), "is empty; name a file or folder")
        }
        if text.hasPrefix("~") {
            throw parser.error(at: node(key)!, key: qualified(key),
                               "'\(TerminalText.oneLine(text))' starts with ~, which only a shell expands; write the whole path")
        }
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        throw parser.error(at: node(key)!, key: qualified(key),
                           "'\(TerminalText.oneLine(text))' holds a control character, which no path can hold")
    }

    func size(_ key: String) throws(ConfigError) -> Int? {
        guard let text = try string(key) else { return nil }
        // As for durations: `max_body_size: 32` read as 32 bytes failed every feed.
        let bare = text.trimmingSpaces()
        let unitless = !bare.isEmpty && bare.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") })
        if unitless, Double(bare) != 0 {
            throw parser.error(at: node(key)!, key: qualified(key),
                               "'\(text)' has no unit; write \(bare)B, \(bare)KB or \(bare)MB")
        }
        guard let bytes = DurationParser.unboundedBytes(text) else {
            throw parser.error(at: node(key)!, key: qualified(key),
                               "'\(text)' is not a size; use forms like 512KB, 32MB")
        }
        // Round 58: `0` was told to write `0B`, and `0B` was then "not a size".
        guard bytes > 0 else {
            throw parser.error(at: node(key)!, key: qualified(key), "'\(text)' is no size at all; give one above 0, such as 512KB or 32MB")
        }
        guard bytes <= DurationParser.maximumBytes else {
            throw parser.error(at: node(key)!, key: qualified(key),
                               "'\(text)' is larger than \(DurationParser.maximumBytesText)")
        }
        return Int(bytes)
    }

    /// A duration past any use is a mistake, and would not fit the integers it becomes.
    func refuseBeyondMaximum(_ key: String, _ text: String, _ seconds: Double) throws(ConfigError) {
        guard seconds > DurationParser.maximumSeconds else { return }
        throw parser.error(at: node(key)!, key: qualified(key),
                           "'\(text)' is longer than \(DurationParser.maximumSecondsText)")
    }

    func positiveInt(_ key: String) throws(ConfigError) -> Int? {
        guard let text = try string(key) else { return nil }
        guard let value = Int(text), value > 0 else {
            throw parser.error(at: node(key)!, key: qualified(key), "'\(text)' must be a whole number above 0")
        }
        return value
    }

    func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let text = try string(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw parser.error(at: node(key)!, key: qualified(key), "'\(text)' must be true or false")
        }
    }

    func qualified(_ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }
}

/// Levenshtein distance, for "did you mean" hints on misspelt keys.
func editDistance(_ lhs: String, _ rhs: String) -> Int {
    let left = Array(lhs), right = Array(rhs)
    var previous = Array(0...right.count)
    for (i, leftCharacter) in left.enumerated() {
        var current = [i + 1]
        for (j, rightCharacter) in right.enumerated() {
            let substitution = previous[j] + (leftCharacter == rightCharacter ? 0 : 1)
            current.append(min(substitution, previous[j + 1] + 1, current[j] + 1))
        }
        previous = current
    }
    return previous[right.count]
}

/// The configured name closest to one mistyped on the command line, for "did you mean".
public enum NameSuggestion {
    public static func closest(to wanted: String, among names: [String]) -> String? {
        let lowered = wanted.lowercased()
        guard let best = names.min(by: { editDistance($0.lowercased(), lowered) < editDistance($1.lowercased(), lowered) })
        else { return nil }
        return editDistance(best.lowercased(), lowered) <= max(2, wanted.count / 3) ? best : nil
    }
}
