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

    /// For a document that claims UTF-8 (or nothing) but is not valid UTF-8, the encoding it is
    /// most likely in: Chinese feeds that send GBK under a UTF-8 label are the common case.
    static func fallback(for bytes: [UInt8]) -> String? {
        guard String(validating: bytes, as: UTF8.self) == nil else { return nil }
        return isStructurallyGB18030(bytes) ? "GB18030" : "WINDOWS-1252"
    }

    /// True when every byte sequence fits GB18030's one-, two- or four-byte forms.
    static func isStructurallyGB18030(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 { index += 1; continue }
            guard (0x81...0xFE).contains(lead), index + 1 < bytes.count else { return false }
            let second = bytes[index + 1]
            if (0x40...0x7E).contains(second) || (0x80...0xFE).contains(second) {
                index += 2
            } else if (0x30...0x39).contains(second), index + 3 < bytes.count,
                      (0x81...0xFE).contains(bytes[index + 2]), (0x30...0x39).contains(bytes[index + 3]) {
                index += 4
            } else {
                return false
            }
        }
        return true
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
