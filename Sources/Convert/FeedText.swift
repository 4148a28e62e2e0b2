/// A feed's own text for the front matter's `author` and `categories`. Themes print these
/// values as they are: Jekyll's minima and jekyll-seo-tag put `page.author` into the page and
/// into an attribute unescaped, so a feed's `<`, `>` and `"` become `_`, as a title's `<` and `>`
/// do. A category is also a URL path (Hugo's `/categories/<term>/`): a `/` or `\` in it would
/// reach past that folder (failing the build, or taking another page's place), so those become
/// `_` too, and a value that names nothing there is no category. Values configured in
/// feeds.yaml are the operator's and stay as written.
enum FeedText {
    /// A title for Hugo's and Jekyll's front matter (Hexo's maps more, by SPEC.md): Liquid prints
    /// `{{ page.title }}` as it is, and a title escaped twice over in the feed ran script in a
    /// theme's `<h1>`. Only the front matter's: the content hash reads the title as the feed gave it.
    /// A `"` is a typographic quote (“ or ”, by what precedes it): a layout that puts the title in
    /// an attribute (`title="{{ post.title }}"`, `og:title`) got the feed's own attributes, an
    /// `onfocus=` that ran on load (round 62). Not `_`, as an author's: quotes are common in titles.
    static func title(_ text: String) -> String {
        let angled = mapped(text, [UInt8(ascii: "<"), UInt8(ascii: ">")])
        guard angled.utf8.contains(UInt8(ascii: "\"")) else { return angled }
        var output = "", previous: Character?
        for character in angled {
            if character == "\"" {
                let opens = previous.map { $0.isWhitespace || "([{“‘-–—/".contains($0) } ?? true
                output.append(opens ? "“" : "”")
            } else {
                output.append(character)
            }
            previous = character
        }
        return output
    }

    static func author(_ text: String) -> String {
        mapped(text, [UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\"")])
    }

    /// nil for a value without a letter or a decimal digit (`..`, `!!!`, `&`, `…`, an emoji): Hugo
    /// keeps only those in a path, so it is no name there (`/categories//`, or `..` reaching out
    /// of the folder). `index.xml` and `index.html` (any case) are the files Hugo writes beside
    /// the term folders: such a term failed the whole build, so its dots become `_`. A term's
    /// link is `/categories/<term>/`: `#` and `?` ended the path there, and `%2e%2e` read as
    /// `..`, so those are `_`; so is a leading dot (a hidden folder, which servers keep to
    /// themselves). And a term is a folder name: one over 255 bytes (a 280-letter channel title)
    /// failed the build, so a term is cut to `maximumCategoryBytes`.
    static func category(_ text: String) -> String? {
        var value = mapped(text, [UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "/"),
                                  UInt8(ascii: "\\"), UInt8(ascii: "#"), UInt8(ascii: "?"), UInt8(ascii: "%")])
        guard hasNamingCharacter(value) else { return nil }
        if value.hasPrefix(".") { value = "_" + value.dropFirst() }
        if value.lowercased().hasPrefix("index.") { value = mapped(value, [UInt8(ascii: ".")]) }
        return cut(value, toBytes: maximumCategoryBytes)
    }

    /// Well under a folder name's 255 bytes, whatever Hugo or Jekyll add to it.
    static let maximumCategoryBytes = 100

    /// The longest prefix of whole characters within `bytes` bytes, without trailing spaces.
    private static func cut(_ text: String, toBytes bytes: Int) -> String {
        guard text.utf8.count > bytes else { return text }
        var kept = "", count = 0
        for character in text {
            count += character.utf8.count
            guard count <= bytes else { break }
            kept.append(character)
        }
        while kept.last?.isWhitespace == true { kept.removeLast() }
        return kept
    }

    /// Letters and decimal digits, as Hugo keeps them in a path: `²`, `½`, `Ⅻ` are neither.
    private static let naming: Set<Unicode.GeneralCategory> = [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter,
                                                               .modifierLetter, .otherLetter, .decimalNumber]

    /// Whether a letter or digit is in `text`: an ASCII one settles it on the bytes (every item's
    /// categories ask); Unicode's categories are looked up only for text without one.
    private static func hasNamingCharacter(_ text: String) -> Bool {
        let asciiAlphanumeric = text.utf8.contains { byte in
            (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        return asciiAlphanumeric || text.unicodeScalars.contains { naming.contains($0.properties.generalCategory) }
    }

    /// `text` with each of `characters` (ASCII) as `_`; all other bytes as they are.
    private static func mapped(_ text: String, _ characters: [UInt8]) -> String {
        // The characters as a 128-bit set, one bit an ASCII byte: this runs on every item's categories.
        let set = characters.reduce((low: UInt64(0), high: UInt64(0))) { set, byte in
            byte < 64 ? (set.low | 1 << byte, set.high) : (set.low, set.high | 1 << (byte - 64))
        }
        func isMapped(_ byte: UInt8) -> Bool {
            byte < 64 ? set.low >> byte & 1 == 1 : byte < 128 && set.high >> (byte - 64) & 1 == 1
        }
        var text = text
        guard text.withUTF8({ $0.contains(where: isMapped) }) else { return text }
        return String(decoding: text.utf8.map { isMapped($0) ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
    }
}
