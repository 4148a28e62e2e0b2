internal import Markup

/// Hexo runs posts through Nunjucks, which would execute `{{ }}` and `{% %}`; so every brace
/// in the document becomes a character reference. Idempotent.
enum BraceEscaper {
    static func escape(_ text: String) -> String {
        guard text.containsUTF8(UInt8(ascii: "{")) || text.containsUTF8(UInt8(ascii: "}")) else { return text }
        // By bytes: a brace is one ASCII byte, never part of a longer UTF-8 sequence. (Appending
        // scalar by scalar was 4% of a cold pass on the realistic farm, where code and CSS abound.)
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + 64)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "{"): output.append(contentsOf: "&#123;".utf8)
            case UInt8(ascii: "}"): output.append(contentsOf: "&#125;".utf8)
            default: output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
