/// What shows nothing on a page: white space, and the zero-width spaces and joiners, the word
/// joiner, the byte order mark, the soft hyphen and the Mongolian vowel separator (none of them
/// white space to Unicode). One rule for an empty item and an empty body field.
public enum InvisibleText {
    public static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || zeroWidth.contains(scalar.value)
    }

    private static let zeroWidth: Set<UInt32> = [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E]
}
