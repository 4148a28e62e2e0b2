/// Text and attribute values escaped for HTML and XML, by bytes: `&`, `<`, `>` and `"` are ASCII
/// and never part of a longer UTF-8 sequence. (By Character, a `<` followed by a combining mark
/// is one Character that compares unequal to `<` and went out unescaped; grapheme breaking also
/// made escaping 1.6% of a cold pass over Atom feeds.)
public enum HTMLEscaping {
    public static func text(_ text: String) -> String { escaped(text, quotes: false) }

    /// Plain text (JSON Feed's `content_text`, a video's `media:description`) as HTML that reads as
    /// written: a paragraph per blank-line-separated block, a `<br>` per line break (all of it on
    /// one line before). The text between the tags is the text's own, line breaks kept, so it
    /// folds to the same words for the content hash.
    public static func paragraphs(_ text: String) -> String {
        // A lone CR (`&#13;` in an Atom text, old Mac files) breaks a line as LF does.
        let lines = text.replacing("\r\n", with: "\n").replacing("\r", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
        var blocks: [[Substring]] = [[]]
        for line in lines {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if !(blocks.last?.isEmpty ?? true) { blocks.append([]) }
            } else {
                blocks[blocks.count - 1].append(line)
            }
        }
        return blocks.filter { !$0.isEmpty }
            .map { "<p>" + $0.map { escaped(String($0), quotes: false) }.joined(separator: "<br>\n") + "</p>" }
            .joined(separator: "\n")
    }

    /// For a value written between double quotes. Line breaks, `~` and `|` too: a post's body is
    /// Markdown to Hexo, where a blank line inside a value ends the HTML block, and strikethrough
    /// and tables split the source at `~` and `|`, each leaving the value open, so the browser
    /// reads the next value's text as attributes (`onerror=…`).
    public static func attribute(_ value: String) -> String { escaped(value, quotes: true) }

    /// For a value a template or theme may write between single quotes as well: `'` too.
    public static func anyQuotedAttribute(_ value: String) -> String {
        let escaped = attribute(value)
        return escaped.utf8.contains(UInt8(ascii: "'")) ? escaped.replacing("'", with: "&#39;") : escaped
    }

    /// A value written back into an attribute whose value was enclosed by `quote` (0 for none):
    /// `&` as `&amp;`, the enclosing quote escaped, and, in a value without quotes, whatever would
    /// end it (a `srcset`'s spaces) as references. By bytes: a quote followed by a combining mark
    /// is one Character, and must still not end the value.
    public static func attributeValue(_ value: String, quotedBy quote: UInt8) -> [UInt8] {
        let quoted = quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'")
        var output: [UInt8] = []
        output.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "&"): output += "&amp;".utf8
            case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "="),
                 UInt8(ascii: "`"), 0x20, 0x09, 0x0A, 0x0C, 0x0D:
                if quoted && byte != quote {
                    output.append(byte)
                } else {
                    output += byte == UInt8(ascii: "\"") ? Array("&quot;".utf8) : Array("&#\(byte);".utf8)
                }
            default: output.append(byte)
            }
        }
        return output
    }

    private static func escaped(_ text: String, quotes: Bool) -> String {
        var copy = text
        let escaped = copy.withUTF8 { input -> String? in
            guard input.contains(where: { reference(for: $0, quotes: quotes) != nil }) else { return nil }
            var output: [UInt8] = []
            output.reserveCapacity(input.count + 16)
            for byte in input {
                if let reference = reference(for: byte, quotes: quotes) {
                    reference.withUTF8Buffer { output.append(contentsOf: $0) }
                } else {
                    output.append(byte)
                }
            }
            return String(decoding: output, as: UTF8.self)
        }
        return escaped ?? text
    }

    @inline(__always) private static func reference(for byte: UInt8, quotes: Bool) -> StaticString? {
        switch byte {
        case UInt8(ascii: "&"): return "&amp;"
        case UInt8(ascii: "<"): return "&lt;"
        case UInt8(ascii: ">"): return "&gt;"
        case UInt8(ascii: "\""): return quotes ? "&quot;" : nil
        case UInt8(ascii: "~"): return quotes ? "&#126;" : nil
        case UInt8(ascii: "|"): return quotes ? "&#124;" : nil
        case UInt8(ascii: "\n"): return quotes ? "&#10;" : nil
        case UInt8(ascii: "\r"): return quotes ? "&#13;" : nil
        default: return nil
        }
    }
}
