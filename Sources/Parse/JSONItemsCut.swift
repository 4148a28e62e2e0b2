/// A JSON Feed cut to its first `maxItems` items before it is decoded. JSONSerialization builds an
/// object for every value, about 60 times a document's size for one of many small items: a 28 MB
/// feed took 1.7 GB, four of them 3 GB, where `max_items` was to stop the parse (round 62). One
/// pass over the bytes finds the top-level `"items"` array and drops what follows its
/// `maxItems`-th element; the rest of the document (keys after `items` too) stays as it is.
/// A document this cannot follow (malformed) is left whole, for the parser to judge.
enum JSONItemsCut {
    /// The document without the items past `maxItems`, and whether any were dropped.
    static func cut(_ bytes: [UInt8], maxItems: Int) -> (bytes: [UInt8], cut: Bool) {
        guard maxItems < .max, var scanner = Scanner(bytes), let span = scanner.itemsElements(keeping: maxItems) else {
            return (bytes, false)
        }
        return (Array(bytes[..<span.keptEnd]) + bytes[span.arrayEnd...], true)
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        init?(_ bytes: [UInt8]) {
            self.bytes = bytes
            // A byte order mark, then white space, then the root object.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        }

        /// Where the kept elements end and the array's `]` is, when the root's `items` array has
        /// more than `count` elements.
        mutating func itemsElements(keeping count: Int) -> (keptEnd: Int, arrayEnd: Int)? {
            index += 1  // the root's `{`
            while true {
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
                let keyStart = index + 1
                guard skipString() else { return nil }
                let isItems = bytes[keyStart..<(index - 1)].elementsEqual("items".utf8)
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                skipSpace()
                if isItems, index < bytes.count, bytes[index] == UInt8(ascii: "[") { return elements(keeping: count) }
                guard skipValue() else { return nil }
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { return nil }
                index += 1
            }
        }

        private mutating func elements(keeping count: Int) -> (keptEnd: Int, arrayEnd: Int)? {
            index += 1  // `[`
            var kept = 0, keptEnd = index
            while true {
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: "]") {
                    return kept > count ? (keptEnd, index) : nil
                }
                guard skipValue() else { return nil }
                kept += 1
                if kept == count { keptEnd = index }
                skipSpace()
                guard index < bytes.count else { return nil }
                if bytes[index] == UInt8(ascii: ",") { index += 1 } else if bytes[index] != UInt8(ascii: "]") { return nil }
            }
        }

        private mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
                index += 1
            }
        }

        /// From a `"` to past its closing one.
        private mutating func skipString() -> Bool {
            index += 1
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""): index += 1; return true
                default: index += 1
                }
            }
            return false
        }

        /// One value of any kind, nested ones by depth alone (their strings skipped whole).
        private mutating func skipValue() -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "\""):
                return skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while index < bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: "\""):
                        guard skipString() else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { index += 1; return true }
                    default: break
                    }
                    index += 1
                }
                return false
            default:
                // A number, `true`, `false` or `null`: up to the next delimiter.
                let start = index
                while index < bytes.count, !",]} \n\r\t".utf8.contains(bytes[index]) { index += 1 }
                return index > start
            }
        }
    }
}
