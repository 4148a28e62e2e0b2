internal import FeedModel
internal import Markup
internal import Yams

/// `block:`, `keep:` and `rewrite:`, globally and per feed. Each pattern is compiled here once, so
/// a bad regular expression is refused with its line before anything is fetched.
///
///     block:
///       - title: "(?i)sponsored"
///         author: "^PR Desk$"          # all fields of one rule must match
///     keep:
///       - categories: "Finance|Markets"
///     rewrite:
///       '<p class="ad">.*?</p>': ''    # regex → replacement ($1 for a group)
struct RulesParser {
    let parser: ConfigParser

    static let keys = ["block", "keep", "rewrite"]

    func parse(_ reader: MappingReader) throws(ConfigError) -> ItemRules {
        ItemRules(block: try rules(reader, "block"), keep: try rules(reader, "keep"),
                  rewrite: try rewrites(reader))
    }

    private func rules(_ reader: MappingReader, _ name: String) throws(ConfigError) -> [ItemRule] {
        guard let node = reader.node(name), !MappingReader.isNull(node) else { return [] }
        let key = reader.qualified(name)
        // A plain `keep: 90d` or `keep: 500` is retention (RetentionParser), not a rule list.
        if name == "keep", node.scalar != nil { return [] }
        guard let sequence = node.sequence else {
            throw parser.error(at: node, key: key, "must be a list of rules, e.g. - title: \"(?i)sponsored\"")
        }
        var rules: [ItemRule] = []
        for (index, entry) in sequence.enumerated() {
            let entryKey = "\(key)[\(index)]"
            guard let mapping = entry.mapping, !mapping.isEmpty else {
                throw parser.error(at: entry, key: entryKey, "each rule must be a mapping of fields to "
                                   + "regular expressions (\(ItemRule.fields.joined(separator: ", ")))")
            }
            var conditions: [ItemRule.Condition] = []
            for (field, value) in mapping {
                let fieldName = field.scalar?.string ?? "?"
                guard ItemRule.fields.contains(fieldName) else {
                    throw parser.error(at: field, key: entryKey, "unknown field '\(fieldName)'; a rule tests "
                                       + ItemRule.fields.joined(separator: ", "))
                }
                let pattern = try self.pattern(value, key: "\(entryKey).\(fieldName)")
                conditions.append(ItemRule.Condition(field: fieldName, pattern: pattern))
            }
            rules.append(ItemRule(conditions: conditions, place: "\(parser.fileName):\(entry.mark?.line ?? 0)"))
        }
        return rules
    }

    private func rewrites(_ reader: MappingReader) throws(ConfigError) -> [BodyRewriteRule] {
        guard let node = reader.node("rewrite"), !MappingReader.isNull(node) else { return [] }
        let key = reader.qualified("rewrite")
        guard let mapping = node.mapping else {
            throw parser.error(at: node, key: key, "must be a mapping of regular expressions to replacements, "
                               + "e.g. '<p class=\"ad\">.*?</p>': ''")
        }
        var rules: [BodyRewriteRule] = []
        for (patternNode, value) in mapping {
            let pattern = try self.pattern(patternNode, key: key)
            guard let replacement = value.scalar?.string else {
                throw parser.error(at: value, key: "\(key).\(pattern)", "the replacement must be a plain value")
            }
            rules.append(BodyRewriteRule(pattern: pattern, replacement: MappingReader.isNull(value) ? "" : replacement))
        }
        return rules
    }

    /// A non-empty regular expression that compiles.
    private func pattern(_ node: Node, key: String) throws(ConfigError) -> String {
        guard let text = node.scalar?.string, !text.isEmpty else {
            throw parser.error(at: node, key: key, "must be a regular expression (a plain, non-empty value)")
        }
        do {
            _ = try Regex(text)
        } catch {
            throw parser.error(at: node, key: key, "'\(text)' is not a valid regular expression: \(error)")
        }
        return text
    }
}

/// `full_content:`, `content_selector:` and `remove:` of one feed; selectors are checked here,
/// so a mistake names its line before anything is fetched.
struct ArticleSettingsParser {
    let parser: ConfigParser

    static let keys = ["full_content", "content_selector", "remove"]

    func parse(_ reader: MappingReader) throws(ConfigError) -> ArticleSettings {
        var settings = ArticleSettings()
        settings.fullContent = try reader.bool("full_content") ?? false
        if let selector = try reader.string("content_selector") {
            try check(selector, at: reader.node("content_selector")!, key: reader.qualified("content_selector"))
            settings.contentSelector = selector
        }
        settings.remove = try reader.stringList("remove") ?? []
        if let node = reader.node("remove") {
            let nodes = node.sequence.map(Array.init) ?? [node]
            for (index, selector) in settings.remove.enumerated() {
                try check(selector, at: nodes[min(index, nodes.count - 1)], key: "\(reader.qualified("remove"))[\(index)]")
            }
        }
        return settings
    }

    private func check(_ selector: String, at node: Node, key: String) throws(ConfigError) {
        do {
            _ = try CSSSelector(selector)
        } catch {
            throw parser.error(at: node, key: key, "'\(selector)' is not a CSS selector we read: \(error) "
                               + "(tag, .class, #id, [attr=value], descendant and > child)")
        }
    }
}
