internal import CZstd
internal import Synchronization

/// zstd's compression and decompression contexts, kept for reuse. A fresh context costs more than
/// compressing a small item: it is allocated and cleared, and zstd asks the CPU for its features
/// with `cpuid`, which traps to the hypervisor on a virtual machine (a cold pass spent a fifth of
/// its CPU there). zstd's manual: allocate a context once and reuse it for each compression.
enum ZstdContexts {
    /// A context in use by one thread at a time: taken from the pool, used, put back.
    private struct Context: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    private static let compressors = Mutex<[Context]>([])
    private static let decompressors = Mutex<[Context]>([])

    static func compress(_ input: [UInt8], level: Int32) -> [UInt8] {
        let context = compressors.withLock { $0.popLast() } ?? Context(pointer: ZSTD_createCCtx())
        defer { compressors.withLock { $0.append(context) } }
        let bound = ZSTD_compressBound(input.count)
        return [UInt8](unsafeUninitializedCapacity: bound) { output, count in
            let size = ZSTD_compressCCtx(context.pointer, output.baseAddress, bound, input, input.count, level)
            precondition(ZSTD_isError(size) == 0, "zstd failed with a buffer of ZSTD_compressBound's size")
            count = size
        }
    }

    /// The `length` bytes `input` decompresses to, or nil when it does not hold exactly that.
    static func decompress(_ input: ArraySlice<UInt8>, length: Int) -> [UInt8]? {
        let context = decompressors.withLock { $0.popLast() } ?? Context(pointer: ZSTD_createDCtx())
        defer { decompressors.withLock { $0.append(context) } }
        var output = [UInt8](repeating: 0, count: max(length, 1))
        let size = input.withUnsafeBytes { input in
            ZSTD_decompressDCtx(context.pointer, &output, length, input.baseAddress, input.count)
        }
        guard ZSTD_isError(size) == 0, size == length else { return nil }
        return length == 0 ? [] : output
    }
}
