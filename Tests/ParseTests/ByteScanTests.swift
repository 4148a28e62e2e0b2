import Markup
@testable import Parse
import Testing

/// The vector scans that the pre-passes and the stream skip plain bytes with, against a loop over
/// every byte: a scan stops at the first byte it looks for, or short of it only in the last block's worth of bytes.
@Suite struct ByteScanTests {
    /// Random documents rich in what the scans look for: markup, references, brackets, every
    /// control character, multi-byte UTF-8 (bytes above 0x80 fooled the word scan's quick test).
    private func documents() -> [[UInt8]] {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = Array("ab <>&]-=\"'\t\n\r".utf8) + [0x00, 0x01, 0x0B, 0x1F, 0x20, 0x7F, 0x80, 0xA0, 0xE4, 0xBF, 0xFF]
        return (0..<400).map { round in
            let count = Int.random(in: 0...80, using: &generator)
            // Half the documents are mostly plain, so that scans cross whole blocks.
            let plainShare = round.isMultiple(of: 2) ? 0.95 : 0.3
            return (0..<count).map { _ in
                Double.random(in: 0..<1, using: &generator) < plainShare ? UInt8(ascii: "x") : alphabet.randomElement(using: &generator)!
            }
        }
    }

    private func checkSkip(_ bytes: [UInt8], from start: Int, stopsAt: (UInt8) -> Bool,
                           scan: (UnsafeBufferPointer<UInt8>) -> Int) {
        let end = bytes.withUnsafeBufferPointer(scan)
        let firstStop = bytes[start...].firstIndex(where: stopsAt) ?? bytes.count
        // Exactly at the first stop, or short of it only within the last block's worth of bytes.
        let exact = end == firstStop || (end >= start && end < firstStop && end + 16 > bytes.count)
        #expect(exact, "\(bytes) from \(start): stopped at \(end), first stop \(firstStop)")
    }

    @Test func skipStopsAtTheBytesAndForbiddenControls() {
        let forbidden = { (byte: UInt8) in byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D }
        for bytes in documents() {
            for start in [0, min(3, bytes.count), bytes.count / 2] {
                checkSkip(bytes, from: start, stopsAt: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: "&") || forbidden($0) }) {
                    ByteScan.skip($0, from: start, until: UInt8(ascii: "<"), UInt8(ascii: "&"))
                }
                checkSkip(bytes, from: start, stopsAt: { $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: ">") || forbidden($0) || $0 == 0x0D }) {
                    ByteScan.skip($0, from: start, until: UInt8(ascii: "&"), UInt8(ascii: ">"), carriageReturnIsPlain: false)
                }
                checkSkip(bytes, from: start, stopsAt: { $0 == UInt8(ascii: "]") }) {
                    ByteScan.skip($0, from: start, until: UInt8(ascii: "]"))
                }
            }
        }
    }

    @Test func firstIndexOfAnyFindsTheFirstOfTheFive() {
        let set: [UInt8] = Array("\"'=><".utf8)
        for bytes in documents() {
            for start in [0, min(2, bytes.count), bytes.count] {
                let found = bytes.withUnsafeBytes {
                    ByteSearch.index(ofAny: set[0], set[1], set[2], set[3], set[4], in: $0, from: start)
                }
                #expect(found == (bytes[start...].firstIndex(where: set.contains) ?? bytes.count), "\(bytes) from \(start)")
            }
        }
    }

    @Test func searchFindsTheFirstByteExactly() {
        for bytes in documents() {
            for byte in [UInt8(ascii: "<"), UInt8(ascii: "&"), 0x00, 0xE4] {
                for start in [0, min(5, bytes.count), bytes.count] {
                    let found = bytes.withUnsafeBytes { ByteSearch.index(of: byte, in: $0, from: start) }
                    #expect(found == (bytes[start...].firstIndex(of: byte) ?? bytes.count), "\(bytes) \(byte) from \(start)")
                }
            }
        }
    }
}
