internal import Markup

/// Bodies gumbo cannot parse in good time or room, told from their tags alone. Its tree builder
/// searches the stack of open elements at every start tag, and each new attribute of a tag is
/// compared with every earlier one: 60,000 nested `<div>` took 7 s, one tag of 50,000 attributes
/// 6 s (Chromium stops nesting at 512); and its tree takes about a hundred times the bytes of a
/// body that is all tags (`<p>x` eight million times: 3 GB). Such a body is not given to gumbo.
enum ParseCost {
    /// The elements open at once, as the tree builder keeps them: an end tag closes an element
    /// only when one of its name is open (with what was opened after it); any other end tag is
    /// ignored, as HTML ignores it. (Counting every end tag as closing one let `<div>x</span>`
    /// repeated nest 40,000 deep unseen: 6 s for 320 KB, quadratic.)
    static let depthLimit = 2_000
    static let attributeLimit = 256
    /// Tags in one body: an article has hundreds, a long one a few thousand.
    static let tagLimit = 100_000
    /// Attributes in one body: each is a node of gumbo's tree too (26,000 tags of 250 attributes
    /// each took 1.3 GB).
    static let attributeTotalLimit = 200_000
    /// Formatting elements (`<b>`, `<a>`, `<font>`...) left open stay on the tree builder's list of
    /// active formatting elements after a block closes them, and are built again, all of them,
    /// before every later text and element: 2,000 unclosed `<b>` and 8,000 `<p>x` made 4.8 GB out
    /// of 50 KB. The elements that rebuilding could make, summed over the tags (open formatting
    /// elements at each tag, twice: the text after a tag is rebuilt for too), at most this many.
    static let rebuildLimit = 1_000_000
    /// And the bytes of their tags, which each rebuilt copy carries (its attributes) into the tree
    /// and into a rebuilt body: one `<b class="…100 KB…">` left open before 850 `<p>x` made an
    /// 82 MB document of 117 KB; two feeds of such items aborted the process.
    static let rebuiltBytesLimit = 32 << 20

    private static let formatting: Set<UInt64> = Set([
        "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
    ].map { key($0.utf8) })

    private static let form = key("form".utf8)
    fileprivate static let svg = key("svg".utf8)
    fileprivate static let math = key("math".utf8)

    /// Where an end tag's search for its element stops: an end tag meeting one of these first is
    /// ignored. The tree builder's "scope" boundaries, for end tags of formatting and special
    /// elements (`<b><object></b>` leaves the `b` open, to be built again before every later text:
    /// 85 KB of them took 1.2 GB)...
    private static let scopeBoundaries: Set<UInt64> = Set([
        "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template",
        "mi", "mo", "mn", "ms", "mtext", "annotation-xml", "foreignobject", "desc", "title",
    ].map { key($0.utf8) })

    /// ...and its "special" elements, for every other end tag (`<span><div></span>` leaves both
    /// open: repeated, 66,000 nested divs, each later `</p>` searching them all, 528 KB in 10 s).
    private static let special: Set<UInt64> = scopeBoundaries.union([
        "address", "area", "article", "aside", "base", "basefont", "bgsound", "blockquote", "body", "br",
        "button", "center", "col", "colgroup", "dd", "details", "dir", "div", "dl", "dt", "embed", "fieldset",
        "figcaption", "figure", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head",
        "header", "hgroup", "hr", "iframe", "img", "input", "keygen", "li", "link", "listing", "main", "menu",
        "meta", "nav", "noembed", "noframes", "noscript", "ol", "p", "param", "plaintext", "pre", "script",
        "search", "section", "select", "source", "style", "summary", "tbody", "textarea", "tfoot", "thead",
        "tr", "track", "ul", "wbr", "xmp",
    ].map { key($0.utf8) })

