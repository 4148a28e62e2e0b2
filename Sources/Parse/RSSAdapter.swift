internal import FeedModel
internal import Markup

/// Maps RSS 0.9x / 1.0 / 2.0 elements (and the modules they carry) onto Feed and Item values.
struct RSSAdapter {
    let feedURL: String

    func apply(channelElement element: XMLElementValue, to feed: inout Feed) {
        guard Namespaces.rssCore.contains(element.namespace) else {
            if element.namespace == Namespaces.atom10, element.name == "link", feed.link == nil,
               element.attribute("rel") == "alternate" {
                feed.link = element.attribute("href")
            }
            return
        }
        switch element.name {
        case "title": feed.title = FieldText.plain(element.text)
        case "link": feed.link = FieldText.nonEmpty(element.text.trimmingASCIISpaces())
        case "description": feed.description = FieldText.nonEmpty(element.text)
        case "language": feed.language = FieldText.nonEmpty(element.text.trimmingASCIISpaces())
        case "ttl": feed.ttlMinutes = Int(element.text.trimmingASCIISpaces())
        case "image": feed.image = element.first("url", in: Namespaces.rssCore).map { $0.text.trimmingASCIISpaces() }
        default: break
        }
    }

    func item(from element: XMLElementValue) -> Item {
        var item = Item()
        let core = Namespaces.rssCore
        item.title = element.first("title", in: core).map { FieldText.plain($0.text) } ?? ""
        let guid = element.first("guid", in: core)
        item.id = guid.flatMap { FieldText.nonEmpty($0.text.trimmingASCIISpaces()) }
            ?? element.attributes.first(where: { $0.name == "about" && $0.namespace == Namespaces.rdf })?.value
        item.link = element.first("link", in: core).flatMap { FieldText.nonEmpty($0.text.trimmingASCIISpaces()) }
            ?? alternateAtomLink(element)
        if item.link == nil, let guid, guid.attribute("isPermaLink")?.lowercased() != "false",
           let id = item.id, id.hasPrefix("http") {
            item.link = id
        }
        item.author = [element.first("author", in: core), element.first("creator", in: [Namespaces.dublinCore]),
                       element.first("author", in: [Namespaces.itunes])]
            .compactMap { $0.flatMap { FieldText.nonEmpty(FieldText.plain($0.text)) } }.first
        item.published = [element.first("pubDate", in: core), element.first("date", in: [Namespaces.dublinCore])]
            .compactMap { $0.flatMap { DateParser.parse($0.text) } }.first
        item.updated = element.first("updated", in: [Namespaces.atom10]).flatMap { DateParser.parse($0.text) }
        item.categories = (element.all("category", in: core) + element.all("subject", in: [Namespaces.dublinCore]))
            .compactMap { FieldText.nonEmpty(FieldText.plain($0.text)) }
        let description = element.first("description", in: core)
        let encoded = element.first("encoded", in: [Namespaces.content])
        let body = [encoded, description].compactMap { $0 }.first { !FieldText.html(of: $0).isEmpty }
        item.contentHTML = body.map(FieldText.html(of:)) ?? ""
        if encoded != nil, let description { item.summary = FieldText.nonEmpty(FieldText.html(of: description)) }
        MediaFields.apply(element, to: &item)
        item.baseURL = element.base ?? item.link.map { URLResolver.resolve($0, against: feedURL) } ?? feedURL
        return item
    }

    private func alternateAtomLink(_ element: XMLElementValue) -> String? {
        element.all("link", in: [Namespaces.atom10])
            .first { ($0.attribute("rel") ?? "alternate") == "alternate" }?.attribute("href")
    }
}
