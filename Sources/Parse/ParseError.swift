/// Why a document gave no feed at all. (Broken documents that still yield items are not errors.)
public enum ParseError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    /// `advertised`: the feeds a web page names in its `<link rel="alternate">` tags.
    case notAFeed(root: String, advertised: [String] = [])
    case malformed(String)
    /// The limits stopped the parse before the document's first element.
    case cut(ParseCut)

    public var description: String {
        switch self {
        case .empty: return "empty document"
        case .notAFeed(let root, let advertised):
            let problem = "not a feed: the document's root is <\(root)>, not rss, RDF, feed or a JSON Feed"
            guard let first = advertised.first else { return problem }
            // A site's home page given for its feed: the page says where the feed is.
            let more = advertised.count == 1 ? "" : " (and \(advertised.count - 1) more)"
            return problem + "; the page names its feed at \(first)\(more): put that URL in feeds.yaml"
        case .malformed(let reason): return "unreadable document: \(reason)"
        case .cut(let reason): return "cut (\(reason.rawValue)) before the document's first element"
        }
    }
}
