/// The title rules of SPEC.md: white space, the 13-character map, and quoting.
public enum TitleText {
    /// Trimmed; a run of white space containing a line break becomes one space; a TAB becomes a
    /// space; other control characters are dropped. White space is Unicode's White_Space (read
    /// from the bytes as `ContentHash` reads it); line breaks are LF, CR, NEL, U+2028 and U+2029;
    /// control characters are C0, DEL and C1. Worked on UTF-8 bytes: built scalar by scalar, this
    /// was a tenth of the time spent reading and converting a feed.
    public static func normalise(_ raw: String) -> String {
        var raw = raw
        let bytes = raw.withUTF8 { input in
            [UInt8](unsafeUninitializedCapacity: input.count) { output, count in
                count = normalise(input, into: output)
            }
        }
        return bytes.withUnsafeBufferPointer { String(decoding: trimmedWhiteSpace($0), as: UTF8.self) }
    }

    /// Writes `input` normalised, not trimmed, into `output` (as long as `input` at least: nothing
    /// grows) and returns the length written. White space is written as it comes (a TAB as a
    /// space); when the run it belongs to ends, a run that held a line break is rewound to one space.
    private static func normalise(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var written = 0, index = 0
        var runStart: Int?, runHasBreak = false
        func endRun() {
            if let start = runStart, runHasBreak {
                output[start] = 0x20
                written = start + 1
            }
            runStart = nil
            runHasBreak = false
        }
        while index < input.count {
            let lead = input[index]
            let width = ContentHash.whiteSpaceWidth(input, at: index)
            let length = width > 0 ? width : scalarLength(lead: lead)
            if width > 0 {
                if runStart == nil { runStart = written }
                runHasBreak = runHasBreak || isLineBreak(input, at: index)
            } else if isControl(input, at: index) {
                index += length  // dropped; a run of white space goes on across it
                continue
            } else {
                endRun()
            }
            for offset in 0..<length { output[written + offset] = lead == 0x09 ? 0x20 : input[index + offset] }
            written += length
            index += length
        }
        endRun()
        return written
    }

    @inline(__always) private static func scalarLength(lead: UInt8) -> Int {
        lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
    }

    /// LF, CR, NEL (U+0085), LINE SEPARATOR (U+2028), PARAGRAPH SEPARATOR (U+2029).
    @inline(__always) private static func isLineBreak(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        switch bytes[index] {
        case 0x0A, 0x0D: return true
        case 0xC2: return bytes[index + 1] == 0x85
        case 0xE2: return bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9)
        default: return false
        }
    }

    /// General category Cc: U+0000…U+001F, U+007F, U+0080…U+009F.
    @inline(__always) private static func isControl(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        let lead = bytes[index]
        return lead < 0x20 || lead == 0x7F || (lead == 0xC2 && bytes[index + 1] < 0xA0)
    }

    /// `bytes` without white space at either end.
    private static func trimmedWhiteSpace(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0
        while start < bytes.count {
            let width = ContentHash.whiteSpaceWidth(bytes, at: start)
            if width == 0 { break }
            start += width
        }
        var end = bytes.count
        while end > start {
            var lead = end - 1
            while bytes[lead] & 0xC0 == 0x80 { lead -= 1 }  // back to the first byte of the last scalar
            guard ContentHash.whiteSpaceWidth(bytes, at: lead) > 0 else { break }
            end = lead
        }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    static let replacedCharacters: Set<Character> = [":", "/", "\\", "?", "*", "“", "”", "<", ">", "|", "[", "]"]
    static let replacedScalars = Set(replacedCharacters.flatMap(\.unicodeScalars))

    /// The YAML value for `title:`: mapped, then quoted.
    public static func quoted(_ title: String) -> String {
        var title = title
        return title.withUTF8(quoted)
    }

    /// Mapped and quoted over the title's UTF-8: ASCII byte by byte, other scalars decoded one at
    /// a time. By scalar, as YAML reads it: `\` followed by a combining mark is one Character, and
    /// left in a double-quoted string it would start an escape YAML refuses; and `'` or `"`
    /// followed by a combining mark is a Character of its own. (A fifth of the realistic farm's
    /// titles are Chinese: mapped by `unicodeScalars` into new strings, they were 1.3% of a cold pass.)
    private static func quoted(_ title: UnsafeBufferPointer<UInt8>) -> String {
        var mapped: [UInt8] = []
        mapped.reserveCapacity(title.count)
        var apostrophes = 0, doubleQuotes = false
        var index = 0
        while index < title.count {
            let byte = title[index]
            guard byte < 0x80 else {
                let length = scalarLength(lead: byte)
                appendMapped(title[index..<index + length], to: &mapped)
                index += length
                continue
            }
            index += 1
            // As YAMLScalar.yamlSafe: line breaks become spaces, controls YAML refuses are dropped.
            if byte == 0x0A || byte == 0x0D { mapped.append(UInt8(ascii: " ")); continue }
            if (byte < 0x20 && byte != 0x09) || byte == 0x7F { continue }
            switch byte {
            case UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "?"), UInt8(ascii: "*"),
                 UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "|"), UInt8(ascii: "["), UInt8(ascii: "]"):
                mapped.append(UInt8(ascii: "_"))
                continue
            case UInt8(ascii: "'"): apostrophes += 1
            case UInt8(ascii: "\""): doubleQuotes = true
            default: break
            }
            mapped.append(byte)
        }
        if apostrophes > 0 && !doubleQuotes {
            return "\"" + String(decoding: mapped, as: UTF8.self) + "\""
        }
        var quoted: [UInt8] = [UInt8(ascii: "'")]
        quoted.reserveCapacity(mapped.count + apostrophes + 2)
        for byte in mapped {
            quoted.append(byte)
            if byte == UInt8(ascii: "'") { quoted.append(byte) }
        }
        quoted.append(UInt8(ascii: "'"))
        return String(decoding: quoted, as: UTF8.self)
    }

    /// One scalar beyond ASCII, as YAMLScalar.yamlSafe maps it: the curly double quotes become `_`,
    /// line breaks a space, what YAML cannot carry (C1 controls, the BOM, noncharacters) nothing.
    private static func appendMapped(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, to mapped: inout [UInt8]) {
        var value = UInt32(bytes[bytes.startIndex] & (0xFF >> (bytes.count + 1)))  // the lead byte's payload bits
        for byte in bytes.dropFirst() { value = value << 6 | UInt32(byte & 0x3F) }
        guard let scalar = Unicode.Scalar(value) else { return }
        if replacedScalars.contains(scalar) {
            mapped.append(UInt8(ascii: "_"))
        } else if YAMLScalar.isPrintableInLine(scalar) {
            mapped.append(contentsOf: bytes)
        } else if YAMLScalar.isLineBreak(scalar) {
            mapped.append(UInt8(ascii: " "))
        }
    }
}
