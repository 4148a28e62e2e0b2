internal import FeedModel

/// `revisions: replace | new | keep-first` and `identity: guid | link | title | content`,
/// globally (the defaults) and per feed.
extension MappingReader {
    func revisions(default fallback: RevisionPolicy) throws(ConfigError) -> RevisionPolicy {
        try choice("revisions", default: fallback)
    }

    func identity(default fallback: ItemIdentityRule) throws(ConfigError) -> ItemIdentityRule {
        try choice("identity", default: fallback)
    }

    private func choice<Value: RawRepresentable & CaseIterable>(
        _ key: String, default fallback: Value
    ) throws(ConfigError) -> Value where Value.RawValue == String {
        guard let text = try string(key) else { return fallback }
        if let value = Value(rawValue: text.lowercased()) { return value }
        let known = Value.allCases.map(\.rawValue).joined(separator: ", ")
        throw parser.error(at: node(key)!, key: qualified(key), "'\(text)' is not one of \(known)")
    }
}
