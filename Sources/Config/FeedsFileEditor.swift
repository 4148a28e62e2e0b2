public import FeedModel
internal import Yams

/// Adds feeds to the text of feeds.yaml without disturbing what is there: comments, order and
/// formatting of the existing file are kept, and the new entries go in a marked block at the end
/// of the `feeds:` list. The result is validated before it is returned.
public struct FeedsFileEditor: Sendable {
    public let parser: ConfigParser

    public init(parser: ConfigParser) {
        self.parser = parser
    }

    public enum Failure: Error, CustomStringConvertible {
        /// The file as it is does not load.
        case invalid(ConfigError)
        /// A new entry would not load; named by its feed, as its line is in no file.
        case invalidEntry(FeedConfig, ConfigError)
        case feedsNotLast(file: String, line: Int)

        public var description: String {
            switch self {
            case .invalid(let error): return "\(error)"
            case .invalidEntry(let feed, let error):
                let key = error.key.split(separator: ".").dropFirst().joined(separator: ".")
                return "\(error.file): cannot add '\(feed.name)' (\(feed.url)): "
                    + (key.isEmpty ? "" : "\(key): ") + "\(error.message); the file is left as it was"
            case .feedsNotLast(let file, let line):
                return "\(file):\(line): feeds: must be the last setting in the file to append to it; move it to the end"
            }
        }
    }

    /// The new file text with `feeds` appended under a `# comment` line; those named in
    /// `disabled` with `enabled: false`.
    public func appending(_ feeds: [FeedConfig], disabled: Set<String> = [], to original: String,
                          comment: String) throws(Failure) -> String {
        do { _ = try parser.parse(original) } catch { throw .invalid(error) }
        // Edited with LF line ends (a String takes CR LF for one Character, which no "\n" split
        // finds), written back with the file's own.
        let crlf = original.contains("\r\n")
        let text = crlf ? original.replacingOccurrences(of: "\r\n", with: "\n") : original
        let indent = try itemIndent(in: text)
        var lines = Self.withoutDocumentEnd(text.hasSuffix("\n") || text.isEmpty ? text : text + "\n")
        if !text.contains("feeds:") { lines += "feeds:\n" }
        lines = Self.openingEmptyFeedsList(lines)
        lines += "\(indent)# \(comment)\n"
        var firstLines: [(line: Int, feed: FeedConfig)] = []
        var line = lines.utf8.count(where: { $0 == UInt8(ascii: "\n") }) + 1
        for feed in feeds {
            let text = entry(for: feed, enabled: !disabled.contains(feed.name), indent: indent)
            firstLines.append((line, feed))
            line += text.utf8.count(where: { $0 == UInt8(ascii: "\n") })
            lines += text
        }
        do {
            _ = try parser.parse(lines)
        } catch {
            guard let culprit = firstLines.last(where: { $0.line <= error.line }) else { throw .invalid(error) }
            throw .invalidEntry(culprit.feed, error)
        }
        return crlf ? lines.replacingOccurrences(of: "\n", with: "\r\n") : lines
    }

    /// `feeds: []`, `feeds: [ ]` or `feeds: []  # none yet` as `feeds:`, comment kept, for items to follow.
    static func openingEmptyFeedsList(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard line.hasPrefix("feeds:") else { return String(line) }
            let value = line.dropFirst("feeds:".count).split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            guard value[0].filter({ $0 != " " && $0 != "\t" }) == "[]" else { return String(line) }
            return "feeds:" + (value.count > 1 ? "  #" + value[1] : "")
        }.joined(separator: "\n")
    }

    /// The text without a closing `...` (YAML's end of document), which new items cannot follow.
    static func withoutDocumentEnd(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let last = lines.lastIndex(where: { !$0.trimmingSuffixSpaces().isEmpty }),
              lines[last].trimmingSuffixSpaces() == "..." else { return text }
        lines.remove(at: last)
        return lines.joined(separator: "\n")
    }

    private func entry(for feed: FeedConfig, enabled: Bool, indent: String) -> String {
        var text = "\(indent)- url: \(YAMLText.quoted(feed.url))\n\(indent)  name: \(YAMLText.quoted(feed.name))\n"
        if !feed.categories.isEmpty {
            text += "\(indent)  categories: [\(feed.categories.map(YAMLText.quoted).joined(separator: ", "))]\n"
        }
        if let site = feed.siteURL { text += "\(indent)  site_url: \(YAMLText.quoted(site))\n" }
        if feed.allowPrivateNetworks { text += "\(indent)  allow_private_networks: true\n" }
        if !enabled { text += "\(indent)  enabled: false\n" }
        return text
    }

    /// The indentation of existing `- url:` items, checking that `feeds:` is the last top-level key.
    private func itemIndent(in text: String) throws(Failure) -> String {
        guard let root = try? Yams.compose(yaml: text), let mapping = root.mapping else { return "  " }
        let keys = Array(mapping.keys)
        if let last = keys.last, last.string != "feeds", let feedsKey = keys.first(where: { $0.string == "feeds" }) {
            throw .feedsNotLast(file: parser.fileName, line: feedsKey.mark?.line ?? 0)
        }
        guard let first = mapping["feeds"]?.sequence?.first, let line = first.mark?.line else { return "  " }
        // The mark points at the item's first key; the dash is the first thing on its line
        // (`- url:` or `-   url:`), and new items start in its column.
        let text = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= text.count else { return "  " }
        return String(text[line - 1].prefix(while: { $0 == " " }))
    }
}

/// YAML scalars written by the editor: plain when safe, single-quoted otherwise, double-quoted
/// with escapes when the value holds a control, DEL, C1, separator or bidi override (an OPML
/// title may): YAML refuses C1 raw, and the file stays readable in any editor.
enum YAMLText {
    static func quoted(_ value: String) -> String {
        if value.unicodeScalars.contains(where: TerminalText.isUnsafe) { return doubleQuoted(value) }
        let safe = value.first.map { $0.isLetter || $0.isNumber } == true
            && value.allSatisfy { $0.isLetter || $0.isNumber || "-_./:?=&%+~@".contains($0) }
            && !value.contains(": ") && !value.hasSuffix(":") && !readsAsAnotherType.contains(value.lowercased())
        return safe ? value : "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
    }

    /// Plain words YAML reads as null or a boolean, in feeds.yaml or in any other YAML reader.
    private static let readsAsAnotherType: Set<String> = ["null", "true", "false", "yes", "no", "on", "off", "y", "n"]

    private static func doubleQuoted(_ value: String) -> String {
        var output = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            // YAML's \uXXXX is JSON's, which is TerminalText's.
            case _ where TerminalText.isUnsafe(scalar): output += TerminalText.escape(scalar)
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

extension Substring {
    func trimmingSuffixSpaces() -> String {
        String(self.reversed().drop(while: { $0 == " " }).reversed())
    }
}
