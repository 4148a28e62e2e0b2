internal import Markup

/// Pages that load images lazily leave the real address in `data-src` or `data-original` (the
/// `src`, if any, is a placeholder) or only in `srcset`: outside the page's script the image
/// never shows. The rewriter gives such an image its real `src`, for every feed.
enum LazyImage {
    static let dataAttributes = ["data-src", "data-original", "data-lazy-src"]

    /// The address an `<img>` should have as its `src`, when that is not what it has; nil when
    /// the image is not a lazy one.
    static func source(of tag: HTMLTag, in bytes: [UInt8]) -> String? {
        func value(_ name: String) -> String? {
            guard let attribute = tag.attributes.first(where: { $0.name == name }),
                  let range = attribute.valueRange else { return nil }
            let text = String(decoding: bytes[range], as: UTF8.self).trimmingASCIISpaces()
            return text.isEmpty ? nil : text
        }
        for name in dataAttributes {
            if let source = value(name) { return source }
        }
        guard value("src") == nil, let srcset = value("srcset") else { return nil }
        return firstCandidate(of: srcset)
    }

    /// `a.jpg 1x, b.jpg 2x` → `a.jpg`.
    static func firstCandidate(of srcset: String) -> String? {
        let candidate = srcset.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first
            .map { $0.hasSuffix(",") ? String($0.dropLast()) : String($0) }
        return candidate?.isEmpty == false ? candidate : nil
    }

    /// A value copied from an attribute that may have been single-quoted, made safe in double quotes.
    static func quoted(_ value: String) -> String {
        guard value.contains("\"") else { return value }
        var output = ""
        for character in value {
            if character == "\"" { output += "&quot;" } else { output.append(character) }
        }
        return output
    }
}
