internal import FeedModel

/// What a feed's name may hold, and when two names are one. The name heads rows of `list` and
/// `status`, names the feed in every log line and is what `--feed` asks for: two names that
/// look the same there (`Foo` and `foo`, `news` and `news `, `news` and `ne\u{200B}ws`) are two
/// feeds no one can tell apart. A line break or tab would start rows of its own; other controls
/// are shown escaped wherever the name is printed.
public enum FeedNames {
    /// Far past any name worth reading; a name of megabytes was taken, and written into every
    /// state row, document record and log line of its feed.
    static let maximumBytes = 1_000

    static func problem(with name: String, madeFromURL: Bool = false) -> String? {
        // Printable ASCII with no space at either end: nothing to refuse. Nearly every name, read
        // at every start; Unicode's properties cost 4,500 instructions for a name of five letters.
        let utf8 = name.utf8
        if let first = utf8.first, let last = utf8.last, first != 0x20, last != 0x20, utf8.count <= maximumBytes,
           utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            return nil
        }
        let made = madeFromURL ? " (made from its url's host and path: give the feed a name:)" : ""
        if name.unicodeScalars.allSatisfy(isInvisible) { return "is empty; give the feed a name or leave name: out" + made }
        if name.utf8.count > maximumBytes {
            let made = madeFromURL ? " (made from its url's host and path: give the feed a shorter name:)" : ""
            return "is \(name.utf8.count) bytes long; a feed's name may be \(maximumBytes) at most\(made)"
        }
        if let breaking = name.unicodeScalars.first(where: breaksLines) {
            guard breaking.value < 0x2028 else {
                let which = breaking.value == 0x2028 ? "line" : "paragraph"
                return "must be one line of text: it holds U+\(hex(breaking)), Unicode's \(which) separator" + made
            }
            return "must be one line of text, without line breaks, tabs or other C0 controls" + made
        }
        if let first = name.unicodeScalars.first, let last = name.unicodeScalars.last,
           first.properties.isWhitespace || last.properties.isWhitespace {
            return "'\(shown(name))' begins or ends with white space, which no one sees; write the name without it" + made
        }
        if let hidden = name.unicodeScalars.first(where: isFormat) {
            return "'\(shown(name))' holds an invisible character (U+\(hex(hidden))); write the name without it" + made
        }
        return nil
    }

    /// What two names are compared by: equal ignoring case (Unicode's lowercase mapping), and, as
    /// Swift compares strings, in any normal form (NFC and NFD spellings of `café` are one).
    public static func key(_ name: String) -> String {
        name.lowercased()
    }

    /// C0 controls (line breaks and tabs among them), DEL, and Unicode's line and paragraph separators.
    public static func breaksLines(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0x2028 || scalar.value == 0x2029
    }

    /// Unicode's format characters (category Cf): zero-width spaces and joiners, bidi marks, the
    /// byte order mark, the soft hyphen. Nothing on screen shows them, so a name holding one reads
    /// as the name without it. (An emoji joined by ZWJ is refused with them.)
    /// So are the other characters Unicode has renderers ignore (the combining grapheme joiner,
    /// Hangul fillers, Khmer's inherent vowels), but for variation selectors, which pick how an
    /// emoji or ideograph beside them is drawn.
    public static func isFormat(_ scalar: Unicode.Scalar) -> Bool {
        let variationSelector = (0xFE00...0xFE0F).contains(scalar.value) || (0xE0100...0xE01EF).contains(scalar.value)
            || (0x180B...0x180D).contains(scalar.value) || scalar.value == 0x180F  // Mongolian's
        return scalar.properties.generalCategory == .format || (scalar.properties.isDefaultIgnorableCodePoint && !variationSelector)
    }

    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || isFormat(scalar)
    }

    /// The name for a message: controls, format characters and white space other than a space
    /// escaped, so that the message shows what the operator cannot see.
    static func shown(_ name: String) -> String {
        var output = ""
        for scalar in name.unicodeScalars {
            let hidden = TerminalText.isUnsafe(scalar) || isFormat(scalar) || (scalar.properties.isWhitespace && scalar != " ")
            if hidden { output += TerminalText.escape(scalar) } else { output.unicodeScalars.append(scalar) }
        }
        return output
    }

    static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
