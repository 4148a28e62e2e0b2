internal import FeedModel
internal import Markup

/// Maps RSS 0.9x / 1.0 / 2.0 elements (and the modules they carry) onto Feed and Item values.
struct RSSAdapter {
    let feedURL: String
    /// Where RSS's own elements live: no namespace, RSS 1.0's, RSS 0.9's, and whatever namespace
    /// the root element was given (RSS 2.0 published under a default namespace, or a prefix).
    let core: [String]
    /// Where an item's dates are looked for, in order: built once, not twice per item.
    private let publishedCandidates: [(String, [String])]
    private let updatedCandidates: [(String, [String])]
    private(set) var unreadableDates = UnreadableDates()
    /// Set from the channel's language: a Chinese feed's `CST` is China's (see `DateParser`).
    var chinaTime = false
    /// The channel's `itunes:author` or `dc:creator`: the author of items that name none.
    var channelAuthor: String?

    init(feedURL: String, rootNamespace: String = Namespaces.none) {
        self.feedURL = feedURL
        let foreign = !Namespaces.rssCore.contains(rootNamespace) && rootNamespace != Namespaces.rdf
        core = foreign ? Namespaces.rssCore + [rootNamespace] : Namespaces.rssCore
        publishedCandidates = [("pubDate", core), ("date", [Namespaces.dublinCore]), ("issued", [Namespaces.dcTerms]),
                               ("published", [Namespaces.atom10])]
        updatedCandidates = [("updated", [Namespaces.atom10]), ("modified", [Namespaces.dcTerms])]
    }

    mutating func apply(channelElement element: XMLElementValue, to feed: inout Feed) {
        switch element.namespace {
        case Namespaces.atom10:
            if element.name == "link", feed.link == nil, (element.attribute("rel") ?? "alternate") == "alternate" {
                feed.link = element.attribute("href").map { URLResolver.resolve($0, against: feedURL) }
            }
        case Namespaces.syndication, Namespaces.dublinCore, Namespaces.itunes:
            applyModule(element, to: &feed)
        case let namespace where core.contains(namespace):
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
            feed.image = element.first("url", in: core)
                .flatMap { FieldText.nonEmpty($0.text.trimmingASCIISpaces()) }
                .map { URLResolver.resolve($0, against: feedURL) } ?? feed.image
        case "skipHours":
            feed.skipHours = element.all("hour", in: core)
                .compactMap { Int($0.text.trimmingASCIISpaces()) }.filter { (0...24).contains($0) }
                .map { $0 % 24 }  // some feeds count 1-24
        case "skipDays":
            feed.skipDays = element.all("day", in: core).compactMap { FieldText.nonEmpty($0.text.trimmingASCIISpaces()) }
        default: break
        }
    }

    /// Channel fields from the syndication, Dublin Core and iTunes modules.
    private mutating func applyModule(_ element: XMLElementValue, to feed: inout Feed) {
        let text = element.text.trimmingASCIISpaces()
        switch (element.namespace, element.name) {
        case (Namespaces.syndication, "updatePeriod"): feed.updatePeriod = FieldText.nonEmpty(text.lowercased())
        case (Namespaces.syndication, "updateFrequency"): feed.updateFrequency = ServerNumber.integer(text.trimmingASCIISpaces(), in: 0...1_000_000)
            .flatMap { $0 > 0 ? $0 : nil }
        case (Namespaces.dublinCore, "language"): feed.language = feed.language ?? FieldText.nonEmpty(text)
        case (Namespaces.dublinCore, "title"): feed.title = feed.title.isEmpty ? FieldText.plain(element.text) : feed.title
        case (Namespaces.itunes, "image"):
            feed.image = feed.image ?? element.attribute("href").flatMap(FieldText.nonEmpty)
        // A podcast's (or a one-author blog's) own author, for the items that name none: they
        // were credited to the channel's title.
        case (Namespaces.itunes, "author"), (Namespaces.dublinCore, "creator"):
            channelAuthor = channelAuthor ?? ItemFallbacks.personName(element)
        default: break
        }
    }

    mutating func item(from element: XMLElementValue) -> Item {
        var item = Item()
        item.title = ItemFallbacks.title(element, core: core)
        applyIdentity(element, to: &item)
        item.author = ItemFallbacks.author(element, core: core) ?? channelAuthor
        // dc:date is the item's date: it fills `published`, in every dialect.
        item.published = ItemFallbacks.date(in: element, publishedCandidates, chinaTime: chinaTime, unreadable: &unreadableDates)
        item.updated = ItemFallbacks.date(in: element, updatedCandidates, chinaTime: chinaTime, unreadable: &unreadableDates)
        item.categories = (element.all("category", in: core) + element.all("subject", in: Namespaces.dublinCore))
            .compactMap { FieldText.nonEmpty(FieldText.plain($0.text).trimmingASCIISpaces()) }
        let description = element.first("description", in: core).map(FieldText.html(of:))
        let encoded = element.first("encoded", in: Namespaces.content).map(FieldText.html(of:))
        let usesEncoded = encoded.map { !BodyField.showsNothing($0) } ?? false
        item.contentHTML = (usesEncoded ? encoded : description ?? encoded) ?? ""
        if usesEncoded { item.summary = description.flatMap(FieldText.nonEmpty) }
        MediaFields.apply(element, core: core, to: &item)
        if item.contentHTML.isEmpty, let body = MediaFields.fallbackBody(element) {
            item.contentHTML = body
            item.bodyIsDescription = true
        }
        item.baseURL = element.base ?? item.link ?? FieldText.nonEmpty(feedURL)
        return item
    }

    /// guid (or rdf:about) and link; a permalink guid is the link when there is no other.
    private func applyIdentity(_ element: XMLElementValue, to item: inout Item) {
        let guid = element.first("guid", in: core)
        item.id = guid.flatMap { FieldText.nonEmpty($0.text.trimmingASCIISpaces()) }
            ?? element.attributes.first(where: { $0.name == "about" && $0.namespace == Namespaces.rdf })?.value
        let base = element.base ?? feedURL
        item.link = (element.first("link", in: core).flatMap { FieldText.nonEmpty($0.text.trimmingASCIISpaces()) }
            ?? alternateAtomLink(element)).map { URLResolver.resolve($0, against: base) }
        // RSS 1.0's rdf:about "should be identical to" the item's link (its spec, 5.5): the link
        // of an item that writes no <link> (round 67).
        let permalink = guid.map { $0.attribute("isPermaLink")?.lowercased() != "false" } ?? true
        if item.link == nil, permalink, let id = item.id, id.hasPrefix("http://") || id.hasPrefix("https://") {
            item.link = id
        }
    }

    private func alternateAtomLink(_ element: XMLElementValue) -> String? {
        ItemFallbacks.pageLink(element.all("link", in: Namespaces.atom10))?.attribute("href")
    }
}
