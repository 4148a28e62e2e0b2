internal import FeedModel

extension MappingReader {
    /// `keep: 500` (the newest documents) or `keep: 90d` (a duration).
    func retention(_ key: String) throws(ConfigError) -> Retention? {
        // `keep:` as a list is the item rules' (RulesParser); as a plain value, retention.
        if let list = node(key), list.sequence != nil { return nil }
        // A rule written without its `- ` is a mapping: say what each shape means.
        if let mapping = node(key), mapping.mapping != nil {
            throw parser.error(at: mapping, key: qualified(key), "is a mapping; write a value to keep documents "
                               + "(keep: 500, keep: 90d) or a list of rules to keep items (keep: [{title: \"(?i)markets\"}])")
        }
        guard let text = try string(key)?.trimmingSpaces() else { return nil }
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            // Round 59: a count past Int's range was said to "keep nothing".
            guard let count = Int(text) else {
                throw parser.error(at: node(key)!, key: qualified(key),
                                   "'\(text)' is past any count of documents; leave keep: out to keep them all")
            }
            guard count > 0 else {
                throw parser.error(at: node(key)!, key: qualified(key),
                                   "'\(text)' keeps nothing; give a count above 0 (keep: 500) or an age (keep: 90d)")
            }
            return .newest(count)
        }
        // `500.0` read as seconds forgot every document older than eight minutes, for good.
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) {
            throw parser.error(at: node(key)!, key: qualified(key),
                               "'\(text)' is neither a whole count nor an age; write keep: 500 (the newest documents) "
                               + "or an age with its unit (keep: 90d, 12h)")
        }
        if DurationParser.seconds(text, allowZero: true) == 0 {
            throw parser.error(at: node(key)!, key: qualified(key),
                               "'\(text)' keeps nothing; give a count above 0 (keep: 500) or an age (keep: 90d)")
        }
        guard let seconds = DurationParser.unboundedSeconds(text), seconds > 0 else {
            throw parser.error(at: node(key)!, key: qualified(key),
                               "'\(text)' is neither a count (keep: 500) nor an age (keep: 90d, 12h) "
                               + "nor a list of rules (keep: [{title: \"(?i)markets\"}])")
        }
        // `keep: 6m` (six months meant) forgot every post older than six minutes, for good, and
        // `keep: 120m` kept two hours. Minutes and seconds are no age to keep posts for.
        guard seconds >= 3600, !text.contains(where: { $0 == "m" || $0 == "s" }) else {
            throw parser.error(at: node(key)!, key: qualified(key),
                               "'\(text)' is minutes or seconds of posts; an age to keep is hours, days or weeks "
                               + "(keep: 12h, 90d, 26w; months as days: 180d)")
        }
        try refuseBeyondMaximum(key, text, seconds)
        return .within(seconds: seconds)
    }
}

extension ConfigParser {
    /// A fleet's store (`database:`) keeps every document: `keep:` as retention would be ignored
    /// there without a word, so it is refused with its line. `keep:` rules (a list) are fine.
    func refuseRetentionInFleet(_ reader: MappingReader, database: String?) throws(ConfigError) {
        guard database != nil else { return }
        var readers = [reader]
        for (index, entry) in (reader.node("feeds")?.sequence ?? []).enumerated() {
            guard let mapping = entry.mapping else { continue }
            readers.append(MappingReader(parser: self, mapping: mapping, path: "feeds[\(index)]"))
        }
        for each in readers {
            guard let node = each.node("keep"), node.scalar != nil, !MappingReader.isNull(node) else { continue }
            throw error(at: node, key: each.qualified("keep"), "a fleet's store (database:) keeps every document; "
                        + "retention works on a local store only: remove it, or forget documents with `crawler store forget`")
        }
    }
}
