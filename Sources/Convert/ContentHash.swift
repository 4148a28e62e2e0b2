internal import Crypto
internal import Foundation

/// The dedupe key of SPEC.md (hash input version 1):
/// SHA-256 of UTF-8( title after the white-space rule + "\n" + NFC(folded text of the body) ).
/// The body text is what `Item.contentText` holds: markup and comments removed, script and style
/// contents skipped, entities decoded; here it is folded (white space runs → one space) and trimmed.
public enum ContentHash {
    public static func compute(title: String, bodyText: String) -> String {
        let input = title + "\n" + fold(bodyText).precomposedStringWithCanonicalMapping
        let digest = SHA256.hash(data: Array(input.utf8))
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    static func fold(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !output.isEmpty
                continue
            }
            if pendingSpace { output.append(" ") }
            pendingSpace = false
            output.append(scalar)
        }
        return String(output)
    }
}
