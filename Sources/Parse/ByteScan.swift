internal import Markup

/// Skips runs of uninteresting bytes sixteen at a time: one vector compare per block (SSE2,
/// which every x86-64 has) instead of a test per byte. The pre-passes over a whole document
/// spent more time than libxml2 did, byte by byte, and still a fifth of a parse eight at a time.
enum ByteScan {
    typealias Block = SIMD16<UInt8>

    /// The index of the first byte that is `first` or `second` or a control character XML forbids
    /// (below 0x20 but TAB, LF and CR), or of the last few bytes, fewer than a block, which the
    /// caller's byte loop reads. With `carriageReturnIsPlain` false a CR stops the scan too.
    @inline(__always)
    static func skip(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, until first: UInt8, _ second: UInt8,
                     carriageReturnIsPlain: Bool = true) -> Int {
        let raw = UnsafeRawBufferPointer(buffer)
        let firstBlock = Block(repeating: first), secondBlock = Block(repeating: second)
        // TAB again in CR's place allows no third control.
        let third = Block(repeating: carriageReturnIsPlain ? 0x0D : 0x09)
        var index = start
        while index + Block.scalarCount <= buffer.count {
            let block = raw.loadUnaligned(fromByteOffset: index, as: Block.self)
            let control = (block .< Block(repeating: 0x20)) .& (block .!= Block(repeating: 0x09))
                .& (block .!= Block(repeating: 0x0A)) .& (block .!= third)
            let hit = (block .== firstBlock) .| (block .== secondBlock) .| control
            if any(hit) { return index + ByteSearch.firstTrueLane(hit) }
            index += Block.scalarCount
        }
        return index
    }

    /// The index of the first `byte`, or of the last few bytes, fewer than a block.
    @inline(__always)
    static func skip(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, until byte: UInt8) -> Int {
        let raw = UnsafeRawBufferPointer(buffer)
        let pattern = Block(repeating: byte)
        var index = start
        while index + Block.scalarCount <= buffer.count {
            let hit = raw.loadUnaligned(fromByteOffset: index, as: Block.self) .== pattern
            if any(hit) { return index + ByteSearch.firstTrueLane(hit) }
            index += Block.scalarCount
        }
        return index
    }
}
