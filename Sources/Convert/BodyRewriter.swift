internal import Markup

/// The byte-preserving body rewrites of SPEC.md (absolute URLs, referrerpolicy on images): every
/// byte outside the touched attributes is copied as it was. Each rewrite is idempotent. Removing
/// active content is `HTMLSanitizer`'s job, on the HTML5 tree, after these.
struct BodyRewriter {
    /// Base for relative URLs; nil, or a base that is not http(s), leaves them relative.
    let base: String?
    /// Write a tag the body ends inside as text (the page after the body would close it).
    let escapesUnclosedTag: Bool

    init(base: String?, escapesUnclosedTag: Bool) {
        self.base = URLResolver.webBase(base)
        self.escapesUnclosedTag = escapesUnclosedTag
    }

    /// Attributes holding one URL; `srcset` holds several (`SourceSet`).
    static let urlAttributes: Set<String> = ["src", "href", "poster"]

    func rewrite(_ html: String) -> String {
        guard html.containsUTF8(UInt8(ascii: "<")) else { return html }
        let bytes = Array(html.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 256)
        // What resolving may add: a base is a few dozen bytes in a real feed, but a feed's link of
        // 100 KB before each of 1,000 `<img src=x>` made a 114 KB body a 100 MB post (round 62).
        // Past it, URLs stay as written (the sanitizer judges a relative one as the page would).
        let growth = bytes.count * 3 + 65_536
        for token in HTMLLexer(bytes) {
            switch token {
            case .startTag(let tag):
                output += rewrite(tag, in: bytes, resolving: output.count <= tag.range.lowerBound + growth)
            case .text(let range), .endTag(_, let range), .other(let range):
                output += bytes[range]
            case .unclosedTag(let range) where escapesUnclosedTag:
                // The page after the body would close this tag (or one begun inside it): keep the
                // text, not the markup, by writing every `<` of it as `&lt;`.
                output += Self.escapingLessThan(bytes[range])
            case .unclosedTag(let range):
                output += bytes[range]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func escapingLessThan(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        for byte in bytes {
            if byte == UInt8(ascii: "<") { output += Array("&lt;".utf8) } else { output.append(byte) }
        }
        return output
    }

    private func rewrite(_ tag: HTMLTag, in bytes: [UInt8], resolving: Bool) -> [UInt8] {
        // Past the growth bound, no base: URLs stay as written.
        let base = resolving ? base : nil
        let resolve = { (url: String) in Self.absoluteURL(url, against: base) }
        var output: [UInt8] = []
        var cursor = tag.range.lowerBound
        let lazySource = tag.name == "img" ? LazyImage.source(of: tag, in: bytes) : nil
        for attribute in tag.attributes {
            let isSourceSet = attribute.name == "srcset"
            if isSourceSet || Self.urlAttributes.contains(attribute.name), let valueRange = attribute.valueRange {
                // As a browser reads the value: `&#47;a.jpg` is `/a.jpg`, `&#44;` a candidate's comma.
                // (A value starting with `scheme://` is absolute, its `&amp;`s and all: most are.)
                let raw = bytes[valueRange]
                let decodes = raw.contains(UInt8(ascii: "&")) && (isSourceSet || !URLResolver.hasSchemeAndAuthority(utf8: raw))
                let read = decodes ? EntityDecoder.html.decode(raw) : String(decoding: raw, as: UTF8.self)
                // A srcset's white space separates its candidates; any other value is one URL.
                let value = isSourceSet ? read : URLText.asRead(read)
                let wanted = attribute.name == "src" ? lazySource ?? value : value
                let absolute = isSourceSet ? (base == nil ? value : SourceSet.resolving(value, with: resolve)) : resolve(wanted)
                guard absolute != read else { continue }
                output += bytes[cursor..<valueRange.lowerBound]
                output += HTMLEscaping.attributeValue(absolute, quotedBy: valueRange.lowerBound > 0 ? bytes[valueRange.lowerBound - 1] : 0)
                cursor = valueRange.upperBound
            }
        }
        if tag.name == "img" {
            var added = ""
            if let lazySource, !tag.attributes.contains(where: { $0.name == "src" }) {
                added += " src=\"" + String(decoding: HTMLEscaping.attributeValue(resolve(lazySource),
                                                                                 quotedBy: UInt8(ascii: "\"")),
                                            as: UTF8.self) + "\""
            }
            // Image hosts refuse hot-linked images that carry a Referer.
            if !tag.attributes.contains(where: { $0.name == "referrerpolicy" }) {
                added += " referrerpolicy=\"no-referrer\""
            }
            if !added.isEmpty {
                let afterName = tag.range.lowerBound + 1 + tag.name.utf8.count
                let insertAt = max(cursor, tag.attributes.last?.range.upperBound ?? afterName)
                output += bytes[cursor..<insertAt]
                output += Array(added.utf8)
                cursor = insertAt
            }
        }
        output += bytes[cursor..<tag.range.upperBound]
        return output
    }

    private static func absoluteURL(_ value: String, against base: String?) -> String {
        guard let base, !value.isEmpty else { return value }
        let trimmed = value.trimmingASCIISpaces()
        guard !URLResolver.hasScheme(trimmed) || URLResolver.webSchemeWithoutSlashes(trimmed) != nil else { return value }
        return URLResolver.resolve(value, against: base)
    }
}
