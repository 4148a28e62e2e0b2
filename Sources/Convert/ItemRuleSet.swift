public import FeedModel

/// A feed's `block:`, `keep:` and `rewrite:` rules, compiled once per read of the feed. Not
/// Sendable (the standard library's `Regex` is not): each reader compiles its own.
public struct ItemRuleSet {
    /// Why an item is not stored.
    public enum Drop: Sendable, Hashable {
        /// It matched this block rule.
        case blocked(ItemRule)
        /// The feed has keep rules and it matched none of them.
        case notKept

        /// For the log line and `crawler preview`.
        public var reason: String {
            switch self {
            case .blocked(let rule): return "block rule \(rule.description)"
            case .notKept: return "matches no keep rule"
            }
        }
    }

    private struct Compiled {
        var rule: ItemRule
        var conditions: [(field: String, regex: Regex<AnyRegexOutput>)]
    }

    private let block: [Compiled]
    private let keep: [Compiled]
    public let rewrites: BodyRewrites

    /// Config validated every pattern; one that still fails to compile never matches.
    public init(_ rules: ItemRules) {
        block = rules.block.map(Self.compile)
        keep = rules.keep.map(Self.compile)
        rewrites = BodyRewrites(rules.rewrite)
    }

    public var isEmpty: Bool { block.isEmpty && keep.isEmpty && rewrites.isEmpty }

    /// nil when the item is to be stored.
    public func drop(_ item: Item) -> Drop? {
        if let rule = block.first(where: { matches($0, item) }) { return .blocked(rule.rule) }
        if !keep.isEmpty, !keep.contains(where: { matches($0, item) }) { return .notKept }
        return nil
    }

    private func matches(_ rule: Compiled, _ item: Item) -> Bool {
        guard rule.conditions.count == rule.rule.conditions.count else { return false }
        return rule.conditions.allSatisfy { condition in
            Self.values(condition.field, of: item).contains { $0.contains(condition.regex) }
        }
    }

    /// The texts a field stands for: `categories` matches when any one category does; a field
    /// the item lacks is the empty text (so `^$` finds items without an author).
    static func values(_ field: String, of item: Item) -> [String] {
        switch field {
        case "title": return [item.title]
        case "content": return [item.contentHTML]
        case "author": return [item.author ?? ""]
        case "link": return [item.link ?? ""]
        case "categories": return item.categories.isEmpty ? [""] : item.categories
        default: return []
        }
    }

    private static func compile(_ rule: ItemRule) -> Compiled {
        Compiled(rule: rule, conditions: rule.conditions.compactMap { condition in
            (try? Regex(condition.pattern)).map { (condition.field, $0) }
        })
    }
}

/// `rewrite:` compiled: each pattern's matches replaced in turn, `$0`-`$9` naming the match and
/// its groups (`$$` is a dollar sign).
public struct BodyRewrites {
    private let rules: [(regex: Regex<AnyRegexOutput>, replacement: String)]

    public init(_ rules: [BodyRewriteRule]) {
        self.rules = rules.compactMap { rule in (try? Regex(rule.pattern)).map { ($0, rule.replacement) } }
    }

    public var isEmpty: Bool { rules.isEmpty }

    public func apply(_ body: String) -> String {
        var text = body
        for rule in rules {
            var output = ""
            var cursor = text.startIndex
            let matches = text.matches(of: rule.regex)
            guard !matches.isEmpty else { continue }
            for match in matches {
                output += text[cursor..<match.range.lowerBound]
                output += Self.expand(rule.replacement, match.output)
                cursor = match.range.upperBound
            }
            output += text[cursor...]
            text = output
        }
        return text
    }

    static func expand(_ template: String, _ groups: AnyRegexOutput) -> String {
        guard template.contains("$") else { return template }
        var output = ""
        var characters = template.makeIterator()
        while let character = characters.next() {
            guard character == "$" else { output.append(character); continue }
            guard let next = characters.next() else { output.append("$"); break }
            if let digit = next.wholeNumberValue, next.isASCII {
                if digit < groups.count, let text = groups[digit].substring { output += text }
            } else if next == "$" {
                output.append("$")
            } else {
                output.append("$")
                output.append(next)
            }
        }
        return output
    }
}
