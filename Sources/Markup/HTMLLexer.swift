/// Splits an HTML fragment into tokens. Anything that is not well-formed markup is text,
/// so every input byte belongs to exactly one token and nothing is ever lost.
///
/// Linear in its input whatever the input: a tag that the input ends inside is one
/// `.unclosedTag` token through to the end, as a browser's tokenizer would read it, instead of
/// text followed by a fresh scan from the next `<` (which made `<a b<a b…` quadratic).
public struct HTMLLexer: Sequence, IteratorProtocol {
    private let bytes: [UInt8]
    private var position = 0
    /// Set after `<script>` or `<style>`: their content is raw text up to the matching end tag.
    private var rawTextElement: String?
    /// Whose attributes are collected. A caller that only wants text (HTMLText) or one tag's
    /// attributes (the first image) spares the others a few allocations per tag; their tags
    /// still end where they end.
    private let collects: AttributeCollection
    /// Set when the markup at `position` is a tag that never ends: every later `<` lies inside it.
    private var unclosed = false

    enum AttributeCollection {
        case all, none
        /// Only the attributes of tags with this (lower-case) name.
        case only(String)
    }

    public init(_ bytes: [UInt8]) {
        self.init(bytes, collecting: .all)
    }

    init(_ bytes: [UInt8], collecting: AttributeCollection) {
        self.bytes = bytes
        self.collects = collecting
    }

    public mutating func next() -> HTMLToken? {
        guard position < bytes.count else { return nil }
        if let element = rawTextElement {
            rawTextElement = nil
            let end = findRawTextEnd(element)
            if end > position {
                defer { position = end }
                return .text(position..<end)
            }
        }
        if bytes[position] == UInt8(ascii: "<"), let token = markup(at: position) {
            return token
        }
        if unclosed {
            defer { position = bytes.count }
            return .unclosedTag(position..<bytes.count)
        }
        let start = position
        position = bytes.withUnsafeBytes { ByteSearch.index(of: UInt8(ascii: "<"), in: $0, from: start + 1) }
        return .text(start..<position)
    }

    private mutating func markup(at start: Int) -> HTMLToken? {
        guard start + 1 < bytes.count else { return nil }
        let next = bytes[start + 1]
        if next == UInt8(ascii: "!") || next == UInt8(ascii: "?") {
            let end = declarationEnd(from: start)
            position = end
            return .other(start..<end)
        }
        if next == UInt8(ascii: "/") {
            guard let (name, nameEnd) = tagName(from: start + 2) else { return nil }
            guard let close = find(UInt8(ascii: ">"), from: nameEnd) else { unclosed = true; return nil }
            position = close + 1
            return .endTag(name: name, range: start..<position)
        }
        guard let (name, nameEnd) = tagName(from: start + 1) else { return nil }
        guard let (attributes, end, selfClosing) = attributes(from: nameEnd, collecting: collectsAttributes(of: name))
        else { unclosed = true; return nil }
        position = end
        if name == "script" || name == "style", !selfClosing { rawTextElement = name }
        return .startTag(HTMLTag(name: name, range: start..<end, attributes: attributes, selfClosing: selfClosing))
    }

    private func collectsAttributes(of tag: String) -> Bool {
        switch collects {
        case .all: return true
        case .none: return false
        case .only(let name): return tag == name
        }
    }

    private func tagName(from start: Int) -> (String, Int)? {
        var end = start
        while end < bytes.count, isNameByte(bytes[end]) { end += 1 }
        guard end > start, isLetter(bytes[start]) else { return nil }
        return (lowercasedName(start..<end), end)
    }

