// Convert: Item + FeedConfig → the front-matter document of ../shared/format/SPEC.md,
// its content hash and identity. Pure: no clock, no disk; the caller passes "now".
public import FeedModel
internal import Markup
internal import Sanitize

public struct DocumentRenderer: Sendable {
    public var feed: FeedConfig
    /// The channel title of the document the items came from.
    public var channelTitle: String
    /// Global last-resort image (`default_image` in feeds.yaml).
    public var defaultImage: String?
    public var format: OutputFormat

    public init(feed: FeedConfig, channelTitle: String, defaultImage: String? = nil, format: OutputFormat = .hexo) {
        self.feed = feed
        self.channelTitle = channelTitle
        self.defaultImage = defaultImage
        self.format = format
    }

    /// Renders one item. `firstSeen` dates items that carry no date of their own. `rewrites`
    /// (the feed's `rewrite:` rules) and `article` (the page's extracted text, for `full_content`)
    /// change the body only: the hash stays the feed item's, so an item is the same document
    /// whichever body it got and whatever the rules said at the time. `images` (remote URL → the
    /// kept copy's URL, `images: local`) points the body's images and the header image at the
    /// copies; the hash stays the same for them too.
    public func render(_ item: Item, firstSeen: Timestamp, rewrites: BodyRewrites? = nil,
                       article: ArticleBody? = nil, images: [String: String] = [:]) -> Document {
        rendering(item, firstSeen: firstSeen, rewrites: rewrites, article: article, images: images).document
    }

    /// `render`'s document, with what its caller may want to say of it in the log.
    public struct Rendering: Sendable {
        public var document: Document
        /// The body was too costly to parse as HTML: the post holds its text alone.
        public var bodyReducedToText: Bool
    }

    public func rendering(_ item: Item, firstSeen: Timestamp, rewrites: BodyRewrites? = nil,
                          article: ArticleBody? = nil, images: [String: String] = [:]) -> Rendering {
        var fields = self.fields(for: item, firstSeen: firstSeen, rewrites: rewrites, article: article)
        if !images.isEmpty {
            fields.body = ImageReferences.rewrite(fields.body, map: images)
            fields.image = fields.image.map { images[$0] ?? $0 }
        }
        let media = {
            let found = ([item.bodyImage, item.mediaImage].compactMap { $0 } + item.enclosures.map(\.url)).map(Self.mediaPath)
            // No title, no text, no media: its link alone tells it from another such item (a
            // `full_content` feed's items of nothing but a link hashed alike, one stored).
            guard found.isEmpty, BlankItem.isInvisible(fields.title), let link = item.link, !link.isEmpty else { return found }
            return [StoryLink.key(link)]
        }
        let hash = item.bodyIsDescription
            ? ContentHash.compute(title: fields.title, descriptionHTML: item.contentHTML, media: media())
            : ContentHash.compute(title: fields.title, bodyHTML: item.contentHTML, media: media)
        let identity = ItemIdentity.of(item, rule: feed.identity, title: fields.title, contentHash: hash)
        // Shown, not hashed: the item is the untitled one whatever its post is called.
        if BlankItem.isInvisible(fields.title) {
            fields.title = UntitledItem.title(body: fields.body, link: fields.link, enclosure: fields.enclosures.first?.url)
        }
        var document = Document(feed: feed.name, itemIdentity: identity, contentHash: hash, date: fields.date,
                                text: format.text(for: fields))
        document.revisions = feed.revisions
        document.source = SourceValues(item: item, channelTitle: channelTitle, firstSeen: firstSeen)
        return Rendering(document: document, bodyReducedToText: fields.bodyReducedToText)
    }

    /// The values SPEC.md decides for an item, before any dialect formats them.
    public func fields(for item: Item, firstSeen: Timestamp, rewrites: BodyRewrites? = nil,
                       article: ArticleBody? = nil) -> DocumentFields {
        let body = body(for: item, rewrites: rewrites, article: article)
        return DocumentFields(
            title: TitleText.normalise(item.title), categories: categories(for: item), author: author(for: item),
            image: image(for: item), date: item.published ?? item.updated ?? firstSeen, body: body.html,
            link: item.link.flatMap { Self.isWebLink($0) ? Self.attributeSafe($0) : nil }, feedName: feed.name,
            channelTitle: channelTitle, enclosures: PublishedEnclosures.of(item), bodyReducedToText: body.reducedToText)
    }

    /// SPEC.md's body rewrites; with `sanitize` on (the default), what the allowlist removes too.
    func body(for item: Item, rewrites: BodyRewrites? = nil,
              article: ArticleBody? = nil) -> (html: String, reducedToText: Bool) {
        var html = normalisedNewlines(article?.html ?? item.contentHTML)
        if let rewrites, !rewrites.isEmpty { html = rewrites.apply(html) }
        let rewritten = BodyRewriter(base: article?.url ?? item.baseURL, escapesUnclosedTag: feed.sanitize)
            .rewrite(html)
        return feed.sanitize ? HTMLSanitizer().sanitized(rewritten) : (rewritten, false)
    }

