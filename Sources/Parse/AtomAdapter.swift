internal import FeedModel
internal import Markup
internal import Foundation  // base64

/// Maps Atom 1.0 and 0.3 elements onto Feed and Item values.
struct AtomAdapter {
    let feedURL: String
    /// Atom 1.0's and 0.3's namespaces, and the root's when it is neither (Atom with no namespace).
    let core: [String]
    /// Where an entry's dates are looked for, in order: built once, not twice per entry.
    private let publishedCandidates: [(String, [String])]
    private let updatedCandidates: [(String, [String])]
    /// The feed's own author: RFC 4287 says it applies to entries that name none.
    private(set) var feedAuthor: String?
    private(set) var unreadableDates = UnreadableDates()
    /// Set from the feed's language: a Chinese feed's `CST` is China's (see `DateParser`).
    var chinaTime = false

    init(feedURL: String, rootNamespace: String = Namespaces.atom10) {
        self.feedURL = feedURL
        core = Namespaces.atom.contains(rootNamespace) ? Namespaces.atom : Namespaces.atom + [rootNamespace]
        publishedCandidates = [("published", core), ("issued", core), ("created", core), ("date", [Namespaces.dublinCore])]
        updatedCandidates = [("updated", core), ("modified", core)]
    }

    mutating func apply(channelElement element: XMLElementValue, to feed: inout Feed) {
        if element.namespace == Namespaces.dublinCore, element.name == "title", feed.title.isEmpty {
            feed.title = FieldText.plain(element.text)
        }
        guard core.contains(element.namespace) else { return }
        let base = element.base ?? feedURL
        switch element.name {
        case "title": feed.title = AtomText.plain(element)
        case "subtitle", "tagline": feed.description = FieldText.nonEmpty(AtomText.plain(element))
        case "link":
            if (element.attribute("rel") ?? "alternate") == "alternate", feed.link == nil {
                feed.link = element.attribute("href").map { URLResolver.resolve($0, against: base) }
            }
        case "logo", "icon":
            if feed.image == nil || element.name == "logo" {
                feed.image = FieldText.nonEmpty(element.text.trimmingASCIISpaces())
                    .map { URLResolver.resolve($0, against: base) } ?? feed.image
            }
        case "author": feedAuthor = name(of: element)
        default: break
        }
    }

    /// Every author an entry names (RFC 4287 allows several).
    private func names(_ authors: [XMLElementValue]) -> String? {
        ItemFallbacks.authors(authors.compactMap(name(of:)))
    }

    private func name(of author: XMLElementValue) -> String? {
        author.first("name", in: core).flatMap { FieldText.nonEmpty(FieldText.plain($0.text).trimmingASCIISpaces()) }
    }

