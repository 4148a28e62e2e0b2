/// A cheap, stable fingerprint of a body (FNV-1a, 64 bits, plus the length), to tell an unchanged
/// body from a server that sends no validators. Not a security hash: a collision only costs one
/// skipped parse of a feed that will be fetched again. Versioned so the formula can change.
public enum BodyFingerprint {
    public static func of(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return "fnv1a64:\(bytes.count):" + String(hash, radix: 16)
    }
}
