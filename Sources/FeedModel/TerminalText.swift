/// Text from feeds and servers made safe for a terminal: a title, an ETag or an error message may
/// carry escape sequences (`ESC ]0;...BEL` retitles the window, `ESC [2J` clears it, C1's `CSI`
/// does the same in one byte) or bidirectional overrides that make a line read other than it is.
/// One rule for every log line and every command's output: such scalars are written as `\uXXXX`.
public enum TerminalText {
    /// C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the bidirectional
    /// embeddings, overrides (U+202A–202E), isolates (U+2066–2069) and marks (LRM, RLM, ALM); and
    /// the invisible ones that hide text from a reader and from grep (round 66: `spon\u{200B}sored`):
    /// zero-width space, word joiner and the invisible operators (U+2060–2064), and U+FEFF. Not
    /// the zero-width (non-)joiners, which Persian and Indic text and emoji need.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x2028...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C,
             0x200B, 0x2060...0x2064, 0xFEFF: return true
        default: return false
        }
    }

    /// `\u001b` for ESC: what JSON would write, so escaped JSON output stays the same JSON. Past
    /// U+FFFF, JSON's surrogate pair: `\ue0041b` read as U+E0041 and `b`, or U+E004 and `1b`.
    public static func escape(_ scalar: Unicode.Scalar) -> String {
        guard scalar.value > 0xFFFF else { return fourDigits(scalar.value) }
        let offset = scalar.value - 0x10000
        return fourDigits(0xD800 + (offset >> 10)) + fourDigits(0xDC00 + (offset & 0x3FF))
    }

    private static func fourDigits(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// A value a server sent, for a place in one line of output (a title, a link): its line feeds
    /// and tabs escaped too. Left raw, a channel title `Blog&#10;ok    bank  ...` printed a line of
    /// the feed author's choosing under `crawler parse`, `add` and `preview`.
    public static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var output = ""
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) { output += escape(scalar) } else { output.unicodeScalars.append(scalar) }
        }
        return output
    }

    /// `text` with every unsafe scalar escaped, except the line feeds and tabs that lay out a
    /// command's output (a carriage return could overwrite what was printed, so it is escaped).
    public static func escapingControls(_ text: String) -> String {
        // Most output holds nothing to escape: one scan, no copy.
        guard text.unicodeScalars.contains(where: { isUnsafe($0) && $0 != "\n" && $0 != "\t" }) else { return text }
        var output = ""
        output.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) && scalar != "\n" && scalar != "\t" {
                output += escape(scalar)
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
