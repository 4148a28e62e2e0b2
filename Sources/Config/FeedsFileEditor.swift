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
        /// `feeds:` written as a flow list, under a quoted key, or in a file that is one flow mapping.
        case notBlockList(file: String, line: Int)
        /// The edited file loads, but not with the feeds it had and the new ones.
        case notReadBack(file: String)
        /// The edit would change how the file's own settings read (or make them fail to).
        case changesExisting(file: String, detail: String?, lastLineUnended: Bool)

        public var description: String {
            switch self {
            case .invalid(let error): return "\(error)"
            case .invalidEntry(let feed, let error):
                let key = error.key.split(separator: ".").dropFirst().joined(separator: ".")
                return "\(error.file): cannot add '\(feed.name)' (\(feed.url)): "
                    + (key.isEmpty ? "" : "\(key): ") + "\(error.message); the file is left as it was"
            case .feedsNotLast(let file, let line):
                return "\(file):\(line): feeds: must be the last setting in the file to append to it; move it to the end"
            case .notReadBack(let file):
                return "\(file): the new feeds would not be read as written (the file's layout is one the editor "
                    + "does not know); add them by hand; the file is left as it was"
            case .changesExisting(let file, let detail, let lastLineUnended):
                return "\(file): adding to it would change how its own settings read"
                    + (detail.map { " (\($0))" } ?? "")
                    + (lastLineUnended ? "; its last line has no line break, and one added there changes a `|` or `>` "
                       + "value that ends the file: end that line yourself and run again" : "; add the feeds by hand")
                    + "; the file is left as it was"
            case .notBlockList(let file, let line):
                return "\(file):\(line): feeds: is not a block list (`feeds:` at the start of a line, each feed below "
                    + "it as `- url: ...`), which is what new feeds are appended to; write it so, or add the feed by hand; "
                    + "the file is left as it was"
            }
        }
    }

    /// Where the new entries go, read from the file's YAML: the items' indentation, and the line
    /// of the `feeds` key itself when it must be opened for them (`feeds: []`), or nil for none.
    struct Layout {
        var indent = "  "
        var hasFeedsKey = false
        var lineToOpen: Int?
        /// The line below `feeds:` that holds its empty value (`  []`), to be left a comment or blank.
        var lineToEmpty: Int?
    }

    /// The new file text with `feeds` appended under a `# comment` line; those named in
    /// `disabled` with `enabled: false`. Every line of the file keeps its bytes and its own line
    /// end, but the `feeds: []` line opened for the new items and a closing `...`; the new lines
    /// take the file's usual end (LF, CR LF or CR: what most of its lines end with).
    public func appending(_ feeds: [FeedConfig], disabled: Set<String> = [], to original: String,
                          comment: String) throws(Failure) -> String {
        let before: CrawlerConfig
        do { before = try parser.parse(original) } catch { throw .invalid(error) }
        var lines = Self.lines(of: original)
        let layout = try layout(of: original, lines: lines.map(\.content))
        let end = ["\n", "\r\n", "\r"].max { kind, other in
            lines.filter { $0.end == kind }.count < lines.filter { $0.end == other }.count
        } ?? "\n"
        if let last = lines.last, last.end.isEmpty {
            if last.content.isEmpty { lines.removeLast() } else { lines[lines.count - 1].end = end }
        }
        Self.dropDocumentEnd(&lines)
        if let line = layout.lineToOpen { lines[line - 1].content = Self.opened(lines[line - 1].content) }
        if let line = layout.lineToEmpty { lines[line - 1].content = Self.emptied(lines[line - 1].content) }
        if !layout.hasFeedsKey { lines.append(Line(content: "feeds:", end: end)) }
        lines.append(Line(content: "\(layout.indent)# \(Self.oneLine(comment))", end: end))
        var firstLines: [(line: Int, feed: FeedConfig)] = []
        for feed in feeds {
            firstLines.append((lines.count + 1, feed))
            for text in entry(for: feed, enabled: !disabled.contains(feed.name), indent: layout.indent).split(separator: "\n") {
                lines.append(Line(content: String(text), end: end))
            }
        }
        let text = lines.map { $0.content + $0.end }.joined()
        let unended = original.unicodeScalars.last.map { !["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains($0) } ?? false
        let after: CrawlerConfig
        do {
            after = try parser.parse(text)
        } catch {
            guard let culprit = firstLines.last(where: { $0.line <= error.line }) else {
                throw .changesExisting(file: parser.fileName, detail: "\(error)", lastLineUnended: unended)
            }
            throw .invalidEntry(culprit.feed, error)
        }
        // Read back, the file must hold what it held, setting for setting, and the new feeds as given.
        guard Self.settingsAndFeeds(of: after, excluding: feeds) == Self.settingsAndFeeds(of: before, excluding: []) else {
            throw .changesExisting(file: parser.fileName, detail: nil, lastLineUnended: unended)
        }
        guard Self.readsBack(feeds, disabled: disabled, in: after) else { throw .notReadBack(file: parser.fileName) }
        return text
    }

    /// The settings and the feeds (but those named in `excluding`), as comparable values: a feed's
    /// line is where it is, not what it says.
    private static func settingsAndFeeds(of config: CrawlerConfig, excluding added: [FeedConfig]) -> CrawlerConfig {
        let names = Set(added.map(\.name))
        func kept(_ feeds: [FeedConfig]) -> [FeedConfig] {
            feeds.filter { !names.contains($0.name) }.map { feed in
                var feed = feed
                feed.line = 0
                return feed
            }
        }
        var config = config
        config.feeds = kept(config.feeds)
        config.disabledFeeds = kept(config.disabledFeeds)
        return config
    }

    /// Whether each new feed reads back with the name, URL, categories and site it was given, and
    /// disabled exactly when asked.
    private static func readsBack(_ feeds: [FeedConfig], disabled: Set<String>, in config: CrawlerConfig) -> Bool {
        let enabled = Dictionary(config.feeds.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let off = Dictionary(config.disabledFeeds.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return feeds.allSatisfy { feed in
            guard let read = disabled.contains(feed.name) ? off[feed.name] : enabled[feed.name] else { return false }
            return read.url == feed.url && read.categories == feed.categories && read.siteURL == feed.siteURL
        }
    }

    /// A line of the file and the break that ends it ("" for a last line without one).
    struct Line {
        var content: String
        var end: String
    }

    /// The file's lines as libyaml counts them, so that its marks' line numbers find them: LF,
    /// CR LF, CR, NEL, LS and PS each end one.
    static func lines(of text: String) -> [Line] {
        var lines: [Line] = []
        var content = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "\r" where index < scalars.count && scalars[index] == "\n":
                index += 1
                lines.append(Line(content: String(content), end: "\r\n"))
            case "\n", "\r", "\u{85}", "\u{2028}", "\u{2029}":
                lines.append(Line(content: String(content), end: String(scalar)))
            default:
                content.append(scalar)
                continue
            }
            content = String.UnicodeScalarView()
        }
        lines.append(Line(content: String(content), end: ""))
        return lines
    }

    /// An empty list or null as written (white space and a comment aside): `[]`, `~`, `null`
    /// in any of YAML's three spellings, `!!seq []`, `!!null`.
    static func isEmptyValue(_ line: String) -> Bool {
        let value = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            .filter { $0 != " " && $0 != "\t" }
        return ["[]", "~", "null", "Null", "NULL", "!!seq[]", "!!null", "!!null~", "!!nullnull"].contains(value)
    }

    /// `feeds: []`, `feeds: [ ]`, `feeds: ~` or `feeds: []  # none yet` as `feeds:`, comment
    /// kept, for items to follow.
    static func opened(_ line: String) -> String {
        let value = line.dropFirst("feeds:".count).split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        return "feeds:" + (value.count > 1 ? "  #" + value[1] : "")
    }

    /// A line that held only an empty value, without it: its comment if it had one.
    static func emptied(_ line: String) -> String {
        let parts = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count > 1 ? String(line.prefix { $0 == " " || $0 == "\t" }) + "#" + parts[1] : ""
    }

    /// A one-line comment: a line break in it (an OPML file's name may hold one) would start
    /// lines of YAML of its own, feeds included.
    static func oneLine(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            if TerminalText.isUnsafe(scalar) { output += TerminalText.escape(scalar) } else { output.unicodeScalars.append(scalar) }
        }
        return output
    }

    /// Without a closing `...` (YAML's end of document), which new items cannot follow: the last
    /// line that is one (white space or a comment may follow it on its line), with nothing but
    /// blank lines and comments after it.
    static func dropDocumentEnd(_ lines: inout [Line]) {
        guard let last = lines.lastIndex(where: { !isBlankOrComment($0.content) }),
              lines[last].content.hasPrefix("...") else { return }
        let rest = lines[last].content.dropFirst(3)
        guard rest.first.map({ $0 == " " || $0 == "\t" }) ?? true, isBlankOrComment(String(rest)) else { return }
        // A comment on that line stays, on a line of its own.
        let comment = rest.drop { $0 == " " || $0 == "\t" }
        if comment.isEmpty { lines.remove(at: last) } else { lines[last].content = String(comment) }
    }

    private static func isBlankOrComment(_ line: String) -> Bool {
        let text = line.drop { $0 == " " || $0 == "\t" }
        return text.isEmpty || text.first == "#"
    }

    private func entry(for feed: FeedConfig, enabled: Bool, indent: String) -> String {
        var text = "\(indent)- url: \(YAMLText.quoted(feed.url))\n\(indent)  name: \(YAMLText.quoted(feed.name))\n"
        if !feed.categories.isEmpty {
            text += "\(indent)  categories: [\(feed.categories.map(YAMLText.quotedInFlow).joined(separator: ", "))]\n"
        }
        if let site = feed.siteURL { text += "\(indent)  site_url: \(YAMLText.quoted(site))\n" }
        if feed.allowPrivateNetworks { text += "\(indent)  allow_private_networks: true\n" }
        if !enabled { text += "\(indent)  enabled: false\n" }
        return text
    }

    /// The layout the new entries follow, checking that `feeds:` is the last top-level key and
    /// a block list (or empty, or nothing yet) that items can be appended to.
    /// `fileLines`: the text's lines as libyaml counts them (`lines(of:)`), without their ends.
    private func layout(of text: String, lines fileLines: [String]) throws(Failure) -> Layout {
        // Read from where things are, not from the nodes' styles (Yams 5 takes them from the
        // collection's end event, and gets them wrong).
        guard let root = try? Yams.compose(yaml: text), let mapping = root.mapping else { return Layout() }
        let keys = Array(mapping.keys)
        // By the key's text: a tag on it (`!!str feeds:`) is still the key the configuration reads.
        guard let (feedsKey, value) = mapping.first(where: { $0.key.string == "feeds" }) else { return Layout() }
        let line = feedsKey.mark?.line ?? 0
        if keys.last?.string != "feeds" { throw .feedsNotLast(file: parser.fileName, line: line) }
        let keyLine = line >= 1 && line <= fileLines.count ? fileLines[line - 1] : ""
        var layout = Layout(hasFeedsKey: true)
        // A block list: its first item on a later line, and its dash on the first line after the
        // key that starts with one (`- url:`, `-   url:`, or `-` alone with the key below it: the
        // mark points at the item's first key); new items start in the dash's column.
        if let first = value.sequence?.first, let itemLine = first.mark?.line, itemLine > line,
           itemLine <= fileLines.count,
           let dash = fileLines[line..<itemLine].first(where: { $0.drop(while: { $0 == " " }).first == "-" }) {
            layout.indent = String(dash.prefix(while: { $0 == " " }))
            return layout
        }
        // Empty: nothing after the key (items can follow), or `[]`/`~` on the key's own line.
        let written = keyLine.hasPrefix("feeds:") ? keyLine.dropFirst("feeds:".count)
            .split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            .filter { $0 != " " && $0 != "\t" } : nil
        switch written {
        case ""?:
            // Nothing at all, or an empty value on a line of its own below the key (`  ~`, `  []`).
            guard let valueLine = value.mark?.line, valueLine > line, valueLine <= fileLines.count else {
                if value.scalar != nil { return layout }
                throw .notBlockList(file: parser.fileName, line: line)
            }
            guard Self.isEmptyValue(fileLines[valueLine - 1]) else { throw .notBlockList(file: parser.fileName, line: line) }
            layout.lineToEmpty = valueLine
            return layout
        case let text? where Self.isEmptyValue(text):
            layout.lineToOpen = line
            return layout
        default: throw .notBlockList(file: parser.fileName, line: line)
        }
    }
}

