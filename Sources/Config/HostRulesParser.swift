internal import FeedModel
internal import Yams

/// The `hosts:` list: politeness per host or host pattern, e.g.
/// `- match: "*.tumblr.com"` with `concurrency: 2`, `gap: 1s`, `burst: 1`.
struct HostRulesParser {
    static let keys = ["match", "concurrency", "gap", "burst"]
    let parser: ConfigParser
    let defaults: CrawlerConfig

    func parse(_ node: Node?) throws(ConfigError) -> [HostRule] {
        guard let node else { return [] }
        guard let sequence = node.sequence else {
            throw parser.error(at: node, key: "hosts", "must be a list (each entry starting with `- match: ...`)")
        }
        var rules: [HostRule] = []
        for (index, entry) in sequence.enumerated() {
            rules.append(try parseRule(entry, path: "hosts[\(index)]"))
        }
        return rules
    }

    private func parseRule(_ node: Node, path: String) throws(ConfigError) -> HostRule {
        guard let mapping = node.mapping else {
            throw parser.error(at: node, key: path, "each host rule must be a mapping with at least `match:`")
        }
        let reader = MappingReader(parser: parser, mapping: mapping, path: path)
        try reader.rejectUnknownKeys(allowed: Self.keys)
        guard let pattern = try reader.string("match"), isValid(pattern) else {
            throw parser.error(at: reader.node("match") ?? node, key: "\(path).match",
                               "needs a host name like feeds.example.org or a pattern like *.tumblr.com")
        }
        return HostRule(pattern: pattern,
                        concurrency: try reader.positiveInt("concurrency") ?? defaults.perHostConcurrency,
                        gap: try reader.duration("gap", allowZero: true) ?? defaults.hostGap,
                        burst: try reader.positiveInt("burst") ?? 1)
    }

    private func isValid(_ pattern: String) -> Bool {
        let host = pattern.hasPrefix("*.") ? String(pattern.dropFirst(2)) : pattern
        return !host.isEmpty && !host.contains("*") && !host.contains("/") && !host.contains(" ")
    }
}