    /// Reads attributes up to `>`; nil when the tag never closes (then the `<` is text).
    private func attributes(from start: Int, collecting: Bool) -> ([HTMLAttribute], Int, Bool)? {
        var index = start
        var result: [HTMLAttribute] = []
        while index < bytes.count {
            let byte = bytes[index]
            if isSpace(byte) { index += 1; continue }
            if byte == UInt8(ascii: ">") { return (result, index + 1, false) }
            if byte == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ">") {
                return (result, index + 2, true)
            }
            guard let (attribute, end) = attribute(from: index, named: collecting) else { return nil }
            if collecting { result.append(attribute) }
            index = end
        }
        return nil
    }

    /// The attribute at `start` and the index past it; its name is read only when `named`.
    private func attribute(from start: Int, named: Bool) -> (HTMLAttribute, Int)? {
        var index = start
        while index < bytes.count, !isSpace(bytes[index]), bytes[index] != UInt8(ascii: "="),
              bytes[index] != UInt8(ascii: ">") {
            if bytes[index] == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ">") { break }
            index += 1
        }
        if index == start { index += 1 }  // a stray character: skip it as a nameless attribute
        let name = named ? lowercasedName(start..<index) : ""
        var look = index
        while look < bytes.count, isSpace(bytes[look]) { look += 1 }
        guard look < bytes.count, bytes[look] == UInt8(ascii: "=") else {
            return (HTMLAttribute(name: name, range: start..<index, valueRange: nil), index)
        }
        look += 1
        while look < bytes.count, isSpace(bytes[look]) { look += 1 }
        guard look < bytes.count else { return nil }
        let quote = bytes[look]
        if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
            guard let close = find(quote, from: look + 1) else { return nil }
            return (HTMLAttribute(name: name, range: start..<(close + 1), valueRange: (look + 1)..<close), close + 1)
        }
        var end = look
        while end < bytes.count, !isSpace(bytes[end]), bytes[end] != UInt8(ascii: ">") { end += 1 }
        return (HTMLAttribute(name: name, range: start..<end, valueRange: look..<end), end)
    }

    /// ASCII names are lower-cased byte by byte, which costs far less than `String.lowercased()`
    /// and gives the same result; other names take the Unicode route.
    private func lowercasedName(_ range: Range<Int>) -> String {
        let slice = bytes[range]
        guard slice.allSatisfy({ $0 < 0x80 }) else { return String(decoding: slice, as: UTF8.self).lowercased() }
        guard slice.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return String(decoding: slice, as: UTF8.self) }
        return String(decoding: slice.map(lowered), as: UTF8.self)
    }

    private func declarationEnd(from start: Int) -> Int {
        if hasPrefix("<!--", at: start) {
            return range(of: Array("-->".utf8), from: start + 4).map { $0 + 3 } ?? bytes.count
        }
        if hasPrefix("<![CDATA[", at: start) {
            return range(of: Array("]]>".utf8), from: start + 9).map { $0 + 3 } ?? bytes.count
        }
        return find(UInt8(ascii: ">"), from: start).map { $0 + 1 } ?? bytes.count
    }

    private func findRawTextEnd(_ element: String) -> Int {
        let closing = Array("</\(element)".utf8)
        var index = position
        while let found = range(of: [UInt8(ascii: "<"), UInt8(ascii: "/")], from: index) {
            if found + closing.count <= bytes.count,
               zip(bytes[found..<(found + closing.count)], closing).allSatisfy({ lowered($0) == $1 }) {
                return found
            }
            index = found + 1
        }
        return bytes.count
    }

    private func hasPrefix(_ prefix: String, at index: Int) -> Bool {
        let pattern = Array(prefix.utf8)
        guard index + pattern.count <= bytes.count else { return false }
        return zip(bytes[index..<(index + pattern.count)], pattern).allSatisfy { lowered($0) == lowered($1) }
    }

    private func find(_ byte: UInt8, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == byte { return index }
            index += 1
        }
        return nil
    }

    private func range(of pattern: [UInt8], from start: Int) -> Int? {
        guard let first = pattern.first else { return nil }
        var index = start
        while let found = find(first, from: index) {
            if found + pattern.count > bytes.count { return nil }
            if bytes[found..<(found + pattern.count)].elementsEqual(pattern) { return found }
            index = found + 1
        }
        return nil
    }
}

@inline(__always) func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
}

@inline(__always) func isLetter(_ byte: UInt8) -> Bool {
    (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
}

@inline(__always) func isNameByte(_ byte: UInt8) -> Bool {
    isLetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":")
        || byte == UInt8(ascii: "_")
}

@inline(__always) func lowered(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte + 32 : byte
}