    mutating func item(from element: XMLElementValue) -> Item {
        var item = Item()
        let atom = core
        item.id = element.first("id", in: atom).flatMap { FieldText.nonEmpty($0.text.trimmingASCIISpaces()) }
        item.title = ItemFallbacks.title(element, core: atom, plain: AtomText.plain)
        let links = element.all("link", in: atom)
        let base = element.base ?? feedURL
        // Against the link's own xml:base (in effect at it), which XML Base applies to its attributes.
        item.link = ItemFallbacks.pageLink(links).flatMap { link in
            link.attribute("href").flatMap(FieldText.nonEmpty).map { URLResolver.resolve($0, against: link.base ?? base) }
        }
        // An entry without an author of its own takes its `<source>`'s (a planet's entries name their
        // blog's author there), and only then the feed's (RFC 4287 4.2.1).
        item.author = names(element.all("author", in: atom))
            ?? element.first("source", in: atom).flatMap { names($0.all("author", in: atom)) }
            ?? ItemFallbacks.personName(element.first("creator", in: Namespaces.dublinCore))
            ?? ItemFallbacks.personName(element.first("author", in: Namespaces.itunes)) ?? feedAuthor
        // dc:date is the item's date: it fills `published`, as in RSS.
        item.published = ItemFallbacks.date(in: element, publishedCandidates, chinaTime: chinaTime, unreadable: &unreadableDates)
        item.updated = ItemFallbacks.date(in: element, updatedCandidates, chinaTime: chinaTime, unreadable: &unreadableDates)
        // The term is the category; the label only its display text.
        item.categories = element.all("category", in: atom)
            .compactMap { FieldText.nonEmpty(($0.attribute("term") ?? $0.attribute("label") ?? "").trimmingASCIISpaces()) }
        let contentElement = element.first("content", in: atom)
        // Content out of line (RFC 4287 4.1.3.2: `<content src="..."/>`): where the entry is, when no link says.
        if item.link == nil, let source = contentElement?.attribute("src").flatMap(FieldText.nonEmpty) {
            item.link = URLResolver.resolve(source, against: base)
        }
        let content = contentElement.map(AtomText.html(of:)) ?? ""
        let summaryElement = element.first("summary", in: atom)
        let summary = summaryElement.map(AtomText.html(of:))
        let usesContent = !BodyField.showsNothing(content)
        item.contentHTML = usesContent ? content : summary ?? content
        if usesContent { item.summary = summary.flatMap(FieldText.nonEmpty) }
        for link in links where link.attribute("rel") == "enclosure" {
            if let href = link.attribute("href").flatMap(FieldText.nonEmpty) {
                item.enclosures.append(Enclosure(url: URLResolver.resolve(href, against: base), type: link.attribute("type"),
                                                 length: link.attribute("length").flatMap(MediaFields.length)))
            }
        }
        MediaFields.apply(element, core: Namespaces.rssCore, to: &item)
        if item.contentHTML.isEmpty, let body = MediaFields.fallbackBody(element) {
            item.contentHTML = body
            item.bodyIsDescription = true
        }
        // The xml:base in effect where the body is written (`<content xml:base="…">` names its own).
        // (An `xml:base` that is no web URL is passed over by the stream.) A link that is none
        // (`mailto:`) is passed over for the feed's URL.
        let body = usesContent ? contentElement : summaryElement
        item.baseURL = [body?.base, element.base, item.link, feedURL].lazy.compactMap { URLResolver.webBase($0) }.first
            ?? element.base ?? item.link ?? FieldText.nonEmpty(feedURL)
        return item
    }

}

/// Atom's text constructs: type="text" (plain: its paragraphs and line breaks kept as HTML),
/// "html" (escaped markup), "xhtml" (inline markup).
enum AtomText {
    static func html(of element: XMLElementValue) -> String {
        // Atom 0.3's mode="base64": the content's bytes, encoded.
        if element.attribute("mode")?.lowercased() == "base64" {
            let decoded = Data(base64Encoded: element.text, options: .ignoreUnknownCharacters).map { String(decoding: $0, as: UTF8.self) } ?? ""
            return element.attribute("type")?.lowercased().contains("html") == true ? decoded : HTMLEscaping.paragraphs(decoded)
        }
        switch element.attribute("type")?.lowercased() {
        case "xhtml", "application/xhtml+xml":
            // The wrapping <div> belongs to Atom, not to the content.
            if let div = element.elements.first, div.name == "div", element.elements.count == 1 {
                return div.innerMarkup
            }
            return element.innerMarkup
        case "html", "text/html":
            return element.hasElementChildren ? element.innerMarkup : element.text
        case .none where element.hasElementChildren:
            return element.innerMarkup
        default:
            // Plain text reads as written, as JSON Feed's `content_text` does: paragraphs and line breaks.
            return HTMLEscaping.paragraphs(element.text)
        }
    }

    static func plain(_ element: XMLElementValue) -> String {
        if element.attribute("mode")?.lowercased() == "base64" { return HTMLText.html.text(of: html(of: element)) }
        switch element.attribute("type")?.lowercased() {
        case "html", "text/html", "xhtml", "application/xhtml+xml":
            return HTMLText.line.text(of: html(of: element))
        case .none where element.hasElementChildren:
            // Markup written as elements in a text construct (`Five<br/>six`): its text, not
            // its text nodes glued together.
            return HTMLText.line.text(of: element.innerMarkup)
        default:
            return element.text
        }
    }
}
