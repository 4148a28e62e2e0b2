/// Writes CATEGORY and AUTHOR values plain when YAML reads them back unchanged, quoted otherwise.
enum YAMLScalar {
    static func plainOrQuoted(_ value: String) -> String {
        isPlainSafe(value) ? value : singleQuoted(value)
    }

    /// `'…'` with each `'` doubled: reads back as `value` whatever it holds, once what YAML
    /// cannot carry in one line is taken out (`yamlSafe`). Image URLs, categories and links
    /// come straight from a feed, so a `\n---\n` in one must not end the front matter.
    static func singleQuoted(_ value: String) -> String {
        "'" + doublingApostrophes(yamlSafe(value)) + "'"
    }

    /// Each `'` scalar doubled. By scalar, not Character: `'` followed by a combining mark is one
    /// Character that compares unequal to `'`, and an undoubled quote ends the YAML string.
    static func doublingApostrophes(_ value: String) -> String {
        guard value.utf8.contains(UInt8(ascii: "'")) else { return value }
        var scalars = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            scalars.append(scalar)
            if scalar == "'" { scalars.append(scalar) }
        }
        return String(scalars)
    }

    /// Line breaks (LF, CR, NEL, U+2028, U+2029) become spaces; characters YAML does not allow in
    /// a document (C0 and C1 controls but tab, DEL, noncharacters) and the BOM are dropped.
    static func yamlSafe(_ value: String) -> String {
        // Printable ASCII needs no scalar walk: the usual URL, category and author.
        if value.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }) { return value }
        guard value.unicodeScalars.contains(where: { !isPrintableInLine($0) }) else { return value }
        var scalars = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            if isPrintableInLine(scalar) { scalars.append(scalar) } else if isLineBreak(scalar) { scalars.append(" ") }
        }
        return String(scalars)
    }

    static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        [0x0A, 0x0D, 0x85, 0x2028, 0x2029].contains(scalar.value)
    }

    /// YAML's printable set, less line breaks and the BOM.
    static func isPrintableInLine(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x20...0x7E, 0xA0...0x2027, 0x202A...0xD7FF, 0xE000...0xFEFE, 0xFF00...0xFFFD, 0x10000...0x10FFFF:
            return !scalar.properties.isNoncharacterCodePoint
        default: return false
        }
    }

    static let indicatorStarts: Set<Character> = ["-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|",
                                                  ">", "'", "\"", "%", "@", "`"]
    /// `=` is YAML 1.1's "value" key, which PyYAML fails on.
    static let reservedWords: Set<String> = ["true", "false", "yes", "no", "on", "off", "null", "~", "="]

    static func isPlainSafe(_ value: String) -> Bool {
        // By scalar: `'` followed by a combining mark is one Character, yet YAML sees the quote.
        guard let first = value.unicodeScalars.first, let last = value.unicodeScalars.last else { return false }
        if first.properties.isWhitespace || last.properties.isWhitespace || last == ":" { return false }
        if indicatorStarts.contains(Character(first)) || first.properties.generalCategory == .nonspacingMark {
            return false
        }
        if containsControl(value) { return false }
        if containsColonSpaceOrSpaceHash(value) { return false }
        if value.utf8.count <= 5, reservedWords.contains(value.lowercased()) { return false }
        return !looksLikeNumber(value) && !looksLikeDate(value)
    }

    /// Whether any scalar is a control character (category Cc) or one YAML cannot carry on one line. ASCII is
    /// answered from the bytes: looking up every scalar's category for every author and category of every
    /// document was ~1% of a cold pass.
    static func containsControl(_ value: String) -> Bool {
        var hasNonASCII = false
        for byte in value.utf8 {
            if byte < 0x20 || byte == 0x7F { return true }
            if byte >= 0x80 { hasNonASCII = true }
        }
        // Beyond ASCII, also what YAML cannot carry on one line (U+2028, the BOM, noncharacters).
        return hasNonASCII && value.unicodeScalars.contains {
            $0.properties.generalCategory == .control || !isPrintableInLine($0)
        }
    }

    /// Whether `value` holds `: ` or ` #`, by bytes, as YAML reads them: a space followed by a
    /// combining mark is one Character to Swift but still a space to YAML. (UTF-8 never has an
    /// ASCII byte inside a longer sequence, so any text can be searched this way.)
    static func containsColonSpaceOrSpaceHash(_ value: String) -> Bool {
        var previous: UInt8 = 0
        for byte in value.utf8 {
            if previous == UInt8(ascii: ":") && byte == UInt8(ascii: " ") { return true }
            if previous == UInt8(ascii: " ") && byte == UInt8(ascii: "#") { return true }
            previous = byte
        }
        return false
    }

    /// YAML 1.1 and 1.2 numbers: ints, floats, hex, octal, .inf, .nan, with _ separators.
    static func looksLikeNumber(_ value: String) -> Bool {
        // Whatever the scan below accepts starts with a sign, a dot, a digit or `_`; most
        // categories and authors do not.
        guard let first = value.utf8.first,
              first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: ".")
                || first == UInt8(ascii: "_") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else { return false }
        let lower = value.lowercased()
        if [".inf", "-.inf", "+.inf", ".nan"].contains(lower) { return true }
        var body = Substring(lower)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        // With YAML 1.1's `_` anywhere after the prefix (`0x_1F` is 31 to Psych), and binary (`0b101`
        // was written bare, and read back as 5 by Psych and js-yaml). Underscores alone (`0x_`) are
        // no number, but Psych and PyYAML fail on them: quoted too.
        func digits(after prefix: String, _ isDigit: (Character) -> Bool) -> Bool {
            body.dropFirst(prefix.count).allSatisfy { isDigit($0) || $0 == "_" || $0 == "," } && body.count > prefix.count
        }
        if body.hasPrefix("0x") { return digits(after: "0x", \.isHexDigit) }
        if body.hasPrefix("0o") { return digits(after: "0o") { ("0"..."7").contains($0) } }
        if body.hasPrefix("0b") { return digits(after: "0b") { $0 == "0" || $0 == "1" } }
        guard !body.isEmpty else { return false }
        var sawDigit = false, sawDot = false, sawExponent = false
        var index = body.startIndex
        while index < body.endIndex {
            let character = body[index]
            // Psych reads `1,000` as 1000 (commas between digits, as YAML 1.1's `_`).
            if character.isASCII && character.isNumber || character == "_" || (character == "," && sawDigit) {
                sawDigit = sawDigit || (character != "_" && character != ",")
            } else if character == "." && !sawDot && !sawExponent {
                sawDot = true
            } else if character == "e" && sawDigit && !sawExponent {
                sawExponent = true
                let next = body.index(after: index)
                if next < body.endIndex, body[next] == "+" || body[next] == "-" { index = next }
            } else if character == ":" && sawDigit && !sawDot {
                // 1:30 is a YAML 1.1 base-60 number: keep scanning.
            } else {
                return false
            }
            index = body.index(after: index)
        }
        return sawDigit
    }

    /// A YAML timestamp starts with YYYY-M-D.
    static func looksLikeDate(_ value: String) -> Bool {
        let utf8 = value.utf8
        guard utf8.count >= 8, utf8.prefix(4).allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return false
        }
        let parts = value.prefix(while: { $0 != "T" && $0 != "t" && $0 != " " }).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4 else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.count <= 4 && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}

extension YAMLScalar {
    /// `"…"` with YAML's escapes: reads back as `value` exactly, line breaks included, on one line.
    /// Characters YAML does not allow in a document are written as `\u` escapes too.
    static func doubleQuoted(_ value: String) -> String {
        var output = "\""
        output.reserveCapacity(value.utf8.count + 16)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\t": output += "\\t"
            case "\r": output += "\\r"
            default:
                if isPrintableInLine(scalar) && scalar.value != 0x09 {
                    output.unicodeScalars.append(scalar)
                } else if scalar.value <= 0xFFFF {
                    output += "\\u" + hex(scalar.value, digits: 4)
                } else {
                    output += "\\U" + hex(scalar.value, digits: 8)
                }
            }
        }
        return output + "\""
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
