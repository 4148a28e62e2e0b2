internal import Markup

/// Small text helpers shared by the dialect adapters.
enum FieldText {
    /// Plain text of a one-line field that may carry escaped markup (RSS titles often do).
    static func plain(_ text: String) -> String {
        HTMLText.line.text(of: text)
    }

    /// An RSS title's text: the tags of HTML's inline formatting and blocks removed (`<b>`, `<em>`,
    /// a link, `<p>`: a block's words apart from the next), when closed in the title; anything else
    /// in angle brackets kept as written. `The history of the <blink> tag` and `std::vector<bool>`
    /// lost their words, read as tags. Read `fromElements` (the title's child elements written
    /// back), every tag is closed (the recovering repair closed what the title left open): the end
    /// tag of one kept as text is that closing, dropped (it stored `the <blink> tag</blink>`).
    static func title(_ text: String, fromElements: Bool = false) -> String {
        guard text.utf8.contains(UInt8(ascii: "<")) else { return plain(text) }
        var kept = ""
        var rest = text[...]
        let lowered = text.lowercased()
        var keptAsText: Set<String> = []
        while let open = rest.firstIndex(of: "<") {
            kept += rest[..<open]
            let tag = rest[open...]
            let isEnd = tag.dropFirst().first == "/"
            let nameText = tag.dropFirst(isEnd ? 2 : 1).prefix { $0.isASCII && ($0.isLetter || $0.isNumber) }
            let name = nameText.lowercased()
            let after = tag.dropFirst((isEnd ? 2 : 1) + nameText.count).first
            // A tag as HTML writes one (`<b>`, `<a href=…>`), and closed in the title: `Iterator<I>`,
            // `Either<A, B>` and `the <a> tag` name things.
            let isTag = after == ">" || after == "/" || (after?.isWhitespace ?? false)
            let closed = isEnd || name == "br" || lowered.contains("</" + name)
            let markup = Self.titleFormatting.contains(name) || HTMLText.blocks.contains(name)
            if isTag, let close = tag.firstIndex(of: ">"), closed && markup || isEnd && fromElements && keptAsText.contains(name) {
                // A line break between words is a space (one: `a <br> b` is not three): `plain`'s.
                if name == "br" || HTMLText.blocks.contains(name) { kept += "<br>" }
                rest = rest[rest.index(after: close)...]
            } else {
                if isTag, !isEnd { keptAsText.insert(name) }
                kept += "&lt;"
                rest = rest[rest.index(after: open)...]
            }
        }
        return plain(kept + rest)
    }

    private static let titleFormatting: Set<String> = [
        "a", "abbr", "b", "big", "br", "cite", "code", "del", "em", "font", "i", "ins", "kbd", "mark", "q", "s", "small",
        "span", "strike", "strong", "sub", "sup", "tt", "u", "var",
    ]

    /// RSS's `<author>` is an e-mail address, often `jane@example.org (Jane Doe)`: the name
    /// is what a reader wants; a bare address stays as it is.
    static func personName(_ text: String) -> String {
        let plain = plain(text).trimmingASCIISpaces()
        guard plain.hasSuffix(")"), let open = plain.firstIndex(of: "("), plain[..<open].contains("@") else {
            return plain
        }
        let name = String(plain[plain.index(after: open)..<plain.index(before: plain.endIndex)]).trimmingASCIISpaces()
        return name.isEmpty ? plain : name
    }

    static func nonEmpty(_ text: String) -> String? {
        text.trimmingASCIISpaces().isEmpty ? nil : text
    }

    /// An element's HTML: its text (escaped markup or CDATA), or its child elements written back.
    static func html(of element: XMLElementValue) -> String {
        element.hasElementChildren ? element.innerMarkup : element.text
    }
}

