/// The main content of an item's page (`full_content: true`), to stand in for the feed's body.
public struct ArticleBody: Sendable, Hashable {
    /// HTML, its relative URLs resolved or resolvable against `url`.
    public var html: String
    /// The page's address after redirects: the base for its relative URLs.
    public var url: String

    public init(html: String, url: String) {
        self.html = html
        self.url = url
    }
}
