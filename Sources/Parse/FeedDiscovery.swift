internal import Markup

/// Finds the feeds a web page advertises: `<link rel="alternate" type="application/rss+xml" href>`
/// (and Atom, RDF, JSON Feed), made absolute against the page URL, in page order.
public enum FeedDiscovery {
    static let feedTypes: Set<String> = ["application/rss+xml", "application/atom+xml", "application/rdf+xml",
                                         "application/feed+json", "application/json", "text/xml", "application/xml"]

    public static func candidates(inPage html: [UInt8], pageURL: String) -> [String] {
        var found: [String] = []
        for case .startTag(let tag) in HTMLLexer(html) where tag.name == "link" {
            func value(_ name: String) -> String? {
                tag.attributes.first { $0.name == name }?.valueRange.map { EntityDecoder.xml.decode(html[$0]) }
            }
            let relations = (value("rel") ?? "").lowercased().split(separator: " ")
            guard relations.contains("alternate"), let type = value("type")?.lowercased(),
                  feedTypes.contains(type), let href = value("href"), !href.isEmpty else { continue }
            let url = URLResolver.resolve(href, against: pageURL)
            if !found.contains(url) { found.append(url) }
        }
        return found
    }
}
