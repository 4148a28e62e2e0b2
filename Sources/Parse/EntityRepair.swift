internal import CLibXML2

/// Makes the commonest breakage of real feeds well-formed before libxml2 sees it: HTML entities
/// that XML does not define (`&nbsp;` → `&#160;`) and bare ampersands (`Tom & Jerry` → `&amp;`).
/// CDATA sections and comments are copied untouched, so bodies in CDATA keep every byte.
enum EntityRepair {
    static let xmlEntities: Set<String> = ["amp", "lt", "gt", "quot", "apos"]

    /// The repaired bytes, or nil when nothing needed repair (the common case costs one scan).
    static func repair(_ bytes: [UInt8]) -> [UInt8]? {
        var output: [UInt8] = []
        var copiedUpTo = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<") {
                index = skipProtected(bytes, from: index)
                continue
            }
            guard byte == UInt8(ascii: "&") else { index += 1; continue }
            let (replacement, consumed) = fix(bytes, at: index)
            if let replacement {
                if output.isEmpty { output.reserveCapacity(bytes.count + 64) }
                output += bytes[copiedUpTo..<index]
                output += replacement
                copiedUpTo = index + consumed
            }
            index += max(consumed, 1)
        }
        guard copiedUpTo > 0 else { return nil }
        output += bytes[copiedUpTo...]
        return output
    }

    /// Past a CDATA section or comment starting at `index`; otherwise just past the `<`.
    private static func skipProtected(_ bytes: [UInt8], from index: Int) -> Int {
        if starts(bytes, at: index, with: "<![CDATA[") {
            return find(bytes, "]]>", from: index + 9).map { $0 + 3 } ?? bytes.count
        }
        if starts(bytes, at: index, with: "<!--") {
            return find(bytes, "-->", from: index + 4).map { $0 + 3 } ?? bytes.count
        }
        return index + 1
    }

    /// What to write instead of the reference at `index` (nil: it is fine), and its length.
    private static func fix(_ bytes: [UInt8], at index: Int) -> ([UInt8]?, Int) {
        var end = index + 1
        while end < bytes.count, end - index <= 33, isReferenceByte(bytes[end]) { end += 1 }
        guard end < bytes.count, bytes[end] == UInt8(ascii: ";"), end > index + 1 else {
            return (Array("&amp;".utf8), 1)  // a bare ampersand
        }
        let name = String(decoding: bytes[(index + 1)..<end], as: UTF8.self)
        if name.hasPrefix("#") || xmlEntities.contains(name) { return (nil, end - index + 1) }
        if let entry = htmlEntityLookup(name) {
            return (Array("&#\(entry.pointee.value);".utf8), end - index + 1)
        }
        return (Array("&amp;".utf8), 1)  // unknown: keep it visible as text
    }

    private static func isReferenceByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "#")
    }

    private static func starts(_ bytes: [UInt8], at index: Int, with prefix: String) -> Bool {
        let pattern = Array(prefix.utf8)
        return index + pattern.count <= bytes.count && bytes[index..<(index + pattern.count)].elementsEqual(pattern)
    }

    private static func find(_ bytes: [UInt8], _ pattern: String, from start: Int) -> Int? {
        let needle = Array(pattern.utf8)
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
