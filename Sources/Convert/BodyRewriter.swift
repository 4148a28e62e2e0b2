internal import Markup

/// The three body rewrites of SPEC.md, applied without re-serialising the HTML: every byte
/// outside the touched attributes is copied as it was. Each rewrite is idempotent.
struct BodyRewriter {
    /// Base for relative URLs; nil leaves them relative.
    let base: String?
    /// Remove scripts, `on*=` handlers and `javascript:` URLs.
    let sanitize: Bool

    static let urlAttributes: Set<String> = ["src", "href"]

    func rewrite(_ html: String) -> String {
        guard html.containsUTF8(UInt8(ascii: "<")) else { return html }
        let bytes = Array(html.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 256)
        var insideScript = false
        for token in HTMLLexer(bytes) {
            switch token {
            case .startTag(let tag) where sanitize && tag.name == "script":
                insideScript = !tag.selfClosing
            case .endTag(let name, _) where sanitize && name == "script":
                insideScript = false
            case .startTag(let tag):
                output += rewrite(tag, in: bytes)
            case .text(let range), .endTag(_, let range), .other(let range):
                if !insideScript { output += bytes[range] }
            case .unclosedTag(let range) where sanitize:
                // The page after the body would close this tag (or one begun inside it): keep the
                // text, not the markup, by writing every `<` of it as `&lt;`.
                if !insideScript { output += Self.escapingLessThan(bytes[range]) }
            case .unclosedTag(let range):
                if !insideScript { output += bytes[range] }
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

    private func rewrite(_ tag: HTMLTag, in bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var cursor = tag.range.lowerBound
        for attribute in tag.attributes {
            if sanitize && (isEventHandler(attribute) || isJavaScriptURL(attribute, in: bytes)) {
                // Drop the attribute and the white space before it.
                var start = attribute.range.lowerBound
                while start > cursor, isSpace(bytes[start - 1]) { start -= 1 }
                output += bytes[cursor..<start]
                cursor = attribute.range.upperBound
            } else if Self.urlAttributes.contains(attribute.name), let valueRange = attribute.valueRange {
                let value = String(decoding: bytes[valueRange], as: UTF8.self)
                let absolute = absoluteURL(value)
                guard absolute != value else { continue }
                output += bytes[cursor..<valueRange.lowerBound]
                output += Array(absolute.utf8)
                cursor = valueRange.upperBound
            }
        }
        if tag.name == "img", !tag.attributes.contains(where: { $0.name == "referrerpolicy" }) {
            // Image hosts refuse hot-linked images that carry a Referer.
            let afterName = tag.range.lowerBound + 1 + tag.name.utf8.count
            let insertAt = max(cursor, tag.attributes.last?.range.upperBound ?? afterName)
            output += bytes[cursor..<insertAt]
            output += Array(" referrerpolicy=\"no-referrer\"".utf8)
            cursor = insertAt
        }
        output += bytes[cursor..<tag.range.upperBound]
        return output
    }

    private func absoluteURL(_ value: String) -> String {
        guard let base, !value.isEmpty, !URLResolver.hasScheme(value.trimmingASCIISpaces()) else { return value }
        return URLResolver.resolve(value, against: base)
    }

    private func isEventHandler(_ attribute: HTMLAttribute) -> Bool {
        attribute.name.hasPrefix("on") && attribute.name.count > 2
    }

    private func isJavaScriptURL(_ attribute: HTMLAttribute, in bytes: [UInt8]) -> Bool {
        guard let valueRange = attribute.valueRange else { return false }
        // Browsers ignore white space and control characters inside the scheme: "java\tscript:".
        let value = EntityDecoder.xml.decode(bytes[valueRange]).unicodeScalars
            .filter { $0.value > 0x20 }.map(Character.init)
        return String(value).lowercased().hasPrefix("javascript:")
    }
}

@inline(__always) private func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
}
