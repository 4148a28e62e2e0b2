/// Decides which encoding libxml2 should read a document in: the byte order mark first,
/// then the HTTP charset, then the document's own declaration (libxml2's default).
enum CharsetDetector {
    /// An encoding name to force, or nil to let libxml2 follow the XML declaration.
    static func override(for bytes: [UInt8], httpCharset: String?) -> String? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return "UTF-8" }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return nil }  // libxml2 reads UTF-16 BOMs itself
        guard let httpCharset, !httpCharset.isEmpty else { return nil }
        return normalised(httpCharset)
    }

    /// Maps labels that libiconv spells differently; GB2312 and GBK are subsets of GB18030.
    static func normalised(_ label: String) -> String {
        switch label.lowercased() {
        case "gb2312", "gbk", "x-gbk", "cp936", "gb_2312-80": return "GB18030"
        case "big5", "big5-hkscs", "x-big5": return "BIG5-HKSCS"
        case "latin1", "iso-8859-1", "us-ascii": return "WINDOWS-1252"
        case "utf8": return "UTF-8"
        default: return label
        }
    }

    /// Encodings to retry with when a document is not the UTF-8 it claims to be: Chinese feeds
    /// that declare UTF-8 but send GBK are the common case, Latin-1 the next.
    static func fallbacks(for bytes: [UInt8]) -> [String] {
        guard String(validating: bytes, as: UTF8.self) == nil else { return [] }
        return ["GB18030", "WINDOWS-1252"]
    }

    /// The encoding named in the XML declaration, lower-cased, if any.
    static func declared(in bytes: [UInt8]) -> String? {
        let head = String(decoding: bytes.prefix(200), as: UTF8.self)
        guard head.hasPrefix("<?xml") || head.dropFirst().hasPrefix("<?xml"),
              let end = head.firstRange(of: "?>"),
              let start = head[..<end.lowerBound].firstRange(of: "encoding=") else { return nil }
        let rest = head[start.upperBound..<end.lowerBound]
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return rest.dropFirst().prefix(while: { $0 != quote }).lowercased()
    }
}
