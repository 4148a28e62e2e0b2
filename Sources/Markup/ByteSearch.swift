/// Finds a byte eight bytes at a time (SWAR: a zero-byte test on the word XOR the byte), for
/// the scans over whole bodies: text runs in the lexer, the look for `<img`.
public enum ByteSearch {
    /// The index of the first `byte` at or after `start`, or `bytes.count`.
    /// Inlinable: Parse scans whole documents with it, and a call per search costs.
    @inlinable @inline(__always)
    public static func index(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        let pattern = 0x0101_0101_0101_0101 &* UInt64(byte)
        var index = start
        while index + 8 <= bytes.count {
            let folded = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ pattern
            if (folded &- 0x0101_0101_0101_0101) & ~folded & 0x8080_8080_8080_8080 != 0 { break }
            index += 8
        }
        while index < bytes.count, bytes[index] != byte { index += 1 }
        return index
    }
}
