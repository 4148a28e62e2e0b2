internal import Foundation  // memchr
internal import Markup

/// Finds what would make libxml2 take minutes or gigabytes, before it sees the document, in one
/// pass over the bytes, quote-aware so that `>` inside an attribute value cannot hide the rest of
/// the tag; comments, CDATA sections and processing instructions are stepped over whole, as
/// libxml2 reads them (a `'` in one opens no quote).
/// - A start tag with more attributes than any real feed carries: libxml2 2.9 checks each
///   attribute against every earlier one of its tag, so one tag with 300,000 attributes took 70 s.
/// - More elements in one item than any real item holds: every element costs a tree node or two
///   (some 75 bytes of memory for each byte of `<p>x<li>y<br>` written as markup in an item), and
///   an item is read whole, so a 26 MB body of them took 1.9 GB, and a few such feeds at once the
///   whole machine. A broken document is read whole (libxml2's recovering parser builds its
///   tree): the caller bounds its elements in all (`Scan.elements`). A well-formed one of 60,000
///   small items (300,000 elements) is read item by item, and is no danger.
enum StartTagGuard {
    /// Far above the few dozen of any real element; at this many the check costs libxml2 a few ms.
    static let maximumAttributes = 2_000
    /// Far above a real item's (a long article in XHTML holds a few thousand): at this many, a
    /// broken document's item of nothing else takes some 90 MB to read.
    static let maximumElements = 250_000

    enum Problem: Equatable {
        /// The byte offset of the first start tag with more than `maximumAttributes` attributes.
        case attributes(offset: Int)
        /// An item (or what comes before the first) with more than `maximumElements` start tags;
        /// `pastItemEnds`: item end tags came among them, which tags left open carried the count past.
        /// `itemStart`: the byte offset of that item's start tag (0: none seen yet).
        case elementsInOneItem(pastItemEnds: Bool, itemStart: Int)
    }

    struct Scan: Equatable {
        var problem: Problem?
        /// Start tags in the whole document (up to the problem, if there is one).
        var elements = 0
    }

    /// What is wrong, first found, and how many elements there are. `shouldStop` is asked every
    /// megabyte (this scan visits every byte); once it says yes, the scan gives up and finds
    /// nothing: the caller stops too.
    static func scan(_ bytes: [UInt8], shouldStop: () -> Bool = { false }) -> Scan {
        bytes.withUnsafeBufferPointer { scan($0, shouldStop: shouldStop) }
    }

