/// How well a byte string reads as UTF-8, without building a String (a 50 MB feed would be
/// copied just to learn it is valid).
struct UTF8Check {
    /// Well-formed sequences of two to four bytes.
    private(set) var multibyte = 0
    /// Bytes that start no well-formed sequence.
    private(set) var invalid = 0

    init(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            while index < buffer.count {
                index = UTF8Check.skipASCII(buffer, from: index)
                guard index < buffer.count else { break }
                let lead = buffer[index]
                if lead < 0x80 { index += 1; continue }
                // CJK text is almost all three-byte sequences with an ordinary lead byte.
                if lead >= 0xE1, lead <= 0xEF, lead != 0xED, index + 2 < buffer.count,
                   buffer[index + 1] & 0xC0 == 0x80, buffer[index + 2] & 0xC0 == 0x80 {
                    multibyte += 1
                    index += 3
                    continue
                }
                let length = UTF8Check.sequenceLength(buffer, at: index)
                if length > 0 {
                    multibyte += 1
                    index += length
                } else if index + 4 > buffer.count, UTF8Check.isTruncatedTail(buffer, from: index) {
                    break  // a document cut inside its last character is still UTF-8
                } else {
                    invalid += 1
                    index += 1
                }
            }
        }
    }

    var isValid: Bool { invalid == 0 }

    /// Whether the bytes are all UTF-8 and hold any non-ASCII character, stopping at the first
    /// invalid byte: a document in another encoding shows one within its first characters.
    static func validity(_ bytes: [UInt8]) -> (isValid: Bool, hasMultibyte: Bool) {
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            var hasMultibyte = false
            while index < buffer.count {
                index = skipASCII(buffer, from: index)
                guard index < buffer.count else { break }
                if buffer[index] < 0x80 { index += 1; continue }
                let length = sequenceLength(buffer, at: index)
                if length == 0 {
                    return (index + 4 > buffer.count && isTruncatedTail(buffer, from: index), hasMultibyte)
                }
                hasMultibyte = true
                index += length
            }
            return (true, hasMultibyte)
        }
    }

    /// Past a run of ASCII, eight bytes at a time.
    @inline(__always) private static func skipASCII(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        let raw = UnsafeRawBufferPointer(buffer)
        while index + 8 <= buffer.count,
              raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
            index += 8
        }
        return index
    }

    /// Whether every byte that starts no UTF-8 sequence starts a surrogate written as UTF-8
    /// (`ED A0…BF 80…BF`): CESU-8, UTF-8's kin, not a legacy charset. A surrogate's first two
    /// bytes alone are no evidence: `ED B3` is "ні" in windows-1251, followed by a letter or a space.
    static func brokenOnlyBySurrogates(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            var sawSurrogate = false
            while index < buffer.count {
                if buffer[index] < 0x80 { index += 1; continue }
                let length = sequenceLength(buffer, at: index)
                if length > 0 { index += length; continue }
                guard index + 2 < buffer.count, buffer[index] == 0xED, (0xA0...0xBF).contains(buffer[index + 1]),
                      (0x80...0xBF).contains(buffer[index + 2]) else { return false }
                sawSurrogate = true
                index += 3
            }
            return sawSurrogate
        }
    }

    /// Each surrogate pair written as UTF-8 (`ED A0…AF xx ED B0…BF xx`, CESU-8, as Java and MySQL's
    /// utf8mb3 write characters beyond the BMP) as the one character it stands for; nil when there
    /// is none. Replacing their bytes instead made every emoji the same three U+FFFD, and items
    /// told apart by one emoji the same item. A half without its other half is left as it is.
    static func joiningSurrogatePairs(_ bytes: [UInt8]) -> [UInt8]? {
        var output: [UInt8] = []
        var copied = 0
        var index = 0
        while index + 5 < bytes.count {
            guard bytes[index] == 0xED, (0xA0...0xAF).contains(bytes[index + 1]), bytes[index + 2] & 0xC0 == 0x80,
                  bytes[index + 3] == 0xED, (0xB0...0xBF).contains(bytes[index + 4]), bytes[index + 5] & 0xC0 == 0x80
            else { index += 1; continue }
            let high = UInt32(bytes[index + 1] & 0x0F) << 6 | UInt32(bytes[index + 2] & 0x3F)
            let low = UInt32(bytes[index + 4] & 0x0F) << 6 | UInt32(bytes[index + 5] & 0x3F)
            let scalar = 0x10000 + (high << 10 | low)
            if output.isEmpty { output.reserveCapacity(bytes.count) }
            output.append(contentsOf: bytes[copied..<index])
            output += [0xF0 | UInt8(scalar >> 18), 0x80 | UInt8(scalar >> 12 & 0x3F),
                       0x80 | UInt8(scalar >> 6 & 0x3F), 0x80 | UInt8(scalar & 0x3F)]
            index += 6
            copied = index
        }
        guard copied > 0 else { return nil }
        output.append(contentsOf: bytes[copied...])
        return output
    }

    /// A few stray bytes in a document that is otherwise UTF-8 are damage, not another encoding.
    var isMostlyUTF8: Bool { invalid * 4 <= multibyte }

    /// Length of the well-formed sequence at `index` (RFC 3629 table), or 0.
    static func sequenceLength(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let lead = bytes[index]
        let (length, secondRange): (Int, ClosedRange<UInt8>) = switch lead {
        case 0xC2...0xDF: (2, 0x80...0xBF)
        case 0xE0: (3, 0xA0...0xBF)
        case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80...0xBF)
        case 0xED: (3, 0x80...0x9F)
        case 0xF0: (4, 0x90...0xBF)
        case 0xF1...0xF3: (4, 0x80...0xBF)
        case 0xF4: (4, 0x80...0x8F)
        default: (0, 0...0)
        }
        guard length > 0, index + length <= bytes.count, secondRange.contains(bytes[index + 1]) else { return 0 }
        for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 { return 0 }
        return length
    }

    private static func isTruncatedTail(_ bytes: UnsafeBufferPointer<UInt8>, from index: Int) -> Bool {
        guard bytes[index] >= 0xC2, bytes[index] <= 0xF4 else { return false }
        return bytes[(index + 1)...].allSatisfy { $0 & 0xC0 == 0x80 }
    }

    /// Every byte that starts no well-formed sequence becomes U+FFFD, so libxml2, which stops at
    /// the first invalid byte, reads the rest of the document.
    static func replacingInvalid(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 64)
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            while index < buffer.count {
                if buffer[index] < 0x80 { output.append(buffer[index]); index += 1; continue }
                let length = sequenceLength(buffer, at: index)
                if length > 0 {
                    output.append(contentsOf: buffer[index..<(index + length)])
                    index += length
                } else {
                    output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    index += 1
                }
            }
        }
        return output
    }
}
