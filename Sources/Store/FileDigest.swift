internal import Crypto
internal import FeedModel

/// SHA-256 of a document file's bytes: what `verify` compares, so an edit that keeps the size
/// is found too. (The content hash that names the file is over the item, not the file.)
enum FileDigest {
    static func of(_ text: String) -> String {
        var text = text
        return text.withUTF8 { Hex.lowercase(SHA256.hash(data: $0)) }
    }

    static func of(_ bytes: [UInt8]) -> String {
        Hex.lowercase(SHA256.hash(data: bytes))
    }
}
