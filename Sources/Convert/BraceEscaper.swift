internal import Markup

/// Hexo runs posts through Nunjucks, which would execute `{{ }}` and `{% %}`; so every brace
/// in the document becomes a character reference. Idempotent.
enum BraceEscaper {
    static func escape(_ text: String) -> String {
        guard text.containsUTF8(UInt8(ascii: "{")) || text.containsUTF8(UInt8(ascii: "}")) else { return text }
        var escaped = BraceEscapedText(capacity: text.utf8.count + 64)
        escaped.append(text)
        return escaped.string
    }
}

/// A text built piece by piece with every brace escaped on the way in, so that a whole document
/// is copied once rather than joined and then escaped (a tenth of the conversion's time).
struct BraceEscapedText {
    private var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    mutating func append(_ pieces: String...) {
        for piece in pieces { append(piece, markdownToo: false) }
    }

    /// A body Hexo renders as Markdown: besides the braces, the backtick and square brackets.
    /// The HTML block the body opens ends at its first blank line, and Markdown reads what follows:
    /// a code span could cut a tag the sanitizer passed (`` `<a title="`<img onerror=...>`">` ``),
    /// and `[text](javascript:...)` or `[1]: javascript:...` would make links. As references they are
    /// the same text to a browser and no syntax to Markdown.
    mutating func appendMarkdownBody(_ body: String) {
        append(body, markdownToo: true)
    }

    /// By bytes: each character escaped is one ASCII byte, never part of a longer UTF-8
    /// sequence; the runs between them are copied whole.
    private mutating func append(_ piece: String, markdownToo: Bool) {
        var piece = piece
        piece.withUTF8 { input in
            // A vector search from one byte to escape to the next: most of a body has none.
            let raw = UnsafeRawBufferPointer(input)
            let (open, close) = (UInt8(ascii: "{"), UInt8(ascii: "}"))
            let others = markdownToo ? (UInt8(ascii: "`"), UInt8(ascii: "["), UInt8(ascii: "]")) : (open, open, open)
            var runStart = 0
            var index = ByteSearch.index(ofAny: open, close, others.0, others.1, others.2, in: raw, from: 0)
            while index < input.count {
                if let reference = Self.reference(for: input[index], markdownToo: markdownToo) {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
                    bytes.append(contentsOf: reference)
                    runStart = index + 1
                }
                index = ByteSearch.index(ofAny: open, close, others.0, others.1, others.2, in: raw, from: index + 1)
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart...]))
        }
    }

    @inline(__always) private static func reference(for byte: UInt8, markdownToo: Bool) -> [UInt8]? {
        switch byte {
        case UInt8(ascii: "{"): return openReference
        case UInt8(ascii: "}"): return closeReference
        case UInt8(ascii: "`") where markdownToo: return backtickReference
        case UInt8(ascii: "[") where markdownToo: return openBracketReference
        case UInt8(ascii: "]") where markdownToo: return closeBracketReference
        default: return nil
        }
    }

    private static let openReference = Array("&#123;".utf8), closeReference = Array("&#125;".utf8)
    private static let backtickReference = Array("&#96;".utf8)
    private static let openBracketReference = Array("&#91;".utf8), closeBracketReference = Array("&#93;".utf8)
}
