/// `full_content:`, `content_selector:` and `remove:`: whether a feed's items are replaced by
/// the main content of the pages they link to, and how that content is found.
public struct ArticleSettings: Sendable, Hashable, Codable {
    /// Fetch each new item's link and store its extracted content instead of the feed's body.
    public var fullContent = false
    /// A CSS selector naming the content element(s); nil: the readability scorer decides.
    public var contentSelector: String?
    /// CSS selectors of parts to drop from the page before the content is taken.
    public var remove: [String] = []
    /// `images: local`: the body's images and the header image are fetched and kept in the
    /// store's `assets/`, and the document points at them there.
    public var localImages = false
    /// `max_image_size:`: an image larger than this is not kept (the post keeps its remote URL).
    public var maxImageBytes = ArticleSettings.defaultMaxImageBytes

    public static let defaultMaxImageBytes = 10 << 20

    public init(fullContent: Bool = false, contentSelector: String? = nil, remove: [String] = []) {
        self.fullContent = fullContent
        self.contentSelector = contentSelector
        self.remove = remove
    }

    private enum CodingKeys: String, CodingKey {
        case fullContent, contentSelector, remove, localImages, maxImageBytes
    }

    // Settings saved before images were kept have no image keys.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        fullContent = try values.decode(Bool.self, forKey: .fullContent)
        contentSelector = try values.decodeIfPresent(String.self, forKey: .contentSelector)
        remove = try values.decode([String].self, forKey: .remove)
        localImages = try values.decodeIfPresent(Bool.self, forKey: .localImages) ?? false
        maxImageBytes = try values.decodeIfPresent(Int.self, forKey: .maxImageBytes) ?? Self.defaultMaxImageBytes
    }
}
