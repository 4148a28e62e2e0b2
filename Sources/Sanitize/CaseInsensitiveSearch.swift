internal import Markup

extension Array where Element == UInt8 {
    func containsCaseInsensitive(_ needle: [UInt8]) -> Bool {
        firstIndexCaseInsensitive(of: needle, from: 0) != nil
    }

    /// ASCII case-insensitive search; `needle` is lower case. Every body is searched this way
    /// before it is parsed, so the search jumps (a vector search) to each place where a byte of
    /// the needle that has no case stands (`<` of `<body`, `-` of the end marker), and compares
    /// there; a needle of letters only is compared at every position.
    func firstIndexCaseInsensitive(of needle: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, count >= needle.count else { return nil }
        let last = count - needle.count
        guard from <= last else { return nil }
        return withUnsafeBytes { bytes in
            guard let anchor = needle.firstIndex(where: { !Self.isLetter($0) }) else {
                return (from...last).first { Self.matches(needle, in: bytes, at: $0) }
            }
            var position = from + anchor
            while true {
                position = ByteSearch.index(of: needle[anchor], in: bytes, from: position)
                let candidate = position - anchor
                guard candidate <= last else { return nil }
                if Self.matches(needle, in: bytes, at: candidate) { return candidate }
                position += 1
            }
        }
    }

    private static func matches(_ needle: [UInt8], in bytes: UnsafeRawBufferPointer, at start: Int) -> Bool {
        for offset in needle.indices where lower(bytes[start + offset]) != needle[offset] { return false }
        return true
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        let folded = byte | 0x20
        return folded >= UInt8(ascii: "a") && folded <= UInt8(ascii: "z")
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
