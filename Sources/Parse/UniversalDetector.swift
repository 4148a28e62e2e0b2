internal import CUchardet

/// Guesses the encoding of bytes that carry no usable label, with Mozilla's universal charset
/// detector (uchardet), and the feed's language when the detector has no answer or a doubtful one.
enum UniversalDetector {
    /// More than enough text for the detector: it settles within a few kilobytes of non-ASCII.
    static let sampleSize = 256 << 10

    /// The encoding to read `bytes` in; always one iconv can read them in, WINDOWS-1252 at worst
    /// (every byte but five is a character there: the reader replaces the rest).
    static func guess(_ bytes: [UInt8], language: String?) -> String {
        let language = language?.lowercased()
        if let detected = detect(bytes), LegacyDecoding.decodes(bytes, as: detected) {
            // Short Chinese text is sometimes called a single-byte encoding; Chinese feeds are the
            // common case, and GB18030's structure is strong evidence when the feed says it is Chinese.
            if language?.hasPrefix("zh") == true, !isCJK(detected), CharsetDetector.isStructurallyGB18030(bytes) {
                return "GB18030"
            }
            return detected
        }
        for hinted in encodings(for: language) where LegacyDecoding.decodes(bytes, as: hinted) { return hinted }
        return CharsetDetector.isStructurallyGB18030(bytes) ? "GB18030" : "WINDOWS-1252"
    }

    /// uchardet's answer, in the spelling we hand libxml2; nil for none, ASCII or UTF-8.
    static func detect(_ bytes: [UInt8]) -> String? {
        guard let detector = uchardet_new() else { return nil }
        defer { uchardet_delete(detector) }
        let sample = bytes.prefix(sampleSize)
        let handled = sample.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { uchardet_handle_data(detector, $0.baseAddress, $0.count) }
        }
        guard handled == 0 else { return nil }
        uchardet_data_end(detector)
        guard let name = uchardet_get_charset(detector) else { return nil }
        let label = String(cString: name)
        guard !label.isEmpty, label != "ASCII", label.uppercased() != "UTF-8" else { return nil }
        return CharsetDetector.normalised(label)
    }

    private static func isCJK(_ encoding: String) -> Bool {
        ["GB18030", "BIG5-HKSCS", "CP932", "EUC-JP", "CP949", "EUC-KR", "EUC-TW", "ISO-2022-JP", "HZ-GB-2312"]
            .contains(encoding.uppercased())
    }

    /// The legacy encodings a language was most often written in, most likely first.
    static func encodings(for language: String?) -> [String] {
        guard let language else { return [] }
        let primary = language.prefix { $0 != "-" && $0 != "_" }
        switch primary {
        case "zh": return ["tw", "hk", "hant", "mo"].contains { language.hasSuffix($0) } ? ["BIG5-HKSCS", "GB18030"] : ["GB18030", "BIG5-HKSCS"]
        case "ja": return ["CP932", "EUC-JP"]
        case "ko": return ["CP949"]
        case "ru", "uk", "be", "bg", "sr", "mk": return ["WINDOWS-1251", "KOI8-R"]
        case "pl", "cs", "sk", "hu", "ro", "hr", "sl": return ["WINDOWS-1250"]
        case "el": return ["WINDOWS-1253"]
        case "tr": return ["WINDOWS-1254"]
        case "he": return ["WINDOWS-1255"]
        case "ar", "fa": return ["WINDOWS-1256"]
        case "th": return ["CP874"]
        case "vi": return ["WINDOWS-1258"]
        default: return []
        }
    }

    /// The language a document names for itself (RSS `<language>`, `dc:language`, `xml:lang`),
    /// read from its first bytes, which are ASCII in every encoding the detector is for.
    static func languageHint(in bytes: [UInt8]) -> String? {
        let head = String(decoding: bytes.prefix(4096), as: UTF8.self)
        for marker in ["language>", "xml:lang=\"", "xml:lang='"] {
            guard let start = head.firstRange(of: marker) else { continue }
            let value = head[start.upperBound...].prefix { $0.isLetter || $0 == "-" || $0 == "_" }
            if !value.isEmpty, value.allSatisfy(\.isASCII) { return String(value) }
        }
        return nil
    }
}
