/// Skips runs of uninteresting bytes eight at a time (SWAR: SIMD within a register). The
/// pre-passes over a whole document spent more time than libxml2 did, byte by byte.
enum ByteScan {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Past the words that hold neither `first` nor `second` nor a control character XML forbids
    /// (below 0x20 but TAB, LF and CR); the byte loop takes over at the first word that might.
    @inline(__always)
    static func skip(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, until first: UInt8, _ second: UInt8) -> Int {
        let raw = UnsafeRawBufferPointer(buffer)
        var index = start
        while index + 8 <= buffer.count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            if hasByte(word, first) || hasByte(word, second) { break }
            // Line breaks are in every word of some bodies: look closer before stopping for them.
            if hasLess(word, than: 0x20), hasForbiddenControl(word) { break }
            index += 8
        }
        return index
    }

    private static func hasForbiddenControl(_ word: UInt64) -> Bool {
        for shift in stride(from: 0, to: 64, by: 8) {
            let byte = UInt8(truncatingIfNeeded: word >> UInt64(shift))
            if byte < 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D { return true }
        }
        return false
    }

    /// Past the words that do not hold `byte`.
    @inline(__always)
    static func skip(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, until byte: UInt8) -> Int {
        let raw = UnsafeRawBufferPointer(buffer)
        var index = start
        while index + 8 <= buffer.count, !hasByte(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self), byte) {
            index += 8
        }
        return index
    }

    /// True when some byte of `word` is below `limit` (at most 0x80); may say true for a byte
    /// at or above 0x80 next to a hit, which only costs a look.
    @inline(__always) static func hasLess(_ word: UInt64, than limit: UInt8) -> Bool {
        (word &- ones &* UInt64(limit)) & ~word & highBits != 0
    }

    @inline(__always) static func hasByte(_ word: UInt64, _ byte: UInt8) -> Bool {
        let folded = word ^ (ones &* UInt64(byte))
        return (folded &- ones) & ~folded & highBits != 0
    }
}
