internal import CLibXML2
internal import Markup

/// One subscription from an OPML file.
public struct OPMLOutline: Sendable, Hashable {
    public var title: String
    public var feedURL: String
    public var siteURL: String?
    /// Folder titles above it, outermost first, then its own `category` attribute's parts.
    public var categories: [String]
    /// Commented out (`isComment="true"`, on it or a folder above it): a subscription kept, not followed.
    public var isComment = false
}

/// Why a file gave no subscriptions.
public enum OPMLError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case notXML
    case notOPML(root: String)

    public var description: String {
        switch self {
        case .empty: return "not an OPML file: it is empty"
        case .notXML: return "not an OPML file: it is not XML"
        case .notOPML(let root): return "not an OPML file: root element is <\(root)>, not <opml>"
        }
    }
}

/// Reads the subscription lists every feed reader exports (OPML 1.0/2.0): every outline with an
/// `xmlUrl`, at any depth, with the folders it sits in as categories.
public enum OPMLReader {
    /// `damaged` hears libxml2's first error when the file was not well-formed: its recovery
    /// reads what it can, and drops the rest (an outline with a raw `<` in a title, everything
    /// nested deeper than 256 levels) without a trace. `recoded` hears why the file was read in
    /// another encoding than its declaration's.
    public static func read(_ original: [UInt8], damaged: (String) -> Void = { _ in },
                            recoded: (String) -> Void = { _ in }) throws(OPMLError) -> [OPMLOutline] {
        guard !original.isEmpty else { throw .empty }
        // Encoded as feeds are: by the bytes' evidence (exporters copy a template's declaration).
        var decided = CharsetDetector.plan(for: original, httpCharset: nil)
        // Labelled UTF-8 (or not at all) and not UTF-8: what a feed's reader would fall back to
        // when libxml2 stops at the first bad byte (a Windows-1252 export under UTF-8's label).
        if decided.claimsUTF8, decided.bytes == nil, !UTF8Check(original).isValid {
            decided = CharsetDetector.checkingUTF8(original, encoding: decided.encoding, httpCharset: nil)
            if decided.reason == nil, decided.bytes == nil, let guess = decided.encoding {
                decided.reason = "detected \(guess), not the UTF-8 it is labelled or taken for"
            }
        }
        let plan = CharsetDetector.readingAsUTF8(decided, bytes: original)
        if let reason = plan.reason { recoded("read as \(decided.encoding ?? "its declaration says"): \(reason)") }
        // Exporters write `xmlUrl="...?a=1&b=2"` with a bare `&`, which libxml2's recovery turns
        // into `?a=1=2`: the feeds' own repair makes it `&amp;` first, and `&nbsp;` a character.
        let input = plan.bytes ?? original
        let bytes = EntityRepair.repair(input) ?? input
        silenceLibxml2OnThisThread()
        guard let context = xmlNewParserCtxt() else { throw .notXML }
        defer { xmlFreeParserCtxt(context) }
        let (document, damage) = XMLFeedReader.read(bytes, with: context, url: "opml.xml", encoding: plan.encoding,
                                                     options: XMLFeedReader.options)
        if let damage { damaged(damage) }
        guard let document else { throw .notXML }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { throw .notXML }
        let tree = XMLTreeCopier(resolvesBase: false).copy(root)
        guard tree.name.lowercased() == "opml" else { throw .notOPML(root: tree.name) }
        var outlines: [OPMLOutline] = []
        for body in tree.elements where body.name == "body" {
            collect(body.elements, folders: [], into: &outlines)
        }
        return outlines
    }

    private static func collect(_ elements: [XMLElementValue], folders: [String], commented: Bool = false,
                                into outlines: inout [OPMLOutline]) {
        for outline in elements where outline.name == "outline" {
            // Exporters write an empty title="" beside the text="…" they mean.
            let title = [outline.attribute("title"), outline.attribute("text")].compactMap { $0 }
                .first { !$0.trimmingASCIISpaces().isEmpty } ?? ""
            let isComment = commented || outline.attribute("isComment")?.trimmingASCIISpaces().lowercased() == "true"
            if let feedURL = outline.attribute("xmlUrl") ?? outline.attribute("xmlurl"), !feedURL.isEmpty {
                let own = (outline.attribute("category") ?? "").split(whereSeparator: { $0 == "," || $0 == "/" })
                    .map { String($0).trimmingASCIISpaces() }.filter { !$0.isEmpty }
                outlines.append(OPMLOutline(title: title, feedURL: feedURL.trimmingASCIISpaces(),
                                            siteURL: outline.attribute("htmlUrl"), categories: folders + own,
                                            isComment: isComment))
            }
            collect(outline.elements, folders: title.isEmpty ? folders : folders + [title], commented: isComment,
                    into: &outlines)
        }
    }
}
