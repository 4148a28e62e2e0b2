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

    /// Where in a tag the look is, as HTML's tokenizer has it (names and the spaces between them
    /// are one state here: neither holds a `<` either way).
    private enum State {
        case names, beforeValue, unquoted, quoted(UInt8)
    }

    /// Past the tag's `>`, following HTML's rule for values: a quote opens one only where a value
    /// starts (after `=`, white space allowed between); an unquoted value runs to white space or
    /// `>`, quotes and `=` in it included (`x=y="`); a quoted one ends at its own quote only.
    private static func tagEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> TagEnd {
        var index = start
        var state = State.names
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "<") { return .hidesTagStart }
            switch state {
            case .quoted(let quote):
                if byte == quote { state = .names }
            case .beforeValue:
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") { state = .quoted(byte) }
                else if byte == UInt8(ascii: ">") { return .end(index) }
                else if !isSpace(byte) { state = .unquoted }
            case .unquoted:
                if byte == UInt8(ascii: ">") { return .end(index) }
                if isSpace(byte) { state = .names }
            case .names:
                if byte == UInt8(ascii: ">") { return .end(index) }
                if byte == UInt8(ascii: "=") { state = .beforeValue }
            }
        }
        if case .quoted = state { return .hidesTagStart }
        return .end(index)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }
}