    /// Elements that never nest into themselves (void ones, those a start tag of their own name
    /// closes, and table parts, which the tree builder ignores outside a table), by their names'
    /// hash (`key`): a body's every start tag is looked up here. Not `rt`, `rp`, `rb`, `rtc`: they
    /// close each other only inside a `<ruby>`, and `<rt>x` repeated nested 96,000 deep (33 s);
    /// nor `option`, `optgroup`, which nest under any other element.
    private static let notNesting: Set<UInt64> = Set([
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr", "image", "keygen", "p", "li", "dt", "dd", "tr", "td", "th",
        "tbody", "thead", "tfoot", "colgroup", "caption", "html", "head", "body",
    ].map { key($0.utf8) })

    static func isExcessive(_ source: [UInt8]) -> Bool {
        source.withUnsafeBufferPointer { bytes in
            var open = OpenElements()
            var unclosed = UnclosedFormatting()
            var tags = 0, attributes = 0
            var index = ByteSearch.index(of: UInt8(ascii: "<"), in: UnsafeRawBufferPointer(bytes), from: 0)
            while index + 1 < bytes.count {
                let closing = bytes[index + 1] == UInt8(ascii: "/")
                let nameStart = index + (closing ? 2 : 1)
                var next = index + 1
                // A tag starts with an ASCII letter; its name then runs, as the tokenizer reads it, to
                // white space, `/` or `>` (`<p.x>` is the element `p.x`, not a `p`).
                if nameStart < bytes.count, isLetter(bytes[nameStart]) {
                    var nameEnd = nameStart
                    while nameEnd < bytes.count, !endsName(bytes[nameEnd]) { nameEnd += 1 }
                    tags += 1
                    if tags > tagLimit { return true }
                    let name = key(bytes[nameStart..<nameEnd])
                    unclosed.see()
                    if unclosed.rebuilt > rebuildLimit || unclosed.rebuiltBytes > rebuiltBytesLimit { return true }
                    if closing {
                        // A formatting element's end tag leaves a block opened inside it open
                        // (the adoption agency moves the block out): `<b><div></b>` nests divs.
                        if formatting.contains(name) {
                            if open.remove(name, unlessPast: scopeBoundaries) { unclosed.close(name) }
                        } else if name == form {
                            // `</form>` takes the form alone off the stack: `<form><div></form>` nests divs.
                            _ = open.remove(name, unlessPast: scopeBoundaries)
                        } else {
                            open.close(name, unlessPast: special.contains(name) ? scopeBoundaries : special)
                        }
                        next = nameEnd
                    } else {
                        guard let (tagEnd, count) = endOfAttributes(bytes, from: nameEnd) else { return true }
                        // Inside `<svg>` or `<math>` every element nests (table parts too: `<svg>`
                        // and 25,000 `<td>` took 20 s), but one that closes itself (`<path/>`).
                        let nests = open.isForeign
                            ? !(tagEnd > nameEnd && tagEnd < bytes.count && bytes[tagEnd - 1] == UInt8(ascii: "/"))
                            : !notNesting.contains(name)
                        if nests {
                            open.open(name)
                            if open.depth > depthLimit { return true }
                        }
                        if formatting.contains(name) { unclosed.open(name, bytes: tagEnd - index) }
                        attributes += count
                        if attributes > attributeTotalLimit { return true }
                        next = tagEnd
                    }
                }
                index = ByteSearch.index(of: UInt8(ascii: "<"), in: UnsafeRawBufferPointer(bytes), from: next)
            }
            return false
        }
    }

    /// Formatting elements opened and not closed by an end tag of their name, and what rebuilding
    /// them could have made so far (all of them, at every tag and the text after it).
    private struct UnclosedFormatting {
        /// Per name, the tag lengths of those open, innermost last.
        private var byName: [UInt64: [Int]] = [:]
        private var count = 0
        private var bytes = 0
        private(set) var rebuilt = 0
        private(set) var rebuiltBytes = 0

        mutating func see() {
            rebuilt += 2 * count
            rebuiltBytes += 2 * bytes
        }

        mutating func open(_ name: UInt64, bytes length: Int) {
            byName[name, default: []].append(length)
            count += 1
            bytes += length
        }

