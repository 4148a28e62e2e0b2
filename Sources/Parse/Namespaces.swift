/// Namespace URIs of the feed dialects and the extension modules we read.
enum Namespaces {
    static let none = ""
    static let rss1 = "http://purl.org/rss/1.0/"
    static let rss090 = "http://my.netscape.com/rdf/simple/0.9/"
    static let rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    static let atom10 = "http://www.w3.org/2005/Atom"
    static let atom03 = "http://purl.org/atom/ns#"
    static let content = "http://purl.org/rss/1.0/modules/content/"
    static let dublinCore = "http://purl.org/dc/elements/1.1/"
    static let dcTerms = "http://purl.org/dc/terms/"
    static let media = "http://search.yahoo.com/mrss/"
    static let itunes = "http://www.itunes.com/dtds/podcast-1.0.dtd"
    static let syndication = "http://purl.org/rss/1.0/modules/syndication/"

    /// Where RSS's own elements live, across 0.9x, 1.0 and 2.0. Arrays, not sets: two or three
    /// short comparisons cost less than hashing a URI, and the adapters ask a dozen times per item.
    static let rssCore = [none, rss1, rss090]
    static let atom = [atom10, atom03]

    /// Every URI above. The copier hands these very strings out for the namespaces it meets,
    /// so that comparing an element's namespace with one of them is a comparison of two words.
    static let known = [none, rss1, rss090, rdf, atom10, atom03, content, dublinCore, dcTerms, media, itunes, syndication]
}