    /// Kept out of line: inlined into the parser's entry, its loop kept its state on the stack.
    @inline(never)
    private static func scan(_ buffer: UnsafeBufferPointer<UInt8>, shouldStop: () -> Bool) -> Scan {
        var index = 0, elements = 0
        var tag = TagState()
        var items = ItemCount()
        var unclosed = [Int](repeating: Int.max, count: sections.count)
        var nextCheck = 1 << 20
        guard let start = buffer.baseAddress else { return Scan() }
        while index < buffer.count {
            if index >= nextCheck {
                if shouldStop() { return Scan(elements: elements) }
                nextCheck = index + 1 << 20
            }
            // Outside a tag only a `<` matters, and inside a quoted value only its closing quote:
            // libc's memchr finds them several times faster than a loop over every byte. Inside a
            // tag, a vector search goes to the next byte of the five that matter there.
            let searched = min(buffer.count, nextCheck) - index
            if tag.start < 0 {
                guard let found = memchr(start + index, Int32(UInt8(ascii: "<")), searched) else {
                    index += searched
                    continue
                }
                index = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - start
            } else if tag.quote != 0 {
                // A value ends at its quote, or at a `<`, which no value may hold: libxml2 stops
                // there and reads on (a quote never closed hid the whole rest from the count).
                let span = UnsafeBufferPointer(rebasing: buffer[index..<(index + searched)])
                let found = ByteSearch.index(ofAny: tag.quote, tag.quote, tag.quote, tag.quote, UInt8(ascii: "<"),
                                                in: UnsafeRawBufferPointer(span), from: 0)
                index += found
                if found == searched { continue }
            } else {
                let span = UnsafeBufferPointer(rebasing: buffer[index..<(index + searched)])
                let found = ByteSearch.index(ofAny: UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "="),
                                                UInt8(ascii: ">"), UInt8(ascii: "<"), in: UnsafeRawBufferPointer(span), from: 0)
                index += found
                if found == searched { continue }
            }
            let byte = buffer[index]
            if tag.quote != 0, byte == tag.quote {
                tag.closeQuote()
            } else if byte == UInt8(ascii: "<") {
                if let end = endOfUnparsedSection(buffer, at: index, unclosed: &unclosed) {
                    index = end
                    tag.end()
                    continue
                }
                switch markup(buffer, at: index) {
                case .endTag:
                    tag.begin(at: index, closing: true)
                    items.depth -= 1
                case .startTag(let declaration):
                    tag.begin(at: index, closing: false)
                    elements += 1
                    if !items.opens(isItem: startsItem(buffer, at: index), declaration: declaration, at: index) {
                        let pastEnds = containsItemEnd(buffer, in: items.itemStart..<index)
                        return Scan(problem: .elementsInOneItem(pastItemEnds: pastEnds, itemStart: items.itemStart),
                                    elements: elements)
                    }
                case .text:
                    // `<'` or `< ` is text to libxml2, not a tag: taken for one, its quote hid
                    // every element after it from the count.
                    tag.end()
                }
            } else if tag.start >= 0 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    // Only where an attribute's value starts (after `=` and spaces) does a quote open one.
                    if tag.valueStarts(at: index, in: buffer) { tag.quote = byte }
                } else if byte == UInt8(ascii: "=") {
                    tag.equals += 1
                    tag.equalsAt = index
                    if tag.equals > maximumAttributes { return Scan(problem: .attributes(offset: tag.start), elements: elements) }
                } else if byte == UInt8(ascii: ">") {
                    if !tag.closing, index > 0, buffer[index - 1] == UInt8(ascii: "/") { items.depth -= 1 }
                    tag.end()
                }
            }
            index += 1
        }
        return Scan(elements: elements)
    }

    /// The tag being read: where it started (-1: none), whether it is an end tag, its `=` count,
    /// the last `=` and the quote of a value open.
    private struct TagState {
        var start = -1, equals = 0, equalsAt = -1
        var closing = false
        var quote: UInt8 = 0

        mutating func begin(at index: Int, closing: Bool) {
            self = TagState(start: index, closing: closing)
        }

        mutating func end() {
            self = TagState()
        }

        mutating func closeQuote() {
            quote = 0
            equalsAt = -1
        }

        func valueStarts(at index: Int, in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
            equalsAt >= 0 && buffer[(equalsAt + 1)..<index].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        }
    }

    /// Elements counted from the start of the item being read. An item starts at the shallowest
    /// depth an `item` or `entry` was seen at: one nested deeper in an item (`<entry/>` after
    /// every 200,000 `<b/>`) started the count again, and an item of millions was read whole.
    private struct ItemCount {
        var depth = 0, itemDepth = Int.max, inItem = 0
        /// Where the counted item began.
        var itemStart = 0

        /// Counts a start tag; false once the item holds more than `maximumElements`.
        mutating func opens(isItem: Bool, declaration: Bool, at index: Int) -> Bool {
            if isItem, depth <= itemDepth {
                itemDepth = depth
                inItem = 1
                itemStart = index
            } else {
                inItem += 1
            }
            // `<!DOCTYPE>` and its declarations open nothing.
            if !declaration { depth += 1 }
            return inItem <= maximumElements
        }
    }

    private enum Markup { case startTag(declaration: Bool), endTag, text }

    /// What a `<` that opens no comment, CDATA section or processing instruction begins: a start
    /// tag when a name (or `!`) follows it, as libxml2 reads it, an end tag before `/`, else text.
    private static func markup(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int) -> Markup {
        guard index + 1 < buffer.count else { return .text }
        let next = buffer[index + 1]
        if next == UInt8(ascii: "/") { return .endTag }
        if next == UInt8(ascii: "!") { return .startTag(declaration: true) }
        return isNameStart(next) ? .startTag(declaration: false) : .text
    }

    /// Whether the start tag at `index` is an `item` or `entry`, whatever its prefix (`rss:item`).
    private static func startsItem(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        var position = index + 1, name = position
        while position < buffer.count, position - index < 64 {
            let byte = buffer[position]
            if byte == UInt8(ascii: ":") {
                name = position + 1
            } else if byte <= UInt8(ascii: " ") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") {
                break
            }
            position += 1
        }
        switch position - name {
        case 4: return starts(buffer, with: item, at: name)
        case 5: return starts(buffer, with: entry, at: name)
        default: return false
        }
    }

    private static let item = Array("item".utf8), entry = Array("entry".utf8)

    /// Whether an item's end tag lies in `range`: for the message only (tags left open carried the
    /// count past it). The count itself goes on: a well-formed item could start it again with
    /// `<entry></entry>` pairs.
    private static func containsItemEnd(_ buffer: UnsafeBufferPointer<UInt8>, in range: Range<Int>) -> Bool {
        var index = range.lowerBound
        while index + 1 < range.upperBound {
            if buffer[index] == UInt8(ascii: "<"), buffer[index + 1] == UInt8(ascii: "/"), startsItem(buffer, at: index + 1) {
                return true
            }
            index += 1
        }
        return false
    }

    private static let sections: [(open: [UInt8], close: [UInt8])] = [
        (Array("<!--".utf8), Array("-->".utf8)), (Array("<![CDATA[".utf8), Array("]]>".utf8)),
        (Array("<?".utf8), Array("?>".utf8)),
    ]

    /// The index just past a comment, CDATA section or processing instruction starting at `index`.
    /// One that never closes is no section: libxml2's recovering read (after `EntityRepair`) takes
    /// it for text and reads the markup after it, which skipped to the end hid every element there
    /// (a 31 MB item of `<p>x<li>y<br>` after an unclosed `<!--`: 2.3 GB). `unclosed` remembers,
    /// by section, from where none closes, so a flood of unclosed openers stays linear. A `<?`
    /// without a target name is no processing instruction either (libxml2 reads on as content).
    private static func endOfUnparsedSection(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int,
                                             unclosed: inout [Int]) -> Int? {
        // Every section opens with `<!` or `<?`; most `<` open a tag, and leave at one look.
        guard let start = buffer.baseAddress, index + 2 < buffer.count,
              buffer[index + 1] == UInt8(ascii: "!") || buffer[index + 1] == UInt8(ascii: "?") else { return nil }
        if buffer[index + 1] == UInt8(ascii: "?"), !isNameStart(buffer[index + 2]) { return nil }
        for (kind, section) in sections.enumerated() where starts(buffer, with: section.open, at: index) {
            var look = index + section.open.count
            guard look < unclosed[kind] else { return nil }
            // CDATA bodies are most of many feeds: memchr to each candidate end, not byte by byte.
            while look < buffer.count,
                  let found = memchr(start + look, Int32(section.close[0]), buffer.count - look) {
                look = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - start
                if starts(buffer, with: section.close, at: look) { return look + section.close.count }
                look += 1
            }
            unclosed[kind] = index + section.open.count
            return nil
        }
        return nil
    }

    static func isNameStart(_ byte: UInt8) -> Bool {
        (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: ":") || byte >= 0x80
    }

    private static func starts(_ buffer: UnsafeBufferPointer<UInt8>, with pattern: [UInt8], at index: Int) -> Bool {
        guard index + pattern.count <= buffer.count else { return false }
        for offset in 0..<pattern.count where buffer[index + offset] != pattern[offset] { return false }
        return true
    }
}
