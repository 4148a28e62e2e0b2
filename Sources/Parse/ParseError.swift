/// Why a document gave no feed at all. (Broken documents that still yield items are not errors.)
public enum ParseError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case notAFeed(root: String)
    case malformed(String)
    /// The limits stopped the parse before the document's first element.
    case cut(ParseCut)

    public var description: String {
        switch self {
        case .empty: return "empty document"
        case .notAFeed(let root): return "not a feed: the document's root is <\(root)>, not rss, RDF, feed or a JSON Feed"
        case .malformed(let reason): return "unreadable document: \(reason)"
        case .cut(let reason): return "cut (\(reason.rawValue)) before the document's first element"
        }
    }
}
