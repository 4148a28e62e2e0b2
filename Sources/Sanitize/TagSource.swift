/// Whether a `<` hides inside a tag's source: in an attribute's name or value, quoted or not, on a
/// start tag or an end tag. A browser reads it as text; Markdown (Hexo renders a post's body as
/// Markdown) reads the tag around it as text once a blank line, a `\`, a fence or an indent comes
/// first, and the hidden tag becomes live. Looked at in the source, not the tree: the tree builder
/// drops tags without a trace (an end tag nothing opened, a `<tr>` outside a table, the second of
/// two attributes of one name), and their source with them.
enum TagSource {
    static func hidesTagStart(_ source: [UInt8]) -> Bool {
        source.withUnsafeBufferPointer { bytes in
            var index = 0
            while index < bytes.count {
                guard let start = nextTagStart(bytes, from: index) else { return false }
                switch tagEnd(bytes, from: start) {
                case .hidesTagStart: return true
                case .end(let end): index = end
                }
            }
            return false
        }
    }

    private enum TagEnd {
        case end(Int), hidesTagStart
    }

    /// Just past the name's first letter of the next `<name` or `</name`, if any.
    private static func nextTagStart(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<") else { index += 1; continue }
            var next = index + 1
            if next < bytes.count, bytes[next] == UInt8(ascii: "/") { next += 1 }
            if next < bytes.count, isLetter(bytes[next]) { return next + 1 }
            index += 1
        }
        return nil
    }

    /// Past the tag's `>`, following HTML's rule for values: a quote right after `=` (white space
    /// between allowed) opens one, which only its own quote closes.
    private static func tagEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> TagEnd {
        var index = start
        var quote: UInt8?
        var afterEquals = false
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if let open = quote {
                if byte == open { quote = nil } else if byte == UInt8(ascii: "<") { return .hidesTagStart }
                continue
            }
            switch byte {
            case UInt8(ascii: ">"): return .end(index)
            case UInt8(ascii: "<"): return .hidesTagStart
            case UInt8(ascii: "="): afterEquals = true
            case UInt8(ascii: "\"") where afterEquals, UInt8(ascii: "'") where afterEquals: quote = byte
            case 0x09, 0x0A, 0x0C, 0x0D, 0x20: break
            default: afterEquals = false
            }
        }
        return quote == nil ? .end(index) : .hidesTagStart
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }
}
