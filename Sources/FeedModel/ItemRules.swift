/// What a feed's `block:`, `keep:` and `rewrite:` lists say, as written (patterns are text here;
/// Convert compiles them). Global rules come first, then the feed's own.
public struct ItemRules: Sendable, Hashable, Codable {
    /// An item matching any of these is not stored.
    public var block: [ItemRule] = []
    /// When not empty, only items matching one of these are stored.
    public var keep: [ItemRule] = []
    /// Applied to every body in order, before the sanitizer.
    public var rewrite: [BodyRewriteRule] = []

    public init(block: [ItemRule] = [], keep: [ItemRule] = [], rewrite: [BodyRewriteRule] = []) {
        self.block = block
        self.keep = keep
        self.rewrite = rewrite
    }

    public var isEmpty: Bool { block.isEmpty && keep.isEmpty && rewrite.isEmpty }

    /// These rules after `other`'s (the global ones before a feed's own).
    public func after(_ other: ItemRules) -> ItemRules {
        ItemRules(block: other.block + block, keep: other.keep + keep, rewrite: other.rewrite + rewrite)
    }
}

/// One entry of `block:` or `keep:`: every field's pattern must match.
public struct ItemRule: Sendable, Hashable, Codable {
    /// The item fields a rule may test.
    public static let fields = ["title", "content", "author", "link", "categories"]

    public struct Condition: Sendable, Hashable, Codable {
        /// One of `ItemRule.fields`.
        public var field: String
        /// A regular expression, searched for anywhere in the field (anchor it with ^ and $).
        public var pattern: String

        public init(field: String, pattern: String) {
            self.field = field
            self.pattern = pattern
        }
    }

    public var conditions: [Condition]
    /// Where it was written, for the log line of an item it drops: `feeds.yaml:12`.
    public var place: String

    public init(conditions: [Condition], place: String = "") {
        self.conditions = conditions
        self.place = place
    }

    /// `title=~/sponsored/ author=~/^PR$/ (feeds.yaml:12)`
    public var description: String {
        let text = conditions.map { "\($0.field)=~/\($0.pattern)/" }.joined(separator: " ")
        return place.isEmpty ? text : "\(text) (\(place))"
    }
}

/// One entry of `rewrite:`: every match of `pattern` in a body becomes `replacement`, where `$0`
/// is the whole match and `$1`...`$9` its groups.
public struct BodyRewriteRule: Sendable, Hashable, Codable {
    public var pattern: String
    public var replacement: String

    public init(pattern: String, replacement: String) {
        self.pattern = pattern
        self.replacement = replacement
    }
}