    func categories(for item: Item) -> [String] {
        var values = feed.categories.filter { !$0.isEmpty }
        // The channel title, else the feed's name (the operator's, as written): a post has a category.
        if values.isEmpty { values = [FeedText.category(fallbackName) ?? feed.name] }
        guard feed.itemCategories else { return values }
        for category in item.categories.lazy.compactMap(FeedText.category) where !values.contains(category) {
            values.append(category)
        }
        return values
    }

    func author(for item: Item) -> String {
        if let author = feed.author, !author.isEmpty { return author }
        // Nothing left once written (a byte order mark alone, which YAML drops): no author, as SPEC.md's
        // fallback reads it (it was written `author: ''`).
        if let author = item.author.map(TitleText.normalise), !YAMLScalar.yamlSafe(author).allSatisfy(\.isWhitespace) {
            return FeedText.author(author)
        }
        return FeedText.author(fallbackName)
    }

    func image(for item: Item) -> String? {
        [item.bodyImage, item.mediaImage, feed.image, defaultImage]
            .lazy.compactMap { $0.flatMap(Self.headerImage) }.first
    }

    /// A header image as themes can put it into an attribute or CSS `url(...)` unescaped: an
    /// http(s) URL with the characters that would end either (a real URL percent-encodes them,
    /// and a server reads them the same encoded) percent-encoded. `O'Brien.jpg` or a raw space in
    /// a file name was skipped for the next candidate, and the post lost its picture. A URL with
    /// a control character or no host is none.
    static func headerImage(_ value: String) -> String? {
        guard value.utf8.contains(where: { encodedInImages[$0] != nil || $0 >= 0x80 }) else { return isPlainWebURL(value) ? value : nil }
        var output: [UInt8] = []
        for scalar in value.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F { return nil }  // an ASCII control: no URL
            // White space and controls beyond ASCII (NBSP, U+2028, NEL, bidi overrides): encoded too,
            // or a theme shows them, and YAML's line breaks become spaces.
            if scalar.properties.isWhitespace || TerminalText.isUnsafe(scalar) || scalar.properties.generalCategory == .format {
                output += scalar.utf8.flatMap { Array("%\(String($0, radix: 16, uppercase: true))".utf8) }
            } else if scalar.isASCII, let encoded = encodedInImages[UInt8(scalar.value)] {
                output += Array(encoded.utf8)
            } else {
                output += Array(scalar.utf8)
            }
        }
        let encoded = String(decoding: output, as: UTF8.self)
        // A host, not an encoded space where it should be (`https:// `).
        let host = encoded.utf8.drop { $0 != UInt8(ascii: ":") }.dropFirst(3).first ?? 0
        let named = host >= 0x80 || host == UInt8(ascii: "[") || (host | 0x20 >= UInt8(ascii: "a") && host | 0x20 <= UInt8(ascii: "z"))
            || (host >= UInt8(ascii: "0") && host <= UInt8(ascii: "9"))
        return named && isPlainWebURL(encoded) ? encoded : nil
    }

    private static let encodedInImages: [UInt8: String] = [
        UInt8(ascii: " "): "%20", UInt8(ascii: "\""): "%22", UInt8(ascii: "'"): "%27", UInt8(ascii: "<"): "%3C",
        UInt8(ascii: ">"): "%3E", UInt8(ascii: "\\"): "%5C", UInt8(ascii: "`"): "%60", UInt8(ascii: "("): "%28",
        UInt8(ascii: ")"): "%29",
    ]

    /// Header images are plain http(s) URLs: themes put them into HTML attributes and CSS
    /// `url(...)` as they are, so a `javascript:` URL or one with a quote, bracket, backslash or
    /// white space in it (a real URL percent-encodes those) is skipped for the next candidate.
    /// An item's link as `source:` and a template's `link`, which themes put in an `href`: http(s)
    /// only (a `javascript:` link would run when clicked), on one line.
    /// A link without a host (`http://`, what `//` resolves to) points nowhere: no link.
    static func isWebLink(_ value: String) -> Bool {
        let schemeLength = webSchemeLength(value)
        guard schemeLength > 0 else { return false }
        var value = value
        return value.withUTF8 { bytes in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return false }
            let authority = bytes[schemeLength...].prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
            // The host and port: after the last `@` of the authority.
            let hostAndPort = authority.lastIndex(of: UInt8(ascii: "@")).map { authority[($0 + 1)...] } ?? authority
            return hostAndPort.first.map { $0 != UInt8(ascii: ":") } ?? false
        }
    }

    /// 7 for `http://`, 8 for `https://` (any case), else 0: read on the bytes (every item's link
    /// is checked), by characters only when a byte beyond ASCII follows the scheme, where a
    /// combining mark would make the scheme's last `/` another character.
    static func webSchemeLength(_ value: String) -> Int {
        let utf8 = value.utf8
        func isScheme(_ scheme: StaticString) -> Bool {
            let count = scheme.utf8CodeUnitCount
            guard utf8.count >= count else { return false }
            return zip(utf8.prefix(count), UnsafeBufferPointer(start: scheme.utf8Start, count: count)).allSatisfy { pair in
                pair.0 == pair.1 || (pair.1 >= UInt8(ascii: "a") && pair.0 == pair.1 - 0x20)
            }
        }
        let length = isScheme("http://") ? 7 : isScheme("https://") ? 8 : 0
        guard length > 0, utf8.count > length, utf8[utf8.index(utf8.startIndex, offsetBy: length)] >= 0x80 else { return length }
        let lower = value.prefix(8).lowercased()
        return lower.hasPrefix("http://") ? 7 : lower.hasPrefix("https://") ? 8 : 0
    }

    /// A link as themes can put it into an attribute or a page unescaped: the characters that
    /// would end an attribute or open a tag (which a real URL percent-encodes anyway), encoded.
    static func attributeSafe(_ link: String) -> String {
        var link = link
        guard link.withUTF8({ $0.contains { attributeEscape($0) != nil } }) else { return link }
        var output: [UInt8] = []
        output.reserveCapacity(link.utf8.count + 16)
        for byte in link.utf8 {
            if let escape = attributeEscape(byte) { output += escape.utf8 } else { output.append(byte) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func attributeEscape(_ byte: UInt8) -> String? {
        switch byte {
        case UInt8(ascii: " "): "%20"
        case UInt8(ascii: "\""): "%22"
        case UInt8(ascii: "'"): "%27"
        case UInt8(ascii: "<"): "%3C"
        case UInt8(ascii: ">"): "%3E"
        case UInt8(ascii: "`"): "%60"
        default: nil
        }
    }

    static func isPlainWebURL(_ value: String) -> Bool {
        let lower = value.prefix(8).lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { return false }
        return value.utf8.count > 8 && value.utf8.allSatisfy { byte in
            switch byte {
            case ...0x20, 0x7F, UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\\"),
                 UInt8(ascii: "`"), UInt8(ascii: "("), UInt8(ascii: ")"): false
            default: true
            }
        }
    }

    /// A media URL as it tells items apart: its path and query, without its host (CDNs rotate
    /// them), its tracking parameters (`utm_*`, stamped anew on some fetches) or its fragment.
    /// The query stays: a podcast's episodes may differ by it alone (`/download?id=2`).
    static func mediaPath(_ url: String) -> String {
        let afterScheme = url.range(of: "://").map { url[$0.upperBound...] } ?? url[...]
        let path = afterScheme.drop { $0 != "/" && $0 != "?" && $0 != "#" }  // the host goes, a query without a path stays
        return StoryLink.key(withoutCacheBuster(afterWrappedHost(String(path.prefix { $0 != "#" }))))
    }

    /// Podcast analytics services (Podtrac's `/redirect.mp3/`, Chartable's `chrt.fm/track/ID/`,
    /// `pdst.fm/e/`) put the file's own host and path inside their path, and feeds change the
    /// chain from one fetch to the next: only what follows the last host in the path names the
    /// file. A segment is a host when it has a dot and ends in letters that are no file's.
    static func afterWrappedHost(_ path: String) -> String {
        let pathPart = path.prefix { $0 != "?" }
        let segments = pathPart.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count > 2,
              let last = segments.dropLast().lastIndex(where: isHostLike) else { return path }
        return "/" + segments[(last + 1)...].joined(separator: "/") + path[pathPart.endIndex...]
    }

    /// A segment is a host when it ends in a top-level domain podcast hosts use: `jane.doe` or an
    /// S3 bucket `show.one` in a path are folders, and a file in each is another file.
    private static func isHostLike(_ segment: Substring) -> Bool {
        let labels = segment.lowercased().split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } }),
              let top = labels.last else { return false }
        return topLevelDomains.contains(String(top))
    }

    private static let topLevelDomains: Set<String> = ["com", "net", "org", "fm", "io", "co", "me", "tv", "us", "uk", "de", "fr",
                                                       "nl", "au", "ca", "info", "biz", "app", "dev", "cloud", "audio", "media",
                                                       "site", "xyz", "ly", "be", "it", "es", "jp", "cn", "ru", "show", "pub", "tech"]

    /// Megaphone's `?updated=…` stamps a file anew without changing it.
    static func withoutCacheBuster(_ path: String) -> String {
        guard let question = path.firstIndex(of: "?") else { return path }
        let kept = path[path.index(after: question)...].split(separator: "&").filter { !$0.lowercased().hasPrefix("updated=") }
        return String(path[..<question]) + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
    }

    /// The channel title, or the feed's name when the channel has none.
    private var fallbackName: String {
        let title = TitleText.normalise(channelTitle)
        return title.isEmpty ? feed.name : title
    }

    private func normalisedNewlines(_ html: String) -> String {
        guard html.containsUTF8(0x0D) else { return html }
        return html.replacingOccurrencesOfCRLF()
    }
}

extension String {
    /// CRLF and lone CR become LF. (Swift treats "\r\n" as one Character.)
    func replacingOccurrencesOfCRLF() -> String {
        var output = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in unicodeScalars {
            if scalar == "\r" {
                output.append("\n")
                previousWasCR = true
                continue
            }
            if !(scalar == "\n" && previousWasCR) { output.append(scalar) }
            previousWasCR = false
        }
        return String(output)
    }
}
