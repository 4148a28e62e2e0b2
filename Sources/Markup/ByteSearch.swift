/// Finds a byte sixteen bytes at a time (one vector compare per block, SSE2), for the scans
/// over whole bodies: text runs in the lexer, the look for `<img`, the stream's CDATA scan.
public enum ByteSearch {
    /// The index of the first `byte` at or after `start`, or `bytes.count`.
    /// Inlinable: Parse scans whole documents with it, and a call per search costs.
    @inlinable @inline(__always)
    public static func index(of byte: UInt8, in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        let pattern = SIMD16<UInt8>(repeating: byte)
        var index = start
        while index + 16 <= bytes.count {
            let hit = bytes.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self) .== pattern
            if any(hit) { return index + firstTrueLane(hit) }
            index += 16
        }
        while index < bytes.count, bytes[index] != byte { index += 1 }
        return index
    }

    /// The index of the first byte equal to any of the five (repeat one to ask for fewer) at or
    /// after `start`, or `bytes.count`: for the short spans inside tags, where the parser's
    /// pre-passes look for quotes, `=` and the tag's end, and for the few bytes a document's text
    /// escapes.
    @inlinable @inline(__always)
    public static func index(ofAny a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, _ e: UInt8,
                             in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        let blocks = (SIMD16<UInt8>(repeating: a), SIMD16<UInt8>(repeating: b), SIMD16<UInt8>(repeating: c),
                      SIMD16<UInt8>(repeating: d), SIMD16<UInt8>(repeating: e))
        var index = start
        while index + 16 <= bytes.count {
            let block = bytes.loadUnaligned(fromByteOffset: index, as: SIMD16<UInt8>.self)
            let hit = (block .== blocks.0) .| (block .== blocks.1) .| (block .== blocks.2) .| (block .== blocks.3)
                .| (block .== blocks.4)
            if any(hit) { return index + firstTrueLane(hit) }
            index += 16
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == a || byte == b || byte == c || byte == d || byte == e { return index }
            index += 1
        }
        return index
    }

    /// The position of the first true lane of a block's comparison, read from the lanes as two
    /// words: where bytes of interest lie close together (escaped HTML has a reference every few
    /// bytes), a search goes straight to each one, with no byte loop over the block.
    @inlinable @inline(__always)
    public static func firstTrueLane(_ hit: SIMDMask<SIMD16<Int8>>) -> Int {
        let lanes = unsafeBitCast(SIMD16<UInt8>(repeating: 0).replacing(with: 0xFF, where: hit), to: (UInt64, UInt64).self)
        return (lanes.0 != 0 ? lanes.0.trailingZeroBitCount : 64 + lanes.1.trailingZeroBitCount) / 8
    }
}

extension Array where Element == UInt8 {
    /// Whether the bytes hold `byte`, by vector search: `contains` tests one byte at a time, and
    /// every document and body is asked this before it is parsed.
    public func containsByte(_ byte: UInt8) -> Bool {
        withUnsafeBytes { ByteSearch.index(of: byte, in: $0, from: 0) < $0.count }
    }
}