        mutating func close(_ name: UInt64) {
            guard let length = byName[name]?.popLast() else { return }
            count -= 1
            bytes -= length
        }
    }

    /// The stack of open elements, with how many of each name are open, so that an end tag with
    /// nothing to close costs one lookup.
    private struct OpenElements {
        private var stack: [UInt64] = []
        private var counts: [UInt64: Int] = [:]
        /// `<svg>` and `<math>` elements open.
        private var foreign = 0

        var depth: Int { stack.count }

        /// Inside an `<svg>` or `<math>` element.
        var isForeign: Bool { foreign > 0 }

        mutating func open(_ name: UInt64) {
            stack.append(name)
            counts[name, default: 0] += 1
            if Self.isForeignRoot(name) { foreign += 1 }
        }

        private static func isForeignRoot(_ name: UInt64) -> Bool {
            name == ParseCost.svg || name == ParseCost.math
        }

        /// Takes the innermost open element named `name` out, leaving those opened after it; false
        /// when an element of `boundaries` stands above it (the end tag is ignored then). True when
        /// none is open: a formatting element closed by a block's end tag is still on the list of
        /// those to rebuild, which its own end tag clears.
        mutating func remove(_ name: UInt64, unlessPast boundaries: Set<UInt64>) -> Bool {
            guard counts[name, default: 0] > 0, let index = innermost(name, unlessPast: boundaries) else {
                return counts[name, default: 0] == 0
            }
            stack.remove(at: index)
            counts[name, default: 1] -= 1
            if Self.isForeignRoot(name) { foreign -= 1 }
            return true
        }

        /// Pops up to and including the innermost open element named `name`, unless an element of
        /// `boundaries` stands above it.
        mutating func close(_ name: UInt64, unlessPast boundaries: Set<UInt64>) {
            guard counts[name, default: 0] > 0, let index = innermost(name, unlessPast: boundaries) else { return }
            for popped in stack[index...] {
                counts[popped, default: 1] -= 1
                if Self.isForeignRoot(popped) { foreign -= 1 }
            }
            stack.removeSubrange(index...)
        }

        /// The innermost `name` has at most `depthLimit` elements above it to search: deeper, the
        /// body was refused before this tag.
        private func innermost(_ name: UInt64, unlessPast boundaries: Set<UInt64>) -> Int? {
            for index in stack.indices.reversed() {
                if stack[index] == name { return index }
                if boundaries.contains(stack[index]) { return nil }
            }
            return nil
        }
    }

    /// A name, ASCII letters in lower case, as a 64-bit FNV-1a hash (the whole name: two long names
    /// that share a start are two elements).
    private static func key(_ name: some Collection<UInt8>) -> UInt64 {
        name.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1 | ($1 >= 0x41 && $1 <= 0x5A ? 0x20 : 0))) &* 0x100_0000_01b3 }
    }

    /// Where a start tag's attributes end, and how many it has; nil when more than `attributeLimit`.
    private static func endOfAttributes(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> (Int, Int)? {
        var index = start, count = 0
        while index < bytes.count, bytes[index] != UInt8(ascii: ">") {
            if isSpace(bytes[index]) || bytes[index] == UInt8(ascii: "/") { index += 1; continue }
            count += 1
            if count > attributeLimit { return nil }
            // A name's first character is part of it whatever it is, `=` and quotes too, as the
            // tokenizer reads it: read as a value's start, `<a =">` hid the rest of the body.
            index += 1
            while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">"),
                  bytes[index] != UInt8(ascii: "/"), bytes[index] != UInt8(ascii: "=") { index += 1 }
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { continue }
            index += 1
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count else { break }
            let quote = bytes[index]
            if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                index += 1
                while index < bytes.count, bytes[index] != quote { index += 1 }
                index += 1
            } else {
                while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">") { index += 1 }
            }
        }
        return (index, count)
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
    }

    private static func endsName(_ byte: UInt8) -> Bool {
        isSpace(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: ">")
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }
}
