internal import Markup

/// Bodies gumbo cannot parse in good time, told from their tags alone. Its tree builder searches
/// the stack of open elements at every start tag, and each new attribute of a tag is compared with
/// every earlier one: 60,000 nested `<div>` took 7 s, one tag of 50,000 attributes 6 s (Chromium
/// stops nesting at 512). Such a body is not given to gumbo.
enum ParseCost {
    /// Start tags of elements that need an end tag, less end tags: an upper estimate of nesting.
    static let depthLimit = 2_000
    static let attributeLimit = 256

    /// Elements that never nest into themselves (void ones, and those an end tag may be left off),
    /// by their names packed into a word (`packed`): a body's every start tag is looked up here.
    private static let notNesting: Set<UInt64> = Set([
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
        "track", "wbr", "image", "keygen", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup",
        "rb", "rt", "rp", "rtc", "tbody", "thead", "tfoot", "colgroup", "caption", "html", "head", "body",
    ].map { packed($0.utf8) })

    static func isExcessive(_ source: [UInt8]) -> Bool {
        source.withUnsafeBufferPointer { bytes in
            var depth = 0
            var index = ByteSearch.index(of: UInt8(ascii: "<"), in: UnsafeRawBufferPointer(bytes), from: 0)
            while index + 1 < bytes.count {
                let closing = bytes[index + 1] == UInt8(ascii: "/")
                let nameStart = index + (closing ? 2 : 1)
                var nameEnd = nameStart
                while nameEnd < bytes.count, isNameByte(bytes[nameEnd]) { nameEnd += 1 }
                var next = index + 1
                if nameEnd > nameStart, closing {
                    depth = max(0, depth - 1)
                    next = nameEnd
                } else if nameEnd > nameStart {
                    let name = bytes[nameStart..<nameEnd]
                    if name.count > 8 || !notNesting.contains(packed(name)) {
                        depth += 1
                        if depth > depthLimit { return true }
                    }
                    guard let tagEnd = endOfAttributes(bytes, from: nameEnd) else { return true }
                    next = tagEnd
                }
                index = ByteSearch.index(of: UInt8(ascii: "<"), in: UnsafeRawBufferPointer(bytes), from: next)
            }
            return false
        }
    }

    /// Up to eight bytes of a name, lower case, one per byte of a word (longer names always nest).
    private static func packed(_ name: some Collection<UInt8>) -> UInt64 {
        name.prefix(8).reduce(0) { $0 << 8 | UInt64($1 | ($1 >= 0x41 && $1 <= 0x5A ? 0x20 : 0)) }
    }

    /// Where a start tag's attributes end; nil when there are more than `attributeLimit`.
    private static func endOfAttributes(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start, count = 0
        while index < bytes.count, bytes[index] != UInt8(ascii: ">") {
            if isSpace(bytes[index]) || bytes[index] == UInt8(ascii: "/") { index += 1; continue }
            count += 1
            if count > attributeLimit { return nil }
            while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">"),
                  bytes[index] != UInt8(ascii: "/"), bytes[index] != UInt8(ascii: "=") { index += 1 }
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { continue }
            index += 1
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            guard index < bytes.count else { break }
            let quote = bytes[index]
            if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                index += 1
                while index < bytes.count, bytes[index] != quote { index += 1 }
                index += 1
            } else {
                while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: ">") { index += 1 }
            }
        }
        return index
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        let lower = byte | 0x20
        return (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":")
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }
}
