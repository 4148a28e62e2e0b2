/// Decides which encoding libxml2 should read a document in: the byte order mark first,
/// then the HTTP charset, then the document's own declaration; and, when the chosen encoding
/// is UTF-8 but the bytes are not, what they most likely are instead.
enum CharsetDetector {
    /// The encoding to force on libxml2 (nil: it follows the declaration), and whether that
    /// is UTF-8 on someone's word, so the bytes may turn out not to be (see `checkingUTF8`).
    static func plan(for bytes: [UInt8], httpCharset: String?) -> (encoding: String?, claimsUTF8: Bool) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return ("UTF-8", true) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { return (nil, false) }  // libxml2 reads UTF-16 BOMs itself
        if let httpCharset, !httpCharset.isEmpty {
            let label = normalised(httpCharset)
            return (label, label == "UTF-8")
        }
        guard let declared = declared(in: bytes), declared != "utf-8", declared != "utf8" else { return (nil, true) }
        // A declared GB2312 or Big5 is read as its superset: feeds use the extra characters anyway.
        let label = normalised(declared)
        return (label.lowercased() == declared ? nil : label, false)
    }

    /// UTF-8 as claimed; a few broken bytes replaced; or, when most are not UTF-8, the likely truth.
    static func checkingUTF8(_ bytes: [UInt8], encoding: String?) -> (bytes: [UInt8], encoding: String?) {
        let check = UTF8Check(bytes)
        if check.isValid { return (bytes, encoding) }
        if check.isMostlyUTF8 { return (UTF8Check.replacingInvalid(bytes), "UTF-8") }
        // Chinese feeds that send GBK under a UTF-8 label are the common case.
        return (bytes, isStructurallyGB18030(bytes) ? "GB18030" : "WINDOWS-1252")
    }

    /// Maps labels that libiconv spells differently; GB2312 and GBK are subsets of GB18030.
    static func normalised(_ label: String) -> String {
        switch label.lowercased() {
        case "gb2312", "gbk", "x-gbk", "cp936", "gb_2312-80": return "GB18030"
        case "big5", "big5-hkscs", "x-big5": return "BIG5-HKSCS"
        case "latin1", "iso-8859-1", "us-ascii": return "WINDOWS-1252"
        case "utf8", "utf-8": return "UTF-8"
        case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "windows-31j", "cp932": return "CP932"
        case "euc-kr", "ks_c_5601-1987": return "CP949"
        default: return label
        }
    }

    /// True when every byte sequence fits GB18030's one-, two- or four-byte forms.
    static func isStructurallyGB18030(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 { index += 1; continue }
            guard (0x81...0xFE).contains(lead) else { return false }
            guard index + 1 < bytes.count else { return true }  // cut inside the last character
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
