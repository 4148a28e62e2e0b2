internal import Foundation  // memchr
internal import Markup

/// Where a UTF-8 document's CDATA sections are, so the stream can read their bodies itself.
///
/// libxml2 2.9's push parser is slow on CDATA: it searches for `]]>`, checks the UTF-8 byte by
/// byte and then advances its cursor one byte at a time to count lines (about a quarter of a
/// parse of a feed with CDATA bodies). The stream hands libxml2 a short processing instruction
/// (`marker`) in place of each section and appends the section's bytes to the text itself,
/// as libxml2 would have with XML_PARSE_NOCDATA; Swift's String checks the UTF-8 anyway.
///
/// The scan keeps to where a section can start: it steps over comments and processing
/// instructions, whose text may spell `<![CDATA[` without opening one.
///
/// It also takes text with references in it (`EscapedText`) that directly follows a start tag,
/// and so lies inside an element: such a range holds the text alone, no markup, so it starts
/// with a byte other than `<` where a section starts with `<![CDATA[`.
enum CDATASections {
    /// The processing instruction's target; `<?crawler-cdata?>` stands for the next section.
    static let marker = "crawler-cdata"
    static let markerBytes: [UInt8] = Array("<?\(marker)?>".utf8)
    private static let stopCheckBytes = 1 << 20

    /// Each section's whole markup, `<![CDATA[` to `]]>`, and each escaped text's range, in
    /// document order; nil when the stream must read the document as it is: a DOCTYPE (its
    /// subset may hold such text), a section that never ends, or a processing instruction that
    /// already uses the marker's target. Also nil once `shouldStop` says so: it is asked each
    /// megabyte, since the scan of a large document takes a while (seconds in a debug build).
    static func find(in bytes: UnsafeBufferPointer<UInt8>, shouldStop: () -> Bool = { false }) -> [Range<Int>]? {
        let raw = UnsafeRawBufferPointer(bytes)
        var sections: [Range<Int>] = []
        var index = ByteSearch.index(of: UInt8(ascii: "<"), in: raw, from: 0)
        var nextCheck = stopCheckBytes
        while index + 1 < bytes.count {
            if index >= nextCheck {
                if shouldStop() { return nil }
                nextCheck = index + stopCheckBytes
            }
            var next = index + 1
            if bytes[index + 1] == UInt8(ascii: "!") {
                if starts(bytes, at: index, with: "<![CDATA[") {
                    guard let end = end(of: "]]>", in: bytes, from: index + 9) else { return nil }
                    sections.append(index..<end)
                    next = end
                } else if starts(bytes, at: index, with: "<!--") {
                    guard let end = end(of: "-->", in: bytes, from: index + 4) else { return sections }
                    next = end
                } else {
                    return nil
                }
            } else if bytes[index + 1] == UInt8(ascii: "?") {
                if starts(bytes, at: index + 2, with: marker) { return nil }
                guard let end = end(of: "?>", in: bytes, from: index + 2) else { return sections }
                next = end
            } else if let text = escapedText(after: index, in: bytes) {
                sections.append(text)
                next = text.upperBound
            }
            index = ByteSearch.index(of: UInt8(ascii: "<"), in: raw, from: next)
        }
        return sections
    }

    /// The text after the start tag at `start`, when it holds references the stream may decode.
    private static func escapedText(after start: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard isNameStart(bytes[start + 1]), let close = endOfStartTag(from: start + 2, in: bytes),
              bytes[close - 1] != UInt8(ascii: "/") else { return nil }
        let raw = UnsafeRawBufferPointer(bytes)
        let textEnd = ByteSearch.index(of: UInt8(ascii: "<"), in: raw, from: close + 1)
        // Most text holds no reference: one more search, and the scan goes on from the `<`.
        guard textEnd < bytes.count,
              ByteSearch.index(of: UInt8(ascii: "&"), in: UnsafeRawBufferPointer(rebasing: raw[(close + 1)..<textEnd]), from: 0)
                < textEnd - close - 1 else { return nil }
        let text = UnsafeBufferPointer(rebasing: bytes[(close + 1)..<textEnd])
        guard EscapedText.isDecodable(text), !holdsNonCharacter(text) else { return nil }
        return (close + 1)..<textEnd
    }

    /// The `>` closing a start tag, past any in its quoted attribute values; nil at a `<` first
    /// (a broken tag, left to libxml2).
    private static func endOfStartTag(from start: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = start
        while true {
            index = ByteSearch.index(ofAny: UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: ">"), UInt8(ascii: "<"),
                                        UInt8(ascii: "<"), in: UnsafeRawBufferPointer(bytes), from: index)
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: ">"): return index
            case UInt8(ascii: "<"): return nil
            default:  // a quote: its value ends at the same quote, whatever lies between
                index = memchrIndex(of: bytes[index], in: bytes, from: index + 1) + 1
            }
        }
    }

    private static func isNameStart(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: ":") || byte >= 0x80
    }

    /// True when the text holds U+FFFE or U+FFFF (`EF BF BE`, `EF BF BF`), which UTF-8 allows and
    /// XML does not: libxml2 stops at them, and so must the stream.
    static func holdsNonCharacter(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = memchrIndex(of: 0xEF, in: bytes, from: 0)
        while index + 2 < bytes.count {
            if bytes[index + 1] == 0xBF, bytes[index + 2] & 0xFE == 0xBE { return true }
            index = memchrIndex(of: 0xEF, in: bytes, from: index + 1)
        }
        return false
    }

    /// libc's memchr: several times faster than our own word loop over a section's bodies.
    private static func memchrIndex(of byte: UInt8, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard start < bytes.count, let base = bytes.baseAddress,
              let found = memchr(base + start, Int32(byte), bytes.count - start) else { return bytes.count }
        return UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
    }

    /// Just past the first `terminator` at or after `start`.
    private static func end(of terminator: StaticString, in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        let first = terminator.utf8Start.pointee
        var index = memchrIndex(of: first, in: bytes, from: start)
        while index < bytes.count {
            if starts(bytes, at: index, with: terminator) { return index + terminator.utf8CodeUnitCount }
            index = memchrIndex(of: first, in: bytes, from: index + 1)
        }
        return nil
    }

    private static func starts(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, with text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return UnsafeBufferPointer(start: text.utf8Start, count: count).elementsEqual(bytes[index..<(index + count)])
    }

    private static func starts(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, with text: String) -> Bool {
        let utf8 = text.utf8
        guard index + utf8.count <= bytes.count else { return false }
        return utf8.elementsEqual(bytes[index..<(index + utf8.count)])
    }
}
