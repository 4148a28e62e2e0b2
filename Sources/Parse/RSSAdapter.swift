internal import FeedModel
internal import Markup

/// Maps RSS 0.9x / 1.0 / 2.0 elements (and the modules they carry) onto Feed and Item values.
struct RSSAdapter {
    let feedURL: String

    func apply(channelElement element: XMLElementValue, to feed: inout Feed) {
        switch element.namespace {
        case Namespaces.atom10:
            if element.name == "link", feed.link == nil, (element.attribute("rel") ?? "alternate") == "alternate" {
                feed.link = element.attribute("href").map { URLResolver.resolve($0, against: feedURL) }
            }
        case Namespaces.syndication, Namespaces.dublinCore, Namespaces.itunes:
            applyModule(element, to: &feed)
        case let namespace where Namespaces.rssCore.contains(namespace):
            applyCore(element, to: &feed)
        default:
            break
        }
    }

    private func applyCore(_ element: XMLElementValue, to feed: inout Feed) {
        let text = element.text.trimmingASCIISpaces()
        switch element.name {
        case "title": feed.title = FieldText.plain(element.text)
        case "link": feed.link = FieldText.nonEmpty(text).map { URLResolver.resolve($0, against: feedURL) }
        case "description": feed.description = FieldText.nonEmpty(element.text)
        case "language": feed.language = FieldText.nonEmpty(text)
        case "ttl": feed.ttlMinutes = ServerNumber.integer(text.trimmingASCIISpaces(), in: -1...ServerNumber.maxSeconds / 60)
            .flatMap { $0 >= 0 ? $0 : nil }
        case "image":
            feed.image = element.first("url", in: Namespaces.rssCore)
                .flatMap { FieldText.nonEmpty($0.text.trimmingASCIISpaces()) }
                .map { URLResolver.resolve($0, against: feedURL) } ?? feed.image
        case "skipHours":
            feed.skipHours = element.all("hour", in: Namespaces.rssCore)
                .compactMap { Int($0.text.trimmingASCIISpaces()) }.filter { (0...24).contains($0) }
                .map { $0 % 24 }  // some feeds count 1-24
        case "skipDays":
            feed.skipDays = element.all("day", in: Namespaces.rssCore).compactMap { FieldText.nonEmpty($0.text.trimmingASCIISpaces()) }
        default: break
        }
    }

    /// Channel fields from the syndication, Dublin Core and iTunes modules.
    private func applyModule(_ element: XMLElementValue, to feed: inout Feed) {
        let text = element.text.trimmingASCIISpaces()
        switch (element.namespace, element.name) {
        case (Namespaces.syndication, "updatePeriod"): feed.updatePeriod = FieldText.nonEmpty(text.lowercased())
        case (Namespaces.syndication, "updateFrequency"): feed.updateFrequency = ServerNumber.integer(text.trimmingASCIISpaces(), in: 0...1_000_000)
            .flatMap { $0 > 0 ? $0 : nil }
        case (Namespaces.dublinCore, "language"): feed.language = feed.language ?? FieldText.nonEmpty(text)
        case (Namespaces.itunes, "image"):
            feed.image = feed.image ?? element.attribute("href").flatMap(FieldText.nonEmpty)
        default: break
        }
    }

    func item(from element: XMLElementValue) -> Item {
        var item = Item()
        let core = Namespaces.rssCore
        item.title = element.first("title", in: core).map { FieldText.plain($0.text) } ?? ""
        applyIdentity(element, to: &item)
        item.author = personName(element.first("author", in: core))
            ?? personName(element.first("creator", in: Namespaces.dublinCore))
            ?? personName(element.first("author", in: Namespaces.itunes))
        item.published = date(element.first("pubDate", in: core)) ?? date(element.first("date", in: Namespaces.dublinCore))
            ?? date(element.first("issued", in: Namespaces.dcTerms)) ?? date(element.first("published", in: Namespaces.atom10))
        item.updated = date(element.first("updated", in: Namespaces.atom10)) ?? date(element.first("modified", in: Namespaces.dcTerms))
        item.categories = (element.all("category", in: core) + element.all("subject", in: Namespaces.dublinCore))
            .compactMap { FieldText.nonEmpty(FieldText.plain($0.text).trimmingASCIISpaces()) }
        let description = element.first("description", in: core).map(FieldText.html(of:))
        let encoded = element.first("encoded", in: Namespaces.content).map(FieldText.html(of:))
        item.contentHTML = (encoded?.isEmpty == false ? encoded : description) ?? ""
        if let encoded, !encoded.isEmpty { item.summary = description.flatMap(FieldText.nonEmpty) }
        MediaFields.apply(element, to: &item)
        item.baseURL = element.base ?? item.link ?? feedURL
        return item
    }

    /// guid (or rdf:about) and link; a permalink guid is the link when there is no other.
    private func applyIdentity(_ element: XMLElementValue, to item: inout Item) {
        let core = Namespaces.rssCore
        let guid = element.first("guid", in: core)
        item.id = guid.flatMap { FieldText.nonEmpty($0.text.trimmingASCIISpaces()) }
            ?? element.attributes.first(where: { $0.name == "about" && $0.namespace == Namespaces.rdf })?.value
        let base = element.base ?? feedURL
        item.link = (element.first("link", in: core).flatMap { FieldText.nonEmpty($0.text.trimmingASCIISpaces()) }
            ?? alternateAtomLink(element)).map { URLResolver.resolve($0, against: base) }
        if item.link == nil, let guid, guid.attribute("isPermaLink")?.lowercased() != "false",
           let id = item.id, id.hasPrefix("http://") || id.hasPrefix("https://") {
            item.link = id
        }
    }

    private func personName(_ element: XMLElementValue?) -> String? {
        element.flatMap { FieldText.nonEmpty(FieldText.personName($0.text)) }
    }

    private func date(_ element: XMLElementValue?) -> Timestamp? {
        element.flatMap { DateParser.parse($0.text) }
    }

    private func alternateAtomLink(_ element: XMLElementValue) -> String? {
        element.all("link", in: Namespaces.atom10)
            .first { ($0.attribute("rel") ?? "alternate") == "alternate" }?.attribute("href")
    }
}
