internal import Markup

/// The images a body shows (`<img src>`) and the body with some of them pointed elsewhere: the
/// half of `images: local` that is text in, text out. Byte-preserving like `BodyRewriter`: only
/// the `src` values named in the map change. Values are compared entity-decoded (the sanitizer
/// writes `&` as `&amp;`) and written back escaped, so a URL reads the same in both places.
public enum ImageReferences {
    /// Every distinct http(s) `<img src>` of `html`, decoded, in order of first use.
    public static func sources(in html: String) -> [String] {
        guard html.containsUTF8(UInt8(ascii: "<")) else { return [] }
        let bytes = Array(html.utf8)
        var seen: Set<String> = []
        var found: [String] = []
        for case .startTag(let tag) in HTMLLexer(bytes) where tag.name == "img" {
            guard let value = source(of: tag, in: bytes), DocumentRenderer.isPlainWebURL(value),
                  seen.insert(value).inserted else { continue }
            found.append(value)
        }
        return found
    }

    /// `html` with each `<img src>` found in `map` (decoded remote URL → new URL) replaced.
    public static func rewrite(_ html: String, map: [String: String]) -> String {
        guard !map.isEmpty, html.containsUTF8(UInt8(ascii: "<")) else { return html }
        let bytes = Array(html.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var cursor = 0
        for case .startTag(let tag) in HTMLLexer(bytes) where tag.name == "img" {
            guard let attribute = tag.attributes.first(where: { $0.name == "src" }),
                  let range = attribute.valueRange,
                  let local = map[EntityDecoder.html.decode(bytes[range])] else { continue }
            output += bytes[cursor..<range.lowerBound]
            output += Array(escaped(local).utf8)
            cursor = range.upperBound
        }
        output += bytes[cursor...]
        return String(decoding: output, as: UTF8.self)
    }

    private static func source(of tag: HTMLTag, in bytes: [UInt8]) -> String? {
        guard let range = tag.attributes.first(where: { $0.name == "src" })?.valueRange else { return nil }
        return EntityDecoder.html.decode(bytes[range])
    }

    private static func escaped(_ value: String) -> String {
        var text = ""
        for character in value {
            switch character {
            case "&": text += "&amp;"
            case "\"": text += "&quot;"
            case "<": text += "&lt;"
            case ">": text += "&gt;"
            default: text.append(character)
            }
        }
        return text
    }
}
