/// Start tags and names read as libxml2 2.9 reads them, for `FieldBalance`'s count: which tags
/// open an element, and where XML's names end, beyond ASCII too.
extension FieldBalance {
    /// Whether the start tag named `name` closes itself (`/>`), read as libxml2 reads it; nil when
    /// libxml2 opens no element for it. libxml2 opens one for a well-formed tag, and for one whose
    /// only fault is a last attribute without a value (`<td nowrap>`). Any other fault ends the
    /// element as soon as it is made (`<p align=center>`, `<video controls src="v">`,
    /// `<a href="x"title="y">`, a `<` inside a value), and a name that does not start as XML's
    /// names do is text (`x <- y`, `I <3 it`). Counting those as open wrote end tags that closed
    /// the field, the item and the channel: the rest of the feed was lost.
    /// Every look stops at the next `<`, so a run of broken tags is read once.
    static func closesItself(_ input: UnsafeBufferPointer<UInt8>, name: Range<Int>) -> Bool? {
        guard isNameStart(input, at: name.lowerBound) else { return nil }
        var index = skipBlanks(input, from: wholeNameEnd(input, from: name.lowerBound))
        while index < input.count {
            if let end = tagEnd(input, at: index) { return end }
            guard isNameStart(input, at: index) else { return nil }
            index = skipBlanks(input, from: wholeNameEnd(input, from: index))
            guard index < input.count, input[index] == UInt8(ascii: "=") else {
                // An attribute without a value: libxml2 still opens the element if the tag ends here.
                return index < input.count ? tagEnd(input, at: index) : nil
            }
            index = skipBlanks(input, from: index + 1)
            guard index < input.count, input[index] == UInt8(ascii: "\"") || input[index] == UInt8(ascii: "'") else {
                // No value at all (`<a href=>`): libxml2 complains, and the tag still ends there.
                return index < input.count ? tagEnd(input, at: index) : nil
            }
            let quote = input[index]
            index += 1
            while index < input.count, input[index] != quote {
                if input[index] == UInt8(ascii: "<") { return nil }
                index += 1
            }
            guard index + 1 < input.count else { return nil }
            if let end = tagEnd(input, at: index + 1) { return end }
            // Attributes need white space between them.
            let next = skipBlanks(input, from: index + 1)
            guard next > index + 1 else { return nil }
            index = next
        }
        return nil
    }

    /// At `>`: false; at `/>`: true (the tag closes itself); nil anywhere else.
    private static func tagEnd(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool? {
        if input[index] == UInt8(ascii: ">") { return false }
        if input[index] == UInt8(ascii: "/"), index + 1 < input.count, input[index + 1] == UInt8(ascii: ">") { return true }
        return nil
    }

    /// Past a name starting at `start`, however long (`nameEnd` stops at 64 bytes), ending where
    /// XML's names do: at a character beyond ASCII that names may not hold (`<三体—黑暗森林>`, a
    /// no-break space), as libxml2 ends it.
    private static func wholeNameEnd(_ input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var end = start
        while end < input.count, isNameByte(input[end]) {
            guard input[end] >= 0x80 else { end += 1; continue }
            // Bytes that are not UTF-8 (a feed in another charset than it says, read by libxml2 in
            // the one guessed): taken as a name's, as most letters of single-byte charsets are.
            guard let (scalar, length) = scalar(in: input, at: end) else { end += 1; continue }
            guard isNameCharacter(scalar.value) else { break }
            end += length
        }
        return end
    }

    private static func scalar(in input: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar, Int)? {
        var decoder = UTF8()
        var bytes = input[index..<min(input.count, index + 4)].makeIterator()
        guard case .scalarValue(let scalar) = decoder.decode(&bytes) else { return nil }
        return (scalar, UTF8.width(scalar))
    }

    private static func isNameCharacter(_ value: UInt32) -> Bool {
        value == 0xB7 || (0x300...0x36F).contains(value) || (0x203F...0x2040).contains(value)
            || nameStartRanges.contains { $0.contains(value) }
    }

    /// Whether a name may start at `index`, as XML's NameStartChar (libxml2 follows the fifth
    /// edition): a letter, `_`, `:`, or a character beyond ASCII in its ranges (`<café>`, `<三体>`).
    static func isNameStart(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        let byte = input[index]
        guard byte >= 0x80 else {
            return (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":")
        }
        // Not UTF-8: as in `wholeNameEnd`, most such bytes are letters in the charset libxml2 reads.
        guard let (scalar, _) = scalar(in: input, at: index) else { return true }
        return nameStartRanges.contains { $0.contains(scalar.value) }
    }

    private static let nameStartRanges: [ClosedRange<UInt32>] = [
        0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF, 0x370...0x37D, 0x37F...0x1FFF, 0x200C...0x200D, 0x2070...0x218F,
        0x2C00...0x2FEF, 0x3001...0xD7FF, 0xF900...0xFDCF, 0xFDF0...0xFFFD, 0x10000...0xEFFFF,
    ]

    private static func skipBlanks(_ input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index < input.count, input[index] == 0x20 || input[index] == 0x09 || input[index] == 0x0A
            || input[index] == 0x0D { index += 1 }
        return index
    }
}