/// YAML scalars written by the editor: plain when safe, single-quoted otherwise, double-quoted
/// with escapes when the value holds a control, DEL, C1, separator or bidi override (an OPML
/// title may): YAML refuses C1 raw, and the file stays readable in any editor.
enum YAMLText {
    /// Decided scalar by scalar: a Character (a grapheme cluster) that starts with a letter may
    /// hold a comma or a quote after it (U+0D4E prepends itself to the next character), and one
    /// that starts with a quote may be a quote and a combining mark.
    static func quoted(_ value: String) -> String {
        let scalars = value.unicodeScalars
        if scalars.contains(where: TerminalText.isUnsafe) { return doubleQuoted(value) }
        let safe = scalars.first.map(isLetterOrDigit) == true
            && scalars.allSatisfy { isLetterOrDigit($0) || isMark($0) || "-_./:?=&%+~@".unicodeScalars.contains($0) }
            && value.utf8.firstRange(of: ": ".utf8) == nil && value.utf8.last != UInt8(ascii: ":")
            && !readsAsAnotherType.contains(value.lowercased())
        return safe ? value : singleQuoted(value)
    }

    /// In a flow list (`[a, b]`), where `,`, `[`, `]`, `{`, `}` and `:` followed by anything end or
    /// split a plain value (`a:?` is refused there): plain only for letters, digits, `-`, `_`,
    /// `.` and `/`.
    static func quotedInFlow(_ value: String) -> String {
        let written = quoted(value)
        guard let first = written.unicodeScalars.first, first != "'", first != "\"" else { return written }
        let plain = value.unicodeScalars.allSatisfy { isLetterOrDigit($0) || isMark($0) || "-_./".unicodeScalars.contains($0) }
        return plain ? written : singleQuoted(value)
    }

    /// Quotes doubled scalar by scalar: a `'` joined to the character before it (after U+0D4E, a
    /// prepended letter) is one grapheme with it, and a search by characters passed it over.
    private static func singleQuoted(_ value: String) -> String {
        var output = String.UnicodeScalarView()
        output.append("'")
        for scalar in value.unicodeScalars {
            output.append(scalar)
            if scalar == "'" { output.append("'") }
        }
        output.append("'")
        return String(output)
    }

    private static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber: true
        default: false
        }
    }

    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
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

extension Substring {
    func trimmingSuffixSpaces() -> String {
        String(self.reversed().drop(while: { $0 == " " }).reversed())
    }
}
