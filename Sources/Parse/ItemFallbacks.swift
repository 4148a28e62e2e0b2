internal import FeedModel
internal import Markup

/// Fields an item may carry in several places, and the order they are looked for in: the
/// dialect's own element first, then the modules feeds use instead.
enum ItemFallbacks {
    /// The dialect's title, else `dc:title`, else `media:title` (directly or in a `media:group`).
    static func title(_ element: XMLElementValue, core: [String], plain: (XMLElementValue) -> String = Self.rssTitle) -> String {
        if let title = element.first("title", in: core).map(plain), !title.trimmingASCIISpaces().isEmpty { return title }
        if let title = element.first("title", in: Namespaces.dublinCore).map({ FieldText.plain($0.text) }),
           !title.trimmingASCIISpaces().isEmpty { return title }
        let media = element.first("title", in: Namespaces.media)
            ?? element.first("group", in: Namespaces.media)?.first("title", in: Namespaces.media)
        return media.map { FieldText.plain($0.text) } ?? ""
    }

    /// An RSS title's text; one written with elements in it (`Line one<br/>line two`, well-formed
    /// XML) is read from its markup, not from its text nodes glued together.
    static func rssTitle(_ element: XMLElementValue) -> String {
        element.hasElementChildren ? FieldText.title(element.innerMarkup, fromElements: true) : FieldText.title(element.text)
    }

    /// RSS `<author>` (an address, or a name in child elements), else `dc:creator`, else `itunes:author`;
    /// but a name in either of those before an `<author>` that is a bare address (a byline
    /// of `host@example.com` where the podcast names its host).
    static func author(_ element: XMLElementValue, core: [String]) -> String? {
        // Dublin Core repeats dc:creator, one for each author.
        let creators = authors(element.all("creator", in: Namespaces.dublinCore).compactMap(personName))
        let named = [creators, personName(element.first("author", in: Namespaces.itunes))].compactMap { $0 }
        guard let author = personName(element.first("author", in: core)) else { return named.first }
        guard isBareAddress(author) else { return author }
        return named.first { !isBareAddress($0) } ?? author
    }

    /// `jane@example.com`: an address with no name beside it.
    static func isBareAddress(_ text: String) -> Bool {
        text.contains("@") && !text.contains(where: { $0 == " " || $0 == "\t" })
    }

    /// An entry's page: its first alternate link of an HTML type (or of none), else its first
    /// alternate of any type (an entry may offer its JSON or ActivityPub object beside the page).
    static func pageLink(_ links: [XMLElementValue]) -> XMLElementValue? {
        let alternates = links.filter { isAlternate($0) && $0.attribute("href").flatMap(FieldText.nonEmpty) != nil }
        return alternates.first { link in
            guard let type = link.attribute("type")?.trimmingASCIISpaces().lowercased(), !type.isEmpty else { return true }
            return type.hasPrefix("text/html") || type.hasPrefix("application/xhtml+xml")
        } ?? alternates.first
    }

    /// A person element's name: its `name` child when it has children (`<author><name>Jane</name>
    /// <email>…</email></author>`: not their concatenated text), else its text.
    /// Several authors' names as a reader would write them (`Alice, Bob`), each once, in order;
    /// nil for none. Atom and JSON Feed 1.1 name several; the first alone credited one writer
    /// with another's work (round 67).
    static func authors(_ names: [String]) -> String? {
        var unique: [String] = []
        for name in names where !unique.contains(name) { unique.append(name) }
        return unique.isEmpty ? nil : unique.joined(separator: ", ")
    }

    static func personName(_ element: XMLElementValue?) -> String? {
        guard let element else { return nil }
        if element.hasElementChildren {
            let name = element.elements.first { $0.name == "name" } ?? element.elements.first
            return name.flatMap { FieldText.nonEmpty(FieldText.personName($0.text)) }
        }
        return FieldText.nonEmpty(FieldText.personName(element.text))
    }

    /// The first of `candidates` (name, namespaces) that holds a readable date. When some hold
    /// text and none reads, the first such text goes to `unreadable`, for the log.
    static func date(in element: XMLElementValue, _ candidates: [(String, [String])], chinaTime: Bool = false,
                     unreadable: inout UnreadableDates) -> Timestamp? {
        var failed: String?
        for (name, namespaces) in candidates {
            guard let child = element.first(name, in: namespaces) else { continue }
            if let date = DateParser.parse(child.text, chinaTime: chinaTime) { return date }
            let text = child.text.trimmingASCIISpaces()
            if failed == nil, !text.isEmpty { failed = text }
        }
        if let failed { unreadable.add(failed) }
        return nil
    }

    /// RFC 4287: an entry's link is its `alternate` one (or one with no rel), never `self`,
    /// `related`, `enclosure`, `via`, `license`, `edit`...
    static func isAlternate(_ link: XMLElementValue) -> Bool {
        let rel = link.attribute("rel")?.trimmingASCIISpaces().lowercased() ?? "alternate"
        return rel == "alternate" || rel.isEmpty || rel == "http://www.iana.org/assignments/relation/alternate"
    }
}

/// Dates no format could read, across a feed's items: the first for the log, and how many.
struct UnreadableDates {
    private(set) var first: String?
    private(set) var count = 0

    mutating func add(_ text: String) {
        if first == nil { first = String(text.prefix(80)) }
        count += 1
    }
}
