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
        var index = 0
        var runMayStart = true
        while index < bytes.count {
            guard runMayStart else {
                runMayStart = bytes[index] == UInt8(ascii: ">")
                output.append(bytes[index])
                index += 1
                continue
            }
            let start = index
            var onlySpace = true
            while index < bytes.count, isPlain(bytes[index]) {
                if !isSpace(bytes[index]) { onlySpace = false }
                index += 1
            }
            if onlySpace || index - start < 2 {
                output += bytes[start..<index]
            } else {
                output.append(UInt8(ascii: "x"))
            }
            runMayStart = false
        }
        return output
    }

    private static func isPlain(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return byte >= 0x80 || (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || isSpace(byte)
            || plainPunctuation.contains(byte)
    }

    /// Not `< > & " ' = - ! ]` or a backtick: each moves some tokenizer state.
    private static let plainPunctuation = Set(",.;:()[{}#%+*_~@$^|/?\\".utf8)

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }
}
