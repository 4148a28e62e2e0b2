internal import Markup

/// Makes the relative `src` and `href` values of an item's HTML absolute, for readers of the
/// parse (`crawler parse --json`). Every other byte stays as it is. The stored documents get the
/// same rewrite from Convert, which reads `Item.baseURL`; the parser itself keeps the feed's
/// bytes, so a body is lexed once less per item on the crawl's hot path.
public enum ContentLinks {
    public static func resolving(_ html: String, against base: String?) -> String {
        guard let base, !base.isEmpty, html.containsUTF8(UInt8(ascii: "<")) else { return html }
        let bytes = Array(html.utf8)
        var output: [UInt8] = []
        var copiedUpTo = 0
        for case .startTag(let tag) in HTMLLexer(bytes) {
            for attribute in tag.attributes where attribute.name == "src" || attribute.name == "href" {
                guard let range = attribute.valueRange else { continue }
                let value = EntityDecoder.html.decode(bytes[range])
                let trimmed = value.trimmingASCIISpaces()
                guard !trimmed.isEmpty, !URLResolver.hasScheme(trimmed) else { continue }
                let absolute = URLResolver.resolve(trimmed, against: base)
                output.append(contentsOf: bytes[copiedUpTo..<range.lowerBound])
                output.append(contentsOf: HTMLEscaping.attributeValue(absolute, quotedBy: range.lowerBound > 0 ? bytes[range.lowerBound - 1] : 0))
                copiedUpTo = range.upperBound
            }
        }
        guard copiedUpTo > 0 else { return html }
        output.append(contentsOf: bytes[copiedUpTo...])
        return String(decoding: output, as: UTF8.self)
    }
}
