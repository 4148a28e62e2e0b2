internal import CLibXML2

/// Hands libxml2 the document in chunks of `chunkSize`: large enough that the calls cost
/// nothing, small enough that the parser's copy stays small. Pieces shorter than a chunk (the
/// text between CDATA sections) are gathered first, so libxml2 still sees whole chunks.
struct ChunkFeeder {
    static let chunkSize = 64 << 10
    let context: xmlParserCtxtPtr
    let stream: UnsafeMutablePointer<XMLEventStream>
    private var pending: [CChar] = []
    private var failed = false

    init(context: xmlParserCtxtPtr, stream: UnsafeMutablePointer<XMLEventStream>) {
        self.context = context
        self.stream = stream
        pending.reserveCapacity(Self.chunkSize)
    }

    mutating func feed(_ start: UnsafePointer<CChar>, count: Int) {
        var offset = 0
        while offset < count, !isDone {
            let size = min(Self.chunkSize - pending.count, count - offset)
            if pending.isEmpty, size == Self.chunkSize {
                push(start + offset, count: size)
            } else {
                pending.append(contentsOf: UnsafeBufferPointer(start: start + offset, count: size))
                if pending.count == Self.chunkSize { pushPending() }
            }
            offset += size
        }
    }

    /// How the document ended: well-formed to the end, broken, or well-formed up to its last byte
    /// with an item still open (a transfer or a file cut short there).
    mutating func finish() -> XMLEventStream.End {
        if !pending.isEmpty, !isDone { pushPending() }
        guard !isDone else { return .broken }
        let status = xmlParseChunk(context, nil, 0, 1)
        if status == 0 && context.pointee.wellFormed == 1 && !stream.pointee.stoppedOnError { return .whole }
        return stream.pointee.isInsideItem ? .cutInsideItem : .broken
    }

    private var isDone: Bool { failed || stream.pointee.stoppedOnError }

    private mutating func pushPending() {
        pending.withUnsafeBufferPointer { push($0.baseAddress!, count: $0.count) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Any error stops the stream (a namespace error leaves the document well-formed but not
    /// the tree), as it stops libxml2's own streaming reader.
    /// The caller's limits (time, shutdown) are asked before each chunk: libxml2 itself runs
    /// no callback of ours between its chunks, and an item may be long.
    private mutating func push(_ start: UnsafePointer<CChar>, count: Int) {
        if stream.pointee.stopIfAsked() { return }
        if xmlParseChunk(context, start, Int32(count), 0) != 0 { failed = true }
    }
}
