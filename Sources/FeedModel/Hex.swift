/// Lower-case hexadecimal text of bytes: content hashes, file digests, the fleet's `bytea` literals.
public enum Hex {
    // Inlinable: specialised for the caller's sequence (a digest, an array), it loops over bytes
    // instead of going through generic witnesses for each one.
    @inlinable
    public static func lowercase<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        var text: [UInt8] = []
        // A digest reports no count: without room for a SHA-256's 64 digits, the array would
        // grow seven times on the way.
        text.reserveCapacity(max(bytes.underestimatedCount, 32) * 2)
        for byte in bytes {
            text.append(digit(byte >> 4))
            text.append(digit(byte & 0x0F))
        }
        return String(decoding: text, as: UTF8.self)
    }

    @inlinable
    static func digit(_ value: UInt8) -> UInt8 {
        value < 10 ? 0x30 + value : 0x57 + value
    }
}
