internal import Markup

/// Gumbo tokenizes text one character at a time (about 45 µs for 1 KB of words), yet the verdict
/// needs the body's structure, not its words. So the copy gumbo checks has each run of plain text
/// that directly follows a `>` (or opens the body) cut to one character, keeping whether it held
/// anything but white space (tables and `<pre>` tell those apart). Letters, digits, white space,
/// non-ASCII and most punctuation move no tokenizer state, whether the run is text, raw text, a
/// comment or a quoted attribute value; a run that follows a `>` is never a tag or attribute name,
/// which must follow `<` or white space inside a tag. So the shortened body parses to the same
/// elements, attributes and comments as the body itself, with shorter text.
enum TextRuns {
    static func shortened(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 2)
        bytes.withUnsafeBufferPointer { input in kinds.withUnsafeBufferPointer { kinds in
            var index = 0
            while index < input.count {
                let start = index
                var onlySpace = true
                while index < input.count, case let kind = kinds[Int(input[index])], kind != .markup {
                    if kind == .text { onlySpace = false }
                    index += 1
                }
                if onlySpace || index - start < 2 {
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<index]))
                } else {
                    output.append(UInt8(ascii: "x"))
                }
                // Up to and with the next `>` (a tag's inside, or text after `<`, `&`...), as it is.
                let tagEnd = min(input.count, ByteSearch.index(of: UInt8(ascii: ">"), in: UnsafeRawBufferPointer(input),
                                                               from: index) + 1)
                output.append(contentsOf: UnsafeBufferPointer(rebasing: input[index..<tagEnd]))
                index = tagEnd
            }
        } }
        return output
    }

    private enum Kind { case markup, space, text }

    /// What each byte value is: every body's every byte is looked up here.
    private static let kinds: [Kind] = (0...255).map { byte in
        isSpace(UInt8(byte)) ? .space : isPlain(UInt8(byte)) ? .text : .markup
    }

    /// Letters, digits, white space, non-ASCII, and punctuation but `< > & " ' = - ! ]` and the
    /// backtick, each of which moves some tokenizer state.
    private static func isPlain(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return byte >= 0x80 || (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || isSpace(byte)
            || Array(",.;:()[{}#%+*_~@$^|/?\\".utf8).contains(byte)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }
}
