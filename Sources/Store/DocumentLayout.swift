public import FeedModel

/// Where a document lives inside the store, from a pattern such as `posts/{year}/{month}/{hash}.md`
/// (`{year}`, `{month}`, `{day}` of the document's date; `{hash}`, the first 16 hex digits of its
/// content hash, which must be in the file name so the index can be rebuilt from the files).
public struct DocumentLayout: Sendable, Hashable {
    public let pattern: String

    public static let standard = DocumentLayout(validPattern: OutputProfile.hexo.defaultDocumentPath)

    /// The pattern cut once into literal text and tokens: a path is built for every document
    /// stored and every one reported, and splitting the pattern each time cost more than writing the file.
    private let parts: [Part]

    private enum Part: Sendable, Hashable {
        case literal(String)
        case year, month, day, hash
    }

    public init?(pattern: String) {
        guard DocumentPath.problem(with: pattern) == nil else { return nil }
        self.init(validPattern: pattern)
    }

    private init(validPattern: String) {
        pattern = validPattern
        parts = Self.parts(of: validPattern)
    }

    private static func parts(of pattern: String) -> [Part] {
        let tokens: [(String, Part)] = [("{year}", .year), ("{month}", .month), ("{day}", .day), ("{hash}", .hash)]
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(pattern)
        while !rest.isEmpty {
            if let (token, part) = tokens.first(where: { rest.hasPrefix($0.0) }) {
                if !literal.isEmpty { parts.append(.literal(literal)) }
                literal = ""
                parts.append(part)
                rest = rest.dropFirst(token.count)
            } else {
                literal.append(rest.removeFirst())
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return parts
    }

    /// The fixed folder every document is under (the pattern's first component).
    var topFolder: String { String(pattern.prefix(while: { $0 != "/" })) }

    public func relativePath(for document: Document) -> String {
        relativePath(date: document.date, shortHash: document.shortHash)
    }

    /// The path of the document named `shortHash` dated `date`: a replaced document keeps the
    /// short hash of its first version, so its path does not change with its text.
    public func relativePath(date: Timestamp, shortHash: String) -> String {
        let fields = UTCDateFields(date)
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        var path = ""
        path.reserveCapacity(pattern.utf8.count + 16)
        for part in parts {
            switch part {
            case .literal(let text): path += text
            case .year: path += String(fields.year)
            case .month: path += pad(fields.month)
            case .day: path += pad(fields.day)
            case .hash: path += shortHash
            }
        }
        return path
    }

    /// Whether `path` is a place this layout gives the document named `shortHash`, for some date:
    /// a replaced document stays where its first version was put (its date may have changed since).
    public func holds(_ path: String, shortHash: String) -> Bool {
        var rest = Substring(path)
        func digits(_ count: Int?) -> Bool {
            let run = rest.prefix { $0.isASCII && $0.isNumber }
            guard !run.isEmpty, count.map({ run.count == $0 }) ?? true else { return false }
            rest = rest.dropFirst(run.count)
            return true
        }
        for part in parts {
            switch part {
            case .literal(let text):
                guard rest.hasPrefix(text) else { return false }
                rest = rest.dropFirst(text.count)
            case .year: guard digits(nil) else { return false }
            case .month, .day: guard digits(2) else { return false }
            case .hash:
                guard rest.hasPrefix(shortHash) else { return false }
                rest = rest.dropFirst(shortHash.count)
            }
        }
        return rest.isEmpty
    }

    static func folder(of relativePath: String) -> String {
        String(relativePath[..<(relativePath.lastIndex(of: "/") ?? relativePath.startIndex)])
    }

    static func fileName(of relativePath: String) -> String {
        String(relativePath[(relativePath.lastIndex(of: "/").map(relativePath.index(after:)) ?? relativePath.startIndex)...])
    }

    /// The short hash in a document's file name: its last run of 16 lower-case hex digits.
    public static func shortHash(ofFileName name: Substring) -> String? {
        let characters = Array(name)
        var end = characters.count
        while end >= 16 {
            let run = characters[(end - 16)..<end]
            if run.allSatisfy({ $0.isHexDigit && !$0.isUppercase }),
               end == characters.count || !characters[end].isHexDigit,
               end - 16 == 0 || !characters[end - 17].isHexDigit {
                return String(run)
            }
            end -= 1
        }
        return nil
    }
}
