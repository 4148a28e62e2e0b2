internal import Foundation  // memchr

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
        /// An item (or what comes before the first) with more than `maximumElements` start tags.
        case elementsInOneItem
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
        var index = 0, tagStart = -1, equals = 0, elements = 0, inItem = 0
        var quote: UInt8 = 0
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
            if tagStart < 0 || quote != 0 {
                guard let found = memchr(start + index, Int32(tagStart < 0 ? UInt8(ascii: "<") : quote), searched) else {
                    index += searched
                    continue
                }
                index = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - start
            } else {
                let span = UnsafeBufferPointer(rebasing: buffer[index..<(index + searched)])
                let found = ByteScan.firstIndex(ofAny: UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "="),
                                                UInt8(ascii: ">"), UInt8(ascii: "<"), in: span, from: 0)
                index += found
                if found == searched { continue }
            }
            let byte = buffer[index]
            if quote != 0 {
                if byte == quote { quote = 0 }
            } else if byte == UInt8(ascii: "<") {
                if let end = endOfUnparsedSection(buffer, at: index) {
                    index = end
                    tagStart = -1
                    continue
                }
                tagStart = index
                equals = 0
                if index + 1 < buffer.count, buffer[index + 1] != UInt8(ascii: "/") {
                    elements += 1
                    inItem = startsItem(buffer, at: index) ? 1 : inItem + 1
                    if inItem > maximumElements { return Scan(problem: .elementsInOneItem, elements: elements) }
                }
            } else if tagStart >= 0 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: "=") {
                    equals += 1
                    if equals > maximumAttributes { return Scan(problem: .attributes(offset: tagStart), elements: elements) }
                } else if byte == UInt8(ascii: ">") {
                    tagStart = -1
                }
            }
            index += 1
        }
        return Scan(elements: elements)
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

    private static let sections: [(open: [UInt8], close: [UInt8])] = [
        (Array("<!--".utf8), Array("-->".utf8)), (Array("<![CDATA[".utf8), Array("]]>".utf8)),
        (Array("<?".utf8), Array("?>".utf8)),
    ]

    /// The index just past a comment, CDATA section or processing instruction starting at `index`.
    private static func endOfUnparsedSection(_ buffer: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        // Every section opens with `<!` or `<?`; most `<` open a tag, and leave at one look.
        guard let start = buffer.baseAddress, index + 1 < buffer.count,
              buffer[index + 1] == UInt8(ascii: "!") || buffer[index + 1] == UInt8(ascii: "?") else { return nil }
        for section in sections where starts(buffer, with: section.open, at: index) {
            var look = index + section.open.count
            // CDATA bodies are most of many feeds: memchr to each candidate end, not byte by byte.
            while look < buffer.count,
                  let found = memchr(start + look, Int32(section.close[0]), buffer.count - look) {
                look = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - start
                if starts(buffer, with: section.close, at: look) { return look + section.close.count }
                look += 1
            }
            return buffer.count
        }
        return nil
    }

    private static func starts(_ buffer: UnsafeBufferPointer<UInt8>, with pattern: [UInt8], at index: Int) -> Bool {
        guard index + pattern.count <= buffer.count else { return false }
        for offset in 0..<pattern.count where buffer[index + offset] != pattern[offset] { return false }
        return true
    }
}
