internal import Crypto

/// SHA-256 of a document file's bytes: what `verify` compares, so an edit that keeps the size
/// is found too. (The content hash that names the file is over the item, not the file.)
enum FileDigest {
    static func of(_ text: String) -> String {
        of(Array(text.utf8))
    }

    static func of(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
