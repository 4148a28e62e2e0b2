public import FeedModel
public import Store

/// The output settings documents are written with (`output:`, `template:`, `document_path:`),
/// recorded in the store so a change is noticed before a crawl would mix two formats or two
/// layouts in one folder.
public enum StoreProfile {
    /// The settings as one line, the template by a hash of its text.
    public static func fingerprint(of config: CrawlerConfig) -> String {
        var text = "output: \(config.output.name), document_path: \(config.documentPath)"
        if case .template(let template) = config.output { text += ", template: fnv1a-\(fnv1a(template))" }
        return text
    }

    /// The `document_path:` a fingerprint names.
    public static func documentPath(in fingerprint: String) -> String? {
        guard let start = fingerprint.range(of: ", document_path: ") else { return nil }
        let rest = fingerprint[start.upperBound...]
        return String(rest[..<(rest.range(of: ", template: ")?.lowerBound ?? rest.endIndex)])
    }

    /// Whether documents are held to Hexo's grammar (SPEC.md): the configuration says Hexo and so
    /// did the settings they were written with. Until a rerender to Hexo has run to its end (not run
    /// yet, or cut by a crash or power cut) documents are in the profile recorded before, whole in
    /// theirs; calling them corrupt would advise forgetting them.
    public static func holdsHexoGrammar(config: CrawlerConfig, recorded: String?) -> Bool {
        config.output == .hexo && (recorded.map { $0.hasPrefix("output: hexo,") } ?? true)
    }

    /// The settings of the fingerprint that differ, as the operator wrote them (for a reload's reason).
    public static func changes(from running: CrawlerConfig, to fresh: CrawlerConfig) -> [String] {
        var changes: [String] = []
        if running.output.name != fresh.output.name {
            changes.append("output: (\(running.output.name) → \(fresh.output.name))")
        } else if running.output != fresh.output {
            changes.append("template:")
        }
        // A path that only follows its output's default is told by the output's change.
        let followsOutput = running.documentPath == running.output.defaultDocumentPath
            && fresh.documentPath == fresh.output.defaultDocumentPath
        if running.documentPath != fresh.documentPath && !followsOutput {
            changes.append("document_path: (\(running.documentPath) → \(fresh.documentPath))")
        }
        return changes
    }

    public struct Mismatch: Error, CustomStringConvertible {
        public let store: String
        public let documents: Int
        public let recorded: String
        public let current: String

        public var description: String {
            "the store \(store) holds \(documents) documents written with \(recorded); the configuration now says "
                + "\(current). Run `crawler store rerender` to rewrite them with the new settings (or put the old "
                + "settings back); nothing was fetched"
        }
    }

    /// Round 21: rebuild-index exited 1 for files of another output, and the next crawl stored
    /// every item again beside them all the same.
    public struct ForeignFiles: Error, CustomStringConvertible {
        public let store: String
        public let leftOut: String

        public var description: String {
            "the store \(store) holds \(leftOut): a crawl would store their items a second time. Set output: "
                + "(and template:, document_path:) back to the ones they were written with and run `crawler store "
                + "rebuild-index` again; nothing was fetched"
        }
    }

    public struct InterruptedRerender: Error, CustomStringConvertible {
        public let store: String
        public let profile: String

        public var description: String {
            "a `crawler store rerender` of \(store) (to \(profile)) did not finish: some documents are written with the "
                + "old settings, some with the new, some perhaps under both names. Run `crawler store rerender` again "
                + "to finish it (if it was cut short), or do what it said it needs (documents it cannot write in the new "
                + "settings: their feed back in the configuration, or the old settings back); nothing was fetched"
        }
    }

    /// Records the settings of an empty store (or one from before they were recorded); throws
    /// when a store with documents was written with other settings, or is still half rewritten.
    public static func check(_ store: DocumentStore, config: CrawlerConfig) throws -> Void {
        if let profile = store.interruptedRerender() { throw InterruptedRerender(store: store.root, profile: profile) }
        if let foreign = try store.foreignFiles() { throw ForeignFiles(store: store.root, leftOut: foreign) }
        let current = fingerprint(of: config)
        let recorded = try store.recordedProfile()
        guard recorded != current else { return }
        let documents = try store.documentCount()
        guard let recorded, documents > 0 else { return try store.recordProfile(current) }
        throw Mismatch(store: store.root, documents: documents, recorded: recorded, current: current)
    }

    /// Whether a document's bytes begin as `output` writes them (Hexo's empty line and title,
    /// Jekyll's `layout: post`, Hugo's `draft: false` closing the front matter). A template's
    /// documents cannot be told: never.
    public static func reads(_ bytes: [UInt8], as output: OutputProfile) -> Bool {
        let head = String(decoding: bytes.prefix(4096), as: UTF8.self)
        switch output {
        case .hexo: return head.hasPrefix("\n---\ntitle: ")
        case .jekyll: return head.hasPrefix("---\nlayout: post\n")
        case .hugo: return head.hasPrefix("---\n") && head.contains("\ndraft: false\n---\n")
        case .template: return false
        }
    }

    /// FNV-1a, 64 bits, as hex: a change of the template's text, not a secret.
    private static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
