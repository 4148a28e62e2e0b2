// Parse: bytes → Feed values. Detects the dialect from the document itself and hands each
// element to that dialect's adapter. libxml2 stays inside XMLStreamReader and XMLTreeCopier.
public import FeedModel
internal import Markup

public enum FeedParser {
    /// Parses a feed document of any supported dialect.
    /// - Parameters:
    ///   - url: the document's URL, the base for relative links.
    ///   - httpCharset: the charset the server named in Content-Type, if any.
    public static func parse(_ bytes: [UInt8], url: String, httpCharset: String? = nil) throws(ParseError) -> Feed {
        guard let first = bytes.first(where: { !isSpace($0) && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }) else {
            throw .empty
        }
        if first == UInt8(ascii: "{") {
            return try JSONFeedParser.parse(bytes, url: url)
        }
        var encoding = CharsetDetector.override(for: bytes, httpCharset: httpCharset)
        let claimsUTF8 = CharsetDetector.declared(in: bytes).map { $0 == "utf-8" || $0 == "utf8" } ?? true
        if encoding == nil && claimsUTF8 || encoding == "UTF-8" {
            // libxml2 would silently read invalid UTF-8 as Latin-1; choose the likely truth instead.
            encoding = CharsetDetector.fallback(for: bytes) ?? encoding
        }
        return try parseXML(EntityRepair.repair(bytes) ?? bytes, url: url, encoding: encoding)
    }

    private static func parseXML(_ bytes: [UInt8], url: String, encoding: String?) throws(ParseError) -> Feed {
        var feed: Feed?
        var rootName = ""
        var rss = RSSAdapter(feedURL: url)
        var atom = AtomAdapter(feedURL: url)
        let sawRoot = XMLFeedReader.read(bytes, url: url, encoding: encoding) { event in
            switch event {
            case .root(let root):
                rootName = root.name
                feed = kind(of: root).map { Feed(kind: $0) }
                if let base = root.base { rss = RSSAdapter(feedURL: base); atom = AtomAdapter(feedURL: base) }
            case .channelElement(let element):
                guard var current = feed else { return }
                if current.kind.isAtom { atom.apply(channelElement: element, to: &current) }
                else { rss.apply(channelElement: element, to: &current) }
                feed = current
            case .item(let element):
                guard feed != nil else { return }
                let item = feed!.kind.isAtom ? atom.item(from: element) : rss.item(from: element)
                feed!.items.append(finish(item))
            }
        }
        guard sawRoot else { throw .malformed("no XML element found") }
        guard let feed else { throw .notAFeed(root: rootName) }
        return feed
    }

    /// The dialect, from the root element alone.
    private static func kind(of root: XMLElementValue) -> Feed.Kind? {
        switch (root.name, root.namespace) {
        case ("rss", _):
            let version = root.attribute("version") ?? "2.0"
            return version.hasPrefix("0.9") ? .rss09x : .rss2
        case ("RDF", _):
            return .rss1
        case ("feed", Namespaces.atom03):
            return .atom03
        case ("feed", _):
            return root.attribute("version") == "0.3" ? .atom03 : .atom10
        default:
            return nil
        }
    }

    /// Derived fields every dialect shares: the body's text and first image.
    static func finish(_ item: Item) -> Item {
        var item = item
        item.contentText = HTMLEntityTable.text.text(of: item.contentHTML)
        if let image = HTMLEntityTable.text.firstImageSource(in: item.contentHTML) {
            item.bodyImage = URLResolver.resolve(image, against: item.baseURL)
        }
        return item
    }
}

extension Feed.Kind {
    var isAtom: Bool { self == .atom10 || self == .atom03 }
}

@inline(__always) private func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
}
