public import FeedModel

/// Where a document lives inside the store, from a pattern such as `posts/{year}/{month}/{hash}.md`
/// (`{year}`, `{month}`, `{day}` of the document's date; `{hash}`, the first 16 hex digits of its
/// content hash, which must be in the file name so the index can be rebuilt from the files).
public struct DocumentLayout: Sendable, Hashable {
    public let pattern: String

    public static let standard = DocumentLayout(validPattern: OutputProfile.hexo.defaultDocumentPath)

    public init?(pattern: String) {
        guard DocumentPath.problem(with: pattern) == nil else { return nil }
        self.pattern = pattern
    }

    private init(validPattern: String) {
        pattern = validPattern
    }

    /// The fixed folder every document is under (the pattern's first component).
    var topFolder: String { String(pattern.prefix(while: { $0 != "/" })) }

    public func relativePath(for document: Document) -> String {
        let fields = UTCDateFields(document.date)
        func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return [("{year}", "\(fields.year)"), ("{month}", pad(fields.month)), ("{day}", pad(fields.day)),
                ("{hash}", document.shortHash)]
            .reduce(pattern) { path, token in path.split(separator: token.0, omittingEmptySubsequences: false).joined(separator: token.1) }
    }

    static func folder(of relativePath: String) -> String {
        String(relativePath[..<(relativePath.lastIndex(of: "/") ?? relativePath.startIndex)])
    }

    /// The short hash in a document's file name: its last run of 16 lower-case hex digits.
    static func shortHash(ofFileName name: Substring) -> String? {
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
