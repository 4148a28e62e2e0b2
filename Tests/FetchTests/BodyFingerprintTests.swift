@testable import Fetch
import Testing

/// The fingerprint that tells an unchanged body from a changed one when a server sends no validators.
@Suite struct BodyFingerprintTests {
    private let body = Array((0..<1_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) })

    @Test func theSameBytesGiveTheSameFingerprint() {
        #expect(BodyFingerprint.of(body) == BodyFingerprint.of(Array(body)))
        #expect(BodyFingerprint.of(body).hasPrefix("x64:1000:"))
    }

    /// Any one flipped bit (each of the four lanes, each bit of a word, the tail past the last
    /// 32-byte block) gives a fingerprint of its own: 8,001 bodies, 8,001 fingerprints.
    @Test func everyOneBitChangeGivesItsOwnFingerprint() {
        var fingerprints: Set<String> = [BodyFingerprint.of(body)]
        for position in body.indices {
            for bit in 0..<8 {
                var changed = body
                changed[position] ^= 1 << bit
                fingerprints.insert(BodyFingerprint.of(changed))
            }
        }
        #expect(fingerprints.count == body.count * 8 + 1)
    }

    /// The weakness of a plain xor-multiply-rotate step: a word's top bit flipped, and the next
    /// word's bit 30 in the same lane, cancelled out.
    @Test func twoFlipsInOneLaneDoNotCancel() {
        var changed = body
        changed[7] ^= 0x80
        changed[32 + 3] ^= 0x40
        #expect(BodyFingerprint.of(changed) != BodyFingerprint.of(body))
    }

    /// Matches an independent reference computation of the same formula (so a stored
    /// fingerprint stays valid across builds).
    @Test func isStable() {
        #expect(BodyFingerprint.hash(UnsafeRawBufferPointer(start: nil, count: 0)) == 0x3fdf_455f_9dcf_1e62)
        #expect(BodyFingerprint.of(Array("a".utf8)) == "x64:1:722f437eb72ecc23")
    }

    /// Two words swapped between lanes, or within one lane's sequence, are a different body.
    @Test func movedBytesChangeIt() {
        var swappedLanes = body
        swappedLanes.swapAt(0, 8)
        var swappedBlocks = body
        swappedBlocks.swapAt(0, 32)
        let fingerprints: Set = [BodyFingerprint.of(body), BodyFingerprint.of(swappedLanes),
                                 BodyFingerprint.of(swappedBlocks)]
        #expect(fingerprints.count == 3)
    }

    @Test func emptyAndZeroBodiesDiffer() {
        let fingerprints: Set = [BodyFingerprint.of([]), BodyFingerprint.of([0]),
                                 BodyFingerprint.of([0, 0]), BodyFingerprint.of([UInt8](repeating: 0, count: 64))]
        #expect(fingerprints.count == 4)
    }
}
