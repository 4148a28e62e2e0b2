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
        for piece in pieces { append(piece) }
    }

    /// By bytes: a brace is one ASCII byte, never part of a longer UTF-8 sequence; the runs
    /// between braces are copied whole.
    private mutating func append(_ piece: String) {
        var piece = piece
        piece.withUTF8 { input in
            var runStart = 0
            for (index, byte) in input.enumerated() where byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}") {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
                bytes.append(contentsOf: byte == UInt8(ascii: "{") ? Self.openReference : Self.closeReference)
                runStart = index + 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart...]))
        }
    }

    private static let openReference = Array("&#123;".utf8), closeReference = Array("&#125;".utf8)
}
