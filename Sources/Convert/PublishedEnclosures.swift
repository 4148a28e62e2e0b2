internal import FeedModel
internal import Markup

/// The enclosures a document lists in its front matter (`enclosures:`), so that a site can play a
/// podcast's episode: without them an episode whose feed gives nothing but its audio was a post of
/// a title and an empty body. Only what a theme can put into `<audio src="…">` as it is.
enum PublishedEnclosures {
    /// A hostile item's thousand enclosures would make a front matter of megabytes.
    static let limit = 16

    static func of(_ item: Item) -> [Enclosure] {
        var seen: Set<String> = []
        var kept: [Enclosure] = []
        for enclosure in item.enclosures where kept.count < limit {
            let url = enclosure.url.trimmingASCIISpaces()
            guard DocumentRenderer.isWebLink(url) else { continue }
            // Braces too: a theme's template engine may read the URL where it is written.
            let safe = DocumentRenderer.attributeSafe(url).replacing("{", with: "%7B").replacing("}", with: "%7D")
            guard seen.insert(safe).inserted else { continue }
            kept.append(Enclosure(url: safe, type: enclosure.type.flatMap(mediaType),
                                  length: enclosure.length.flatMap { $0 >= 0 ? $0 : nil }))
        }
        return kept
    }

    /// `audio/mpeg`: a type and subtype of token characters (RFC 6838), lower-cased; anything
    /// else (a quote, a space, a parameter) is left out rather than written.
    private static func mediaType(_ text: String) -> String? {
        let type = text.trimmingASCIISpaces().lowercased()
        let parts = type.split(separator: "/", omittingEmptySubsequences: false)
        guard type.utf8.count <= 127, parts.count == 2, parts.allSatisfy({ part in
            !part.isEmpty && part.utf8.allSatisfy { isTokenByte($0) }
        }) else { return nil }
        return type
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: "!#$&-^_.+".utf8.contains(byte)
        }
    }

    /// `[{url: '…', type: 'audio/mpeg', length: 1234}]`: one YAML line, as Hugo's and Jekyll's
    /// other lists.
    static func yamlLine(_ enclosures: [Enclosure]) -> String {
        "enclosures: [" + enclosures.map { "{" + pairs($0).joined(separator: ", ") + "}" }.joined(separator: ", ") + "]"
    }

    /// A block list, as a Hexo document's categories: its text has no braces to escape.
    static func yamlBlock(_ enclosures: [Enclosure]) -> String {
        "enclosures: \n" + enclosures.map { " - " + pairs($0).joined(separator: "\n   ") + "\n" }.joined()
    }

    private static func pairs(_ enclosure: Enclosure) -> [String] {
        var pairs = ["url: " + YAMLScalar.singleQuoted(enclosure.url)]
        if let type = enclosure.type { pairs.append("type: " + YAMLScalar.singleQuoted(type)) }
        if let length = enclosure.length { pairs.append("length: \(length)") }
        return pairs
    }
}
