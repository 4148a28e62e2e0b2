internal import Foundation  // memchr

/// Finds what would make libxml2 take minutes or gigabytes, before it sees the document, in one
/// pass over the bytes, quote-aware so that `>` inside an attribute value cannot hide the rest of
/// the tag; comments, CDATA sections and processing instructions are stepped over whole, as
/// libxml2 reads them (a `'` in one opens no quote).
/// - A start tag with more attributes than any real feed carries: libxml2 2.9 checks each
///   attribute against every earlier one of its tag, so one tag with 300,000 attributes took 70 s.
/// - More elements than any real feed holds: every element costs a tree node or two (some 75
///   bytes of memory for each byte of `<p>x<li>y<br>` written as markup in an item), so a 26 MB
///   body of them took 1.9 GB, and a few such feeds at once the whole machine.
enum StartTagGuard {
    /// Far above the few dozen of any real element; at this many the check costs libxml2 a few ms.
    static let maximumAttributes = 2_000
    /// Far above a real feed's (a hundred entries of XHTML content hold some 50,000): at this
    /// many, a broken document's item of nothing else takes some 90 MB to read.
    static let maximumElements = 250_000

    enum Problem: Equatable {
        /// The byte offset of the first start tag with more than `maximumAttributes` attributes.
        case attributes(offset: Int)
        /// More than `maximumElements` start tags.
        case elements
    }

    /// What is wrong, first found. `shouldStop` is asked every megabyte (this scan visits every
    /// byte); once it says yes, the scan gives up and finds nothing: the caller stops too.
    static func problem(in bytes: [UInt8], shouldStop: () -> Bool = { false }) -> Problem? {
        bytes.withUnsafeBufferPointer { problem(in: $0, shouldStop: shouldStop) }
    }

    /// Kept out of line: inlined into the parser's entry, its loop kept its state on the stack.
    @inline(never)
    private static func problem(in buffer: UnsafeBufferPointer<UInt8>, shouldStop: () -> Bool) -> Problem? {
        var index = 0, tagStart = -1, equals = 0, elements = 0
        var quote: UInt8 = 0
        var nextCheck = 1 << 20
        guard let start = buffer.baseAddress else { return nil }
        while index < buffer.count {
            if index >= nextCheck {
                if shouldStop() { return nil }
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
                    if elements > maximumElements { return .elements }
                }
            } else if tagStart >= 0 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    quote = byte
                } else if byte == UInt8(ascii: "=") {
                    equals += 1
                    if equals > maximumAttributes { return .attributes(offset: tagStart) }
                } else if byte == UInt8(ascii: ">") {
                    tagStart = -1
                }
            }
            index += 1
        }
        return nil
    }

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
