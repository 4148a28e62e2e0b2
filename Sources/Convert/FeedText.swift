/// A feed's own text for the front matter's `author` and `categories`. Themes print these
/// values as they are: Jekyll's minima and jekyll-seo-tag put `page.author` into the page and
/// into an attribute unescaped, so a feed's `<`, `>` and `"` become `_`, as a title's `<` and `>`
/// do. A category is also a URL path (Hugo's `/categories/<term>/`): a `/` or `\` in it, or a
/// value of dots alone, would reach past that folder (failing the build, or taking another
/// page's place), so those become `_` too. Values configured in feeds.yaml are the operator's
/// and stay as written.
enum FeedText {
    static func author(_ text: String) -> String {
        mapped(text, [UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\"")])
    }

    static func category(_ text: String) -> String {
        let value = mapped(text, [UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""),
                                  UInt8(ascii: "/"), UInt8(ascii: "\\")])
        // `.`, `..`, `..!`, `.. ` with a no-break or zero-width space: Hugo drops what a path may not
        // hold, and a value of dots and such is a segment that is no name. Without a letter or a
        // digit, its dots go.
        let hasName = value.unicodeScalars.contains { naming.contains($0.properties.generalCategory) }
        return !hasName && value.utf8.contains(UInt8(ascii: ".")) ? mapped(value, [UInt8(ascii: ".")]) : value
    }

    /// Letters and decimal digits, as Hugo keeps them in a path: `²`, `½`, `Ⅻ` are neither.
    private static let naming: Set<Unicode.GeneralCategory> = [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter,
                                                               .modifierLetter, .otherLetter, .decimalNumber]

    /// `text` with each of `characters` (ASCII) as `_`; all other bytes as they are.
    private static func mapped(_ text: String, _ characters: [UInt8]) -> String {
        guard text.utf8.contains(where: characters.contains) else { return text }
        return String(decoding: text.utf8.map { characters.contains($0) ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
    }
}
