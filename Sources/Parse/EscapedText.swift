internal import Markup

/// Text that escapes markup with references, as Atom's `type="html"` content does
/// (`&lt;p&gt;Hello&lt;/p&gt;`): the stream may decode it itself, as it reads CDATA sections.
///
/// libxml2 2.9 ends its fast text loop at every `&`, parses the reference as a name, looks it up
/// and calls back once per reference: a third of the parse of such a feed. Only text it would
/// read without a complaint is taken over, so what it would have reported stays its to report:
/// the five predefined entities and character references to XML characters, no `]]>`, no
/// control characters and no carriage return (which it turns into a line feed).
enum EscapedText {
    /// True when `text` holds a reference and every byte and reference in it is one `decode` reads
    /// as libxml2 would.
    static func isDecodable(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0, references = 0
        while index < text.count {
            index = skipPlain(text, from: index)
            guard index < text.count else { break }
            let byte = text[index]
            if byte == UInt8(ascii: "&") {
                if let (_, length) = predefined(in: text, at: index) {
                    index += length
                } else {
                    guard let (_, end) = characterReference(in: text, at: index) else { return false }
                    index = end
                }
                references += 1
                continue
            }
            if byte < 0x20 && byte != UInt8(ascii: "\t") && byte != UInt8(ascii: "\n") { return false }
            if byte == UInt8(ascii: ">"), index >= 2, text[index - 1] == UInt8(ascii: "]"),
               text[index - 2] == UInt8(ascii: "]") {
                return false
            }
            index += 1
        }
        return references > 0
    }

    /// The index of the next `&`, `>` or control character but TAB and LF, or of the last few
    /// bytes, fewer than a block.
    private static func skipPlain(_ text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        ByteScan.skip(text, from: start, until: UInt8(ascii: "&"), UInt8(ascii: ">"), carriageReturnIsPlain: false)
    }

    /// The text with its references replaced; for text `isDecodable` accepted.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, appendingTo output: inout [UInt8]) {
        var start = 0
        var index = ByteSearch.index(of: UInt8(ascii: "&"), in: UnsafeRawBufferPointer(text), from: 0)
        while index < text.count {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<index]))
            if let (byte, length) = predefined(in: text, at: index) {
                output.append(byte)
                start = index + length
            } else {
                // Not reached for text `isDecodable` accepted; were it, the `&` would stay as it is.
                guard let (scalar, end) = characterReference(in: text, at: index) else {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: text[index...]))
                    return
                }
                UTF8.encode(scalar) { output.append($0) }
                start = end
            }
            index = ByteSearch.index(of: UInt8(ascii: "&"), in: UnsafeRawBufferPointer(text), from: start)
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: text[start...]))
    }

    /// `&lt;`, `&gt;`, `&amp;`, `&quot;` or `&apos;` at `index`: its character and its length.
    /// Byte by byte: these are nearly all the references in escaped HTML.
    @inline(__always)
    private static func predefined(in text: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt8, Int)? {
        func has(_ offset: Int, _ character: Unicode.Scalar) -> Bool {
            index + offset < text.count && text[index + offset] == UInt8(ascii: character)
        }
        switch index + 1 < text.count ? text[index + 1] : 0 {
        case UInt8(ascii: "l") where has(2, "t") && has(3, ";"): return (UInt8(ascii: "<"), 4)
        case UInt8(ascii: "g") where has(2, "t") && has(3, ";"): return (UInt8(ascii: ">"), 4)
        case UInt8(ascii: "a") where has(2, "m") && has(3, "p") && has(4, ";"): return (UInt8(ascii: "&"), 5)
        case UInt8(ascii: "a") where has(2, "p") && has(3, "o") && has(4, "s") && has(5, ";"): return (UInt8(ascii: "'"), 6)
        case UInt8(ascii: "q") where has(2, "u") && has(3, "o") && has(4, "t") && has(5, ";"): return (UInt8(ascii: "\""), 6)
        default: return nil
        }
    }

    /// A character reference at `index` (`&#...;`): its character and the index just past it.
    private static func characterReference(in text: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar, Int)? {
        // The longest one read: `&#x10FFFF;`; longer ones (leading zeros) are left to libxml2.
        let limit = min(text.count, index + 10)
        guard index + 1 < limit, text[index + 1] == UInt8(ascii: "#") else { return nil }
        var semicolon = index + 2
        while semicolon < limit, text[semicolon] != UInt8(ascii: ";") { semicolon += 1 }
        guard semicolon < limit else { return nil }
        return characterReference(UnsafeBufferPointer(rebasing: text[(index + 2)..<semicolon])).map { ($0, semicolon + 1) }
    }

    /// `#123` or `#x7B` (lower-case x only, as XML has it), to a character XML allows.
    private static func characterReference(_ digits: UnsafeBufferPointer<UInt8>) -> Unicode.Scalar? {
        var body = digits[...]
        var radix: UInt32 = 10
        if body.first == UInt8(ascii: "x") {
            radix = 16
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return nil }
        var value: UInt32 = 0
        for byte in body {
            guard let digit = digitValue(byte, radix: radix) else { return nil }
            value = value * radix + digit
        }
        guard isXMLCharacter(value) else { return nil }
        return Unicode.Scalar(value)
    }

    private static func digitValue(_ byte: UInt8, radix: UInt32) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f") where radix == 16: UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F") where radix == 16: UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// XML 1.0's Char production.
    private static func isXMLCharacter(_ value: UInt32) -> Bool {
        switch value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
