internal import FeedModel
internal import Markup

/// Maps Atom 1.0 and 0.3 elements onto Feed and Item values.
struct AtomAdapter {
    let feedURL: String
    /// The feed's own author: RFC 4287 says it applies to entries that name none.
    private(set) var feedAuthor: String?

    init(feedURL: String) {
        self.feedURL = feedURL
    }

    mutating func apply(channelElement element: XMLElementValue, to feed: inout Feed) {
        guard Namespaces.atom.contains(element.namespace) else { return }
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
        case "author": feedAuthor = Self.name(of: element)
        default: break
        }
    }

    private static func name(of author: XMLElementValue) -> String? {
        author.first("name", in: Namespaces.atom).flatMap { FieldText.nonEmpty(FieldText.plain($0.text).trimmingASCIISpaces()) }
    }

    func item(from element: XMLElementValue) -> Item {
        var item = Item()
        let atom = Namespaces.atom
        item.id = element.first("id", in: atom).flatMap { FieldText.nonEmpty($0.text.trimmingASCIISpaces()) }
        item.title = element.first("title", in: atom).map(AtomText.plain) ?? ""
        let links = element.all("link", in: atom)
        let alternate = links.first { ($0.attribute("rel") ?? "alternate") == "alternate" } ?? links.first
        let base = element.base ?? feedURL
        item.link = alternate?.attribute("href").map { URLResolver.resolve($0, against: base) }
        item.author = element.first("author", in: atom).flatMap(Self.name(of:)) ?? feedAuthor
        item.published = date("published", in: element) ?? date("issued", in: element) ?? date("created", in: element)
        item.updated = date("updated", in: element) ?? date("modified", in: element)
        item.categories = element.all("category", in: atom)
            .compactMap { FieldText.nonEmpty(($0.attribute("label") ?? $0.attribute("term") ?? "").trimmingASCIISpaces()) }
        let content = element.first("content", in: atom).map(AtomText.html(of:)) ?? ""
        let summary = element.first("summary", in: atom).map(AtomText.html(of:))
        item.contentHTML = content.isEmpty ? (summary ?? "") : content
        if !content.isEmpty { item.summary = summary.flatMap(FieldText.nonEmpty) }
        for link in links where link.attribute("rel") == "enclosure" {
            if let href = link.attribute("href").flatMap(FieldText.nonEmpty) {
                item.enclosures.append(Enclosure(url: URLResolver.resolve(href, against: base), type: link.attribute("type"),
                                                 length: link.attribute("length").flatMap(MediaFields.length)))
            }
        }
        MediaFields.apply(element, to: &item)
        item.baseURL = element.base ?? item.link ?? feedURL
        return item
    }

    private func date(_ name: String, in element: XMLElementValue) -> Timestamp? {
        element.first(name, in: Namespaces.atom).flatMap { DateParser.parse($0.text) }
    }
}

/// Atom's text constructs: type="text" (plain), "html" (escaped markup), "xhtml" (inline markup).
enum AtomText {
    static func html(of element: XMLElementValue) -> String {
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
            return MarkupEscaping.text(element.text)
        }
    }

    static func plain(_ element: XMLElementValue) -> String {
        switch element.attribute("type")?.lowercased() {
        case "html", "text/html", "xhtml", "application/xhtml+xml":
            return HTMLText.html.text(of: html(of: element))
        default:
            return element.text
        }
    }
}
