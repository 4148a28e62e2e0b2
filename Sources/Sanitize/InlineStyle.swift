internal import Foundation

/// What a feed's CSS may do in the site's page: style its own text and boxes, never reach past
/// them. A `style` attribute is kept only when each of its declarations names a property of the
/// list below; `position`, offsets, `z-index`, `transform` and shadows (and any property not on
/// the list) could lay a box of the feed's over the site's header or the whole page — a link
/// the size of the window — and a negative margin could pull one up over the page before it.
/// A `<style>` block is kept only without at-rules: in a document its braces are references,
/// so no rule applies, but `@import url(…)` needs none and brings a stylesheet of any power.
enum InlineStyle {
    /// Whether every declaration of `css` may stay: then the attribute is kept as written.
    static func isContained(_ css: String) -> Bool {
        contained(css) == css
    }

    /// The declarations of `css` that may stay (all of them: `css` as written), or nil for none.
    /// One property off the list took the whole attribute with it, and WordPress's image sizes
    /// and alignments went for a `box-sizing`.
    static func contained(_ css: String) -> String? {
        // Each declaration is checked on its own, at some microseconds each: 30 MB of them took
        // 19 s to convert. A real element's style is a few hundred bytes at most.
        guard css.utf8.count <= maximumBytes else { return nil }
        // Escapes and comments can spell a property name the list does not know as one it does.
        guard !css.utf8.contains(UInt8(ascii: "\\")), !css.contains("/*") else { return nil }
        let declarations = css.split(separator: ";", omittingEmptySubsequences: false)
        let kept = declarations.filter(isContained(declaration:))
        if kept.count == declarations.count { return css }
        let written = kept.map { $0.trimmingSpaces() }.filter { !$0.isEmpty }.joined(separator: "; ")
        return written.isEmpty ? nil : written
    }

    /// A longer `style` attribute is dropped whole.
    static let maximumBytes = 4096

    static func isContainedStylesheet(_ css: some Sequence<UInt8>) -> Bool {
        !css.contains(UInt8(ascii: "@"))
    }

    private static func isContained(declaration: Substring) -> Bool {
        let text = declaration.trimmingSpaces()
        if text.isEmpty { return true }
        guard let colon = text.firstIndex(of: ":") else { return false }
        let name = text[..<colon].trimmingSpaces().lowercased()
        guard properties.contains(name) else { return false }
        let value = text[text.index(after: colon)...].lowercased()
        // An image fetched from anywhere, without the no-referrer an `<img>` gets: a tracking pixel.
        if fetchesAnything(value) { return false }
        // Lengths within bounds, never negative, of no function (`CSSLengths`): a box's padding or
        // its glyphs could otherwise paint over the page around the post.
        if let kind = CSSLengths.kind(of: name), !CSSLengths.isModest(value, kind: kind) { return false }
        // Text no one sees is a link no one knows they click.
        if name == "color" { return isVisibleColour(value) }
        return true
    }

    /// `url(`, `image(` or `image-set(` as a function (vendor-prefixed too: `-webkit-image-set(`),
    /// not inside a name (`'Curl(y) Sans'`).
    private static func fetchesAnything(_ value: String) -> Bool {
        for name in ["url(", "image(", "image-set("] {
            var search = value.startIndex
            while let found = value[search...].range(of: name) {
                let before = found.lowerBound == value.startIndex ? nil : value[value.index(before: found.lowerBound)]
                if !(before.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false) { return true }
                search = found.upperBound
            }
        }
        return false
    }

    private static func isVisibleColour(_ value: String) -> Bool {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.contains("transparent") || trimmed.contains("/") || trimmed.contains("rgba") || trimmed.contains("hsla") {
            return false
        }
        // #RGBA and #RRGGBBAA carry an alpha.
        if trimmed.hasPrefix("#") { return ![5, 9].contains(trimmed.count) }
        return true
    }

    static let properties: Set<String> = [
        "color", "background", "background-color", "background-image", "background-position", "background-repeat",
        "background-size", "border", "border-top", "border-right", "border-bottom", "border-left", "border-color",
        "border-style", "border-width", "border-radius", "border-collapse", "border-spacing",
        "margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
        "padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
        "width", "height", "max-width", "max-height", "min-width", "min-height", "aspect-ratio", "object-fit",
        "display", "float", "clear", "vertical-align", "overflow",
        "font-family", "font-size", "font-style", "font-weight", "font-variant", "line-height",
        "letter-spacing", "word-spacing", "white-space", "word-break", "word-wrap", "overflow-wrap",
        "text-align", "text-decoration", "text-indent", "text-transform", "direction", "unicode-bidi",
        "list-style", "list-style-type", "list-style-position", "table-layout", "caption-side", "empty-cells",
    ]
}

private extension Substring {
    func trimmingSpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0C}" }
        let start = firstIndex { !isSpace($0) } ?? endIndex
        let end = lastIndex { !isSpace($0) }.map(index(after:)) ?? start
        return self[start..<Swift.max(start, end)]
    }
}
