/// The title rules of SPEC.md: white space, the 13-character map, and quoting.
public enum TitleText {
    /// Trimmed; a run of white space containing a line break becomes one space; a TAB becomes a
    /// space; other control characters are dropped.
    public static func normalise(_ raw: String) -> String {
        var output = String.UnicodeScalarView()
        var run = String.UnicodeScalarView()
        var runHasBreak = false
        func flushRun() {
            if runHasBreak { output.append(" ") } else { output.append(contentsOf: run) }
            run = String.UnicodeScalarView()
            runHasBreak = false
        }
        for scalar in raw.unicodeScalars {
            if scalar == "\n" || scalar == "\r" || scalar == "\u{2028}" || scalar == "\u{2029}" || scalar == "\u{85}" {
                runHasBreak = true
                run.append(" ")
            } else if scalar == "\t" {
                run.append(" ")
            } else if scalar.isASCII {
                // Unicode's property tables answer the same for ASCII, at many times the cost.
                if scalar == " " || scalar == "\u{0B}" || scalar == "\u{0C}" {
                    run.append(scalar)
                } else if scalar.value >= 0x20 && scalar.value != 0x7F {
                    flushRun()
                    output.append(scalar)
                }
            } else if scalar.properties.isWhitespace {
                run.append(scalar)
            } else if scalar.properties.generalCategory == .control {
                continue
            } else {
                flushRun()
                output.append(scalar)
            }
        }
        flushRun()
        return trimmed(String(output))
    }

    static let replacedCharacters: Set<Character> = [":", "/", "\\", "?", "*", "“", "”", "<", ">", "|", "[", "]"]

    /// The YAML value for `title:`: mapped, then quoted.
    public static func quoted(_ title: String) -> String {
        quotedASCII(title) ?? quotedByCharacter(title)
    }

    static func quotedByCharacter(_ title: String) -> String {
        let mapped = String(title.map { replacedCharacters.contains($0) ? "_" : $0 })
        if mapped.contains("'") && !mapped.contains("\"") {
            return "\"" + mapped + "\""
        }
        return "'" + mapped.replacingAll("'", with: "''") + "'"
    }

    /// `quoted` for an all-ASCII title, byte by byte: there every character is one byte (a title
    /// holds no CR LF, the one two-byte character), so the result is the same; nil otherwise.
    static func quotedASCII(_ title: String) -> String? {
        var mapped: [UInt8] = []
        mapped.reserveCapacity(title.utf8.count)
        var apostrophes = 0, doubleQuotes = false
        for byte in title.utf8 {
            guard byte < 0x80 else { return nil }
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

    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
