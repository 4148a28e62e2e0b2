/// Whether marked (Hexo's Markdown) reads a tag's source as an inline HTML tag, by its rule: `<`,
/// a name (a letter, then letters, digits, `_`, `-`), attributes each after white space, named
/// `[A-Za-z:_][A-Za-z0-9_.:-]*`, their values `"…"`, `'…'` or unquoted without `"'=<>` and a
/// backtick, then `/>` or `>`; an end tag is `</name>`, white space allowed before `>`.
///
/// A tag it does not take is text to it, and in its raw-block mode (after an inline `<code>`,
/// `<kbd>` or `<pre>`, across paragraphs) text goes out unescaped but for backslash escapes,
/// which become references: a `\>` no longer ends the tag and a `\"` no longer closes a value,
/// so what followed in the source becomes the tag's attributes (`ontoggle=…`). A body keeps its
/// bytes only if every tag is a tag to Markdown too; a rebuilt tag always is (its name is
/// allowlisted, its values double-quoted).
///
/// Stricter than marked where white space differs (it takes `\v` and Unicode spaces for white
/// space, HTML does not): a tag holding one outside a quoted value, or any byte beyond ASCII
/// there, is refused too.
enum MarkdownTagRule {
    /// `tag`: from its `<` to its `>`, both included.
    static func accepts(_ tag: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        var reader = Reader(bytes: tag, index: tag.startIndex + 1)
        if reader.peek == UInt8(ascii: "/") {
            reader.index += 1
            guard reader.name(first: isLetter, rest: { isWord($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "-") })
            else { return false }
            reader.skipSpace()
            return reader.isLast(UInt8(ascii: ">"))
        }
        guard reader.name(first: isLetter, rest: { isWord($0) || $0 == UInt8(ascii: "-") }) else { return false }
        while true {
            let spaced = reader.skipSpace()
            if reader.isLast(UInt8(ascii: ">")) { return true }
            if reader.peek == UInt8(ascii: "/") {
                reader.index += 1
                return reader.isLast(UInt8(ascii: ">"))
            }
            guard spaced, reader.attribute() else { return false }
        }
    }

    private struct Reader {
        let bytes: Slice<UnsafeBufferPointer<UInt8>>
        var index: Int

        var peek: UInt8? { index < bytes.endIndex ? bytes[index] : nil }

        func isLast(_ byte: UInt8) -> Bool { index == bytes.endIndex - 1 && bytes[index] == byte }

        mutating func name(first: (UInt8) -> Bool, rest: (UInt8) -> Bool) -> Bool {
            guard let byte = peek, first(byte) else { return false }
            index += 1
            while let byte = peek, rest(byte) { index += 1 }
            return true
        }

        @discardableResult
        mutating func skipSpace() -> Bool {
            let start = index
            while let byte = peek, isSpace(byte) { index += 1 }
            return index > start
        }

        /// A name, then `= value` if there is one (white space allowed around `=`).
        mutating func attribute() -> Bool {
            let isNameStart = { (byte: UInt8) in isLetter(byte) || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "_") }
            let isNameByte = { (byte: UInt8) in
                isWord(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "-")
            }
            guard name(first: isNameStart, rest: isNameByte) else { return false }
            let afterName = index
            skipSpace()
            guard peek == UInt8(ascii: "=") else {
                index = afterName
                return true
            }
            index += 1
            skipSpace()
            return value()
        }

        mutating func value() -> Bool {
            guard let first = peek else { return false }
            if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
                index += 1
                while let byte = peek, byte != first { index += 1 }
                guard peek == first else { return false }
                index += 1
                return true
            }
            let start = index
            while let byte = peek, byte > 0x20, byte < 0x7F, !isValueStop(byte) { index += 1 }
            return index > start
        }
    }

    /// What ends an unquoted value to marked: `"`, `'`, `=`, `<`, `>` and the backtick.
    private static func isValueStop(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "="), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "`"):
            return true
        default: return false
        }
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    private static func isWord(_ byte: UInt8) -> Bool {
        isLetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }
}
