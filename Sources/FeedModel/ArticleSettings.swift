/// `full_content:`, `content_selector:` and `remove:`: whether a feed's items are replaced by
/// the main content of the pages they link to, and how that content is found.
public struct ArticleSettings: Sendable, Hashable, Codable {
    /// Fetch each new item's link and store its extracted content instead of the feed's body.
    public var fullContent = false
    /// A CSS selector naming the content element(s); nil: the readability scorer decides.
    public var contentSelector: String?
    /// CSS selectors of parts to drop from the page before the content is taken.
    public var remove: [String] = []

    public init(fullContent: Bool = false, contentSelector: String? = nil, remove: [String] = []) {
        self.fullContent = fullContent
        self.contentSelector = contentSelector
        self.remove = remove
    }
}
