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
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "<")) else { return plain(text) }
        // Read byte by byte, and both looked up once for the whole title: searched again at every
        // `<`, a title of thousands of them took minutes (round 55: 16,000 `&lt; ` took 15 s).
        let closings = ClosingTags(bytes)
        var closes = NextClose(bytes)
        var kept: [UInt8] = []
        kept.reserveCapacity(bytes.count + 16)
        var keptAsText: Set<String> = []
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<") else {
                kept.append(bytes[index])
                index += 1
                continue
            }
            let isEnd = index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "/")
            let nameStart = index + (isEnd ? 2 : 1)
            var nameEnd = nameStart
            while nameEnd < bytes.count, Self.isNameByte(bytes[nameEnd]) { nameEnd += 1 }
            // A tag as HTML writes one (`<b>`, `<a href=…>`), and closed in the title: `Iterator<I>`,
            // `Either<A, B>` and `the <a> tag` name things.
            guard Self.endsTagName(bytes, at: nameEnd) else {
                kept += Self.escapedOpen
                index += 1
                continue
            }
            let name = String(decoding: bytes[nameStart..<nameEnd].map(Self.lowered), as: UTF8.self)
            let markup = Self.titleFormatting.contains(name) || HTMLText.blocks.contains(name)
            let closed = isEnd || name == "br" || (markup && closings.contains(name))
            if closed && markup || isEnd && fromElements && keptAsText.contains(name), let close = closes.first(from: index) {
                // A line break between words is a space (one: `a <br> b` is not three): `plain`'s.
                if name == "br" || HTMLText.blocks.contains(name) { kept += Array("<br>".utf8) }
                index = close + 1
            } else {
                if !isEnd { keptAsText.insert(name) }
                kept += Self.escapedOpen
                index += 1
            }
        }
        return plain(String(decoding: kept, as: UTF8.self))
    }

    private static let escapedOpen = Array("&lt;".utf8)

    /// An ASCII letter or digit: what a tag's name is made of here.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// An ASCII capital as its small letter; any other byte as it is.
    private static func lowered(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
    }

    /// Whether what follows a name at `index` ends a tag's name: `>`, `/` or white space (any
    /// Unicode white space, as a `Character` is); not the end of the title.
    private static func endsTagName(_ bytes: [UInt8], at index: Int) -> Bool {
        guard index < bytes.count else { return false }
        let byte = bytes[index]
        if byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") { return true }
        var iterator = bytes[index...].prefix(4).makeIterator()
        var decoder = UTF8()
        guard case let .scalarValue(scalar) = decoder.decode(&iterator) else { return false }
        return scalar.properties.isWhitespace
    }

    /// The names a title closes (`</b`, `</em`: their first letters and digits, lower-cased), as
    /// prefixes: `</bold` closes `b` too, as a search for `</b` in the title found it. Markup names
    /// are short; longer runs count by their first `longestName` characters.
    private struct ClosingTags {
        private var prefixes: Set<String> = []
        static let longestName = 16

        init(_ bytes: [UInt8]) {
            var index = 0
            while index + 1 < bytes.count {
                defer { index += 1 }
                guard bytes[index] == UInt8(ascii: "<"), bytes[index + 1] == UInt8(ascii: "/") else { continue }
                var name = ""
                for byte in bytes[(index + 2)...].prefix(Self.longestName) {
                    guard FieldText.isNameByte(byte) else { break }
                    name.unicodeScalars.append(Unicode.Scalar(FieldText.lowered(byte)))
                    prefixes.insert(name)
                }
            }
        }

        func contains(_ name: String) -> Bool { prefixes.contains(name) }
    }

    /// The first `>` at or after a tag's `<`, found once for all the tags before it.
    private struct NextClose {
        let bytes: [UInt8]
        private var found = -1
        private var noneFrom = Int.max

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func first(from open: Int) -> Int? {
            if open >= noneFrom { return nil }
            if found >= open { return found }
            guard let close = bytes[open...].firstIndex(of: UInt8(ascii: ">")) else {
                noneFrom = open
                return nil
            }
            found = close
            return close
        }
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

