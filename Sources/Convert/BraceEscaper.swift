internal import Markup

/// Hexo runs posts through Nunjucks, which would execute `{{ }}` and `{% %}`; so every brace
/// in the document becomes a character reference. Idempotent.
enum BraceEscaper {
    static func escape(_ text: String) -> String {
        guard text.containsUTF8(UInt8(ascii: "{")) || text.containsUTF8(UInt8(ascii: "}")) else { return text }
        var output = ""
        output.reserveCapacity(text.utf8.count + 64)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "{": output += "&#123;"
            case "}": output += "&#125;"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
