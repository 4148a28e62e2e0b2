/// Whether a document's bytes end with its root element's end tag (`</rss>` for `<rss …>`). A
/// stream that stopped inside an item of such a document was not cut short: something inside
/// the item (a comment, instruction or CDATA section never closed) took the rest for its own.
/// Pure; looks at the first and last few hundred bytes only.
enum DocumentEnd {
    static func closesRoot(_ bytes: [UInt8]) -> Bool {
        guard let root = rootName(bytes) else { return false }
        var end = bytes.count
        while end > 0, isSpace(bytes[end - 1]) || bytes[end - 1] == 0 { end -= 1 }
        guard end > 0, bytes[end - 1] == UInt8(ascii: ">") else { return false }
        let closing = Array("</".utf8) + root
        var start = end - 1
        while start > 0, isSpace(bytes[start - 1]) { start -= 1 }
        start -= closing.count
        return start >= 0 && bytes[start..<(start + closing.count)].elementsEqual(closing)
    }

    /// Whether the bytes end inside an item's start tag (`<item rdf:about="http://x/`, `<entry
    /// xml:lang="e`): no `>` closes it outside a quoted value. The recovering parser made an
    /// item of it with nothing in it.
    static func endsInsideItemStartTag(_ bytes: [UInt8]) -> Bool {
        let tail = bytes.suffix(8192)
        guard let open = tail.lastIndex(of: UInt8(ascii: "<")) else { return false }
        let name = tail[(open + 1)...].prefix { !isSpace($0) && $0 != UInt8(ascii: ">") && $0 != UInt8(ascii: "/") }
        let local = name.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false).last ?? name[...]
        guard local.elementsEqual("item".utf8) || local.elementsEqual("entry".utf8) else { return false }
        var quote: UInt8 = 0
        for byte in tail[(open + 1)...] {
            if quote != 0 {
                if byte == quote { quote = 0 }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return false
            }
        }
        return true
    }

    /// The name of the first start tag: the root (declarations, comments and instructions begin
    /// with `<!` or `<?`).
    private static func rootName(_ bytes: [UInt8]) -> [UInt8]? {
        let head = bytes.prefix(4096)
        var index = head.startIndex
        while let open = head[index...].firstIndex(of: UInt8(ascii: "<")) {
            let next = open + 1
            guard next < head.endIndex else { return nil }
            let first = head[next]
            if first != UInt8(ascii: "!"), first != UInt8(ascii: "?"), first != UInt8(ascii: "/") {
                let name = head[next...].prefix { !isSpace($0) && $0 != UInt8(ascii: ">") && $0 != UInt8(ascii: "/") }
                return name.isEmpty ? nil : Array(name)
            }
            index = next
        }
        return nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
