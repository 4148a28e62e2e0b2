internal import Markup

/// Pages that load images lazily leave the real address in `data-src` or `data-original` (the
/// `src`, if any, is a placeholder) or only in `srcset`: outside the page's script the image
/// never shows. The rewriter gives such an image its real `src`, for every feed.
enum LazyImage {
    static let dataAttributes = ["data-src", "data-original", "data-lazy-src"]

    /// The address an `<img>` should have as its `src`, when that is not what it has, as a browser
    /// reads it (references decoded, tabs dropped: it is written back escaped); nil when the image
    /// is not a lazy one.
    static func source(of tag: HTMLTag, in bytes: [UInt8]) -> String? {
        func value(_ name: String) -> String? {
            guard let attribute = tag.attributes.first(where: { $0.name == name }),
                  let range = attribute.valueRange else { return nil }
            let text = EntityDecoder.html.decode(bytes[range]).trimmingASCIISpaces()
            return text.isEmpty ? nil : text
        }
        for name in dataAttributes {
            if let source = value(name).map(URLText.asRead), !source.isEmpty { return source }
        }
        guard value("src") == nil, let srcset = value("srcset") else { return nil }
        return URLText.firstSourceSetURL(srcset).map(URLText.asRead)
    }
}
