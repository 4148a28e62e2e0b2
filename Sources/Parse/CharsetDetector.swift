/// Decides which encoding libxml2 reads a document in, by evidence: a byte order mark first; then
/// bytes that are valid UTF-8, whatever the labels say (servers default to ISO-8859-1 and
/// templates copy declarations); then the HTTP charset and the document's declaration when the
/// bytes read in them; else the universal detector, with the feed's language as a hint.
enum CharsetDetector {
    /// What to hand libxml2, and why, when the labels said something else.
    struct Plan {
        /// The encoding to force (nil: libxml2 follows the document: a UTF-16 BOM, or no label).
        var encoding: String?
        /// UTF-8 on the labels' word: libxml2 checks the bytes as it reads, and only a document it
        /// cannot finish is checked here (`checkingUTF8`), which saves a pass over every good feed.
        var claimsUTF8: Bool
        /// Bytes to read instead of the document's (UTF-32, converted to UTF-8).
        var bytes: [UInt8]?
        /// Set when the decision overrode a label: says the evidence and the labels.
        var reason: String?
        /// Bytes that are no character of `encoding`, written as U+FFFD in `bytes`.
        var replaced = 0
        /// The failures of `encoding` were weighed already (`familyDetected`): read it whatever they are.
        var damageJudged = false
    }

    /// The labels a document came with, normalised; nil where there was none.
    struct Labels {
        var http: String?
        var declared: String?
        /// As the server and the document wrote them, for the log.
        private let rawHTTP: String?, rawDeclared: String?

        init(bytes: [UInt8], httpCharset: String?) {
            rawHTTP = httpCharset.flatMap { $0.isEmpty ? nil : String($0.prefix(40)) }
            rawDeclared = CharsetDetector.declared(in: bytes).map { String($0.prefix(40)) }
            http = rawHTTP.map(CharsetDetector.normalised)
            declared = rawDeclared.map(CharsetDetector.normalised)
        }

        var all: [String] { [http, declared].compactMap { $0 } }

        /// "http ISO-8859-1, declared bogus", for the log.
        var described: String {
            [rawHTTP.map { "http \($0)" }, rawDeclared.map { "declared \($0)" }].compactMap { $0 }.joined(separator: ", ")
        }

        /// Why `encoding` was chosen, or nil when no label said otherwise.
        func reason(_ evidence: String, for encoding: String) -> String? {
            all.contains { $0 != encoding } ? "\(evidence) (\(described))" : nil
        }
    }

    static func plan(for bytes: [UInt8], httpCharset: String?) -> Plan {
        let labels = Labels(bytes: bytes, httpCharset: httpCharset)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return Plan(encoding: "UTF-8", claimsUTF8: true, reason: labels.reason("byte order mark", for: "UTF-8"))
        }
        // UTF-16 and UTF-32 are read as UTF-8, converted here: the repairs work on ASCII bytes.
        if let (encoding, skip) = wideEncoding(bytes) {
            guard let converted = LegacyDecoding.utf8(bytes.dropFirst(skip), from: encoding) else {
                return Plan(encoding: nil, claimsUTF8: false)  // broken: libxml2 reads what it can
            }
            let family = String(encoding.prefix(6))
            return Plan(encoding: "UTF-8", claimsUTF8: true, bytes: converted,
                        reason: labels.all.contains { !$0.hasPrefix(family) } ? "\(family) bytes (\(labels.described))" : nil)
        }
        if labels.all.allSatisfy({ $0 == "UTF-8" }) {
            return Plan(encoding: labels.http == nil ? nil : "UTF-8", claimsUTF8: true)
        }
        let validity = UTF8Check.validity(bytes)
        if validity.isValid { return planForValidUTF8(bytes, labels: labels, hasMultibyte: validity.hasMultibyte) }
        // Mostly UTF-8 (four characters beyond ASCII to a broken byte, which legacy CJK text never
        // is by chance) is UTF-8 whatever the labels say, as for JSON: one cut character under a
        // server's default `charset=ISO-8859-1` made a whole French feed mojibake.
        let check = UTF8Check(bytes)
        if check.isMostlyUTF8 {
            return Plan(encoding: "UTF-8", claimsUTF8: false, bytes: UTF8Check.replacingInvalid(bytes),
                        reason: labels.reason("mostly UTF-8", for: "UTF-8"))
        }
        if let plan = windowsControls(labels, bytes: bytes) { return plan }
        let readable = labels.all.filter { $0 != "UTF-8" && LegacyDecoding.decodes(bytes, as: $0) }
        if let chosen = readable.first {
            // Two labels that both read: the detector breaks the tie (KOI8-R declared, ISO-8859-1 served).
            let detected = Set(readable).count > 1 ? UniversalDetector.detect(bytes) : nil
            let encoding = detected.flatMap { readable.contains($0) ? $0 : nil } ?? chosen
            if let declared = languageReading(of: encoding, bytes: bytes) ?? scriptReading(of: encoding, bytes: bytes) {
                return Plan(encoding: declared, claimsUTF8: false, reason: "the bytes read as \(declared) (\(labels.described))")
            }
            return Plan(encoding: encoding, claimsUTF8: false, reason: labels.reason("the bytes read as \(encoding)", for: encoding))
        }
        if let label = labels.all.first(where: { $0 != "UTF-8" && readsWithFewDamaged(bytes, as: $0, check: check) }) {
            if let sibling = cleanSibling(of: label, bytes: bytes) {
                return Plan(encoding: sibling, claimsUTF8: false, reason: "the bytes read as \(sibling) (\(labels.described))")
            }
            return Plan(encoding: label, claimsUTF8: false, reason: labels.reason("the bytes read as \(label)", for: label))
        }
        if let family = familyDetected(agreeingWith: labels, bytes: bytes, check: check)
            ?? multibyteLabel(labels, bytes: bytes, check: check) {
            return Plan(encoding: family, claimsUTF8: false, reason: "the bytes read as \(family) (\(labels.described))",
                        damageJudged: true)
        }
        let guess = UniversalDetector.guess(bytes, language: UniversalDetector.languageHint(in: bytes))
        // No label read the bytes: the guess is all there is, and read in it by libxml2 the
        // document would stop at the first byte it leaves undefined (0x81 in windows-1252).
        return Plan(encoding: guess, claimsUTF8: false, reason: labels.reason("detected", for: guess), damageJudged: true)
    }

    /// A document in a legacy encoding, converted to UTF-8 here when every byte reads, with the
    /// iconv that libxml2 would convert it with chunk by chunk: it then takes the UTF-8 path,
    /// where the stream reads CDATA sections and escaped text itself (libxml2 reads those byte by
    /// byte). The plan's encoding and reason stay for the notes. A document that does not convert
    /// whole keeps its plan: libxml2 reads what it can.
    static func readingAsUTF8(_ plan: Plan, bytes: [UInt8]) -> Plan {
        guard !plan.claimsUTF8, plan.bytes == nil, let encoding = plan.encoding else { return plan }
        if let converted = LegacyDecoding.utf8(bytes[...], from: encoding) {
            return Plan(encoding: "UTF-8", claimsUTF8: true, bytes: converted, reason: plan.reason)
        }
        // A few bytes that are no character of the label (a title cut inside a character by a
        // CMS that counts bytes) are replaced: read in its label, libxml2 stops at the first of
        // them (Shift_JIS: 1 item of 30 read), and a guess read all 30 GBK items as Latin-1.
        guard let (converted, replaced) = LegacyDecoding.utf8Replacing(bytes, from: encoding),
              plan.damageJudged || isBarelyDamaged(replaced, check: UTF8Check(bytes), label: encoding, bytes: bytes)
        else { return plan }
        return Plan(encoding: "UTF-8", claimsUTF8: true, bytes: converted, reason: plan.reason, replaced: replaced)
    }

    /// Whether `bytes` read as `encoding` but for a very few bytes (`isBarelyDamaged`).
    private static func readsWithFewDamaged(_ bytes: [UInt8], as encoding: String, check: UTF8Check) -> Bool {
        guard let (text, replaced) = LegacyDecoding.utf8Replacing(bytes, from: encoding) else { return false }
        // In a feed that declares the label's language, each byte replaced may have shifted the
        // pair after it into private use: that much is damage, more is a misreading.
        let family = languageFamily(of: encoding)
        let declared = family.map { UniversalDetector.languageHint(in: bytes)?.lowercased().hasPrefix($0) == true } ?? false
        guard !LegacyDecoding.isMisread(text, as: encoding, allowing: declared ? replaced : 0) else { return false }
        return isBarelyDamaged(replaced, check: check, label: encoding, bytes: bytes)
    }

    /// How far a legacy label over an XML feed is believed past its failures (each replaced by
    /// U+FFFD). A Chinese, Japanese or Korean label whose language the feed also declares: two, or
    /// one in eight of the sequences beyond ASCII (a CMS that cuts every title at a byte count). One
    /// with no language: one in a hundred. Any other: one in two
    /// hundred, or a single failure among twenty. Latin-1 text labelled GBK fails more often than
    /// that, and its accented letters read as Chinese in pairs.
    static func isBarelyDamaged(_ replaced: Int, check: UTF8Check, label: String, bytes: [UInt8]) -> Bool {
        let sequences = check.invalid + check.multibyte
        if replaced == 1 && sequences >= 20 { return true }
        guard let family = languageFamily(of: label) else { return replaced * 200 <= sequences }
        guard let language = UniversalDetector.languageHint(in: bytes)?.lowercased() else { return replaced * 100 <= sequences }
        return language.hasPrefix(family) ? replaced <= 2 || replaced * 8 <= sequences : replaced * 200 <= sequences
    }

    /// The language a multi-byte East Asian charset is written for.
    static func languageFamily(of label: String) -> String? {
        let name = label.uppercased()
        if ["GB", "BIG5", "CP936", "CP950", "EUC-TW", "HZ"].contains(where: name.hasPrefix) { return "zh" }
        if ["SHIFT_JIS", "SJIS", "CP932", "EUC-JP", "ISO-2022-JP", "WINDOWS-31J"].contains(where: name.hasPrefix) { return "ja" }
        if ["EUC-KR", "CP949", "UHC", "ISO-2022-KR", "JOHAB"].contains(where: name.hasPrefix) { return "ko" }
        return nil
    }

    /// A label is believed over a few bytes its charset lacks (damage: two, or one in fifty of the
    /// bytes beyond ASCII), not over many (a wrong label).
    static func isFewDamaged(_ replaced: Int, check: UTF8Check) -> Bool {
        replaced <= max(2, (check.invalid + check.multibyte) / 50)
    }

    /// Valid UTF-8 under a label that says otherwise. Plain ASCII reads the same in every label but
    /// the 7-bit ones (ISO-2022-JP escapes Japanese into ASCII bytes), so it is read as UTF-8, on
    /// the fast path, and only a label no ASCII text can be in (`bogus`, UTF-16) is worth a note.
    private static func planForValidUTF8(_ bytes: [UInt8], labels: Labels, hasMultibyte: Bool) -> Plan {
        if hasMultibyte {
            return Plan(encoding: "UTF-8", claimsUTF8: true, reason: labels.reason("the bytes are valid UTF-8", for: "UTF-8"))
        }
        // Converted here: their escapes are control characters the repairs would drop.
        if let sevenBit = labels.all.first(where: { label in ["ISO-2022", "HZ", "UTF-7"].contains { label.hasPrefix($0) } }),
           let converted = LegacyDecoding.utf8(bytes[...], from: sevenBit) {
            return Plan(encoding: "UTF-8", claimsUTF8: true, bytes: converted)
        }
        let impossible = labels.all.contains { $0.hasPrefix("UTF-16") || $0.hasPrefix("UTF-32") || $0.hasPrefix("UCS")
            || !LegacyDecoding.isSupported($0) }
        return Plan(encoding: "UTF-8", claimsUTF8: true,
                    reason: impossible ? "ASCII bytes (\(labels.described))" : nil)
    }

    /// JSON is UTF-8 (RFC 8259), but a feed from a legacy system may be in its own charset: bytes
    /// that are not UTF-8 are read in the server's charset when they read in it, else in the
    /// detector's guess. It stays UTF-8, its few broken bytes replaced by `JSONRepair`, when most
    /// of it is UTF-8 (four characters beyond ASCII to a broken byte, as for XML: legacy CJK or
    /// Thai text forms UTF-8 sequences by chance, one in two), whatever the label says, or when its
    /// only broken bytes are surrogates written as UTF-8 (CESU-8, as Java and MySQL's utf8mb3
    /// write emoji, or half of one where a string was cut). A `charset=utf-8` label alone decides
    /// nothing: servers send it by default in front of Windows-1252.
    static func jsonPlan(for bytes: [UInt8], httpCharset: String?) -> Plan {
        let labels = Labels(bytes: [], httpCharset: httpCharset)
        // Text in these reads as ASCII bytes (UTF-16's NULs, ISO-2022-JP's escape sequences) that
        // pass for UTF-8: their label decides, when the bytes can be in it at all.
        if let label = labels.http, fits(bytes, notASCIICompatible: label),
           let (converted, replaced) = LegacyDecoding.utf8Replacing(bytes, from: label) {
            return Plan(encoding: label, claimsUTF8: true, bytes: converted,
                        reason: "http \(label)" + Self.replacedNote(replaced, label))
        }
        let check = UTF8Check(bytes)
        guard !check.isValid, !check.isMostlyUTF8, !UTF8Check.brokenOnlyBySurrogates(bytes) else {
            return Plan(encoding: "UTF-8", claimsUTF8: true, bytes: UTF8Check.joiningSurrogatePairs(bytes))
        }
        if let label = labels.http, label != "UTF-8", let (converted, replaced) = LegacyDecoding.utf8Replacing(bytes, from: label),
           isFewDamaged(replaced, check: check) {
            return Plan(encoding: label, claimsUTF8: true, bytes: converted,
                        reason: "the bytes are not UTF-8 (http \(label))" + Self.replacedNote(replaced, label))
        }
        let guess = UniversalDetector.guess(bytes, language: nil)
        guard let (converted, replaced) = LegacyDecoding.utf8Replacing(bytes, from: guess) else {
            return Plan(encoding: "UTF-8", claimsUTF8: true)
        }
        return Plan(encoding: guess, claimsUTF8: true, bytes: converted, reason: "the bytes are not UTF-8; detected"
                        + (labels.http.map { " (http \($0))" } ?? "") + Self.replacedNote(replaced, guess))
    }

    /// UTF-16 and UTF-32 JSON holds NULs beside its ASCII punctuation; ISO-2022 text holds escape
    /// sequences and no byte beyond ASCII. A UTF-8 feed under either label (a wrong one) has
    /// neither, and is read as UTF-8. (UTF-7 is not followed: ASCII JSON would pass for it.)
    private static func fits(_ bytes: [UInt8], notASCIICompatible label: String) -> Bool {
        if ["UTF-16", "UTF-32", "UCS-2", "UCS-4"].contains(where: { label.hasPrefix($0) }) { return bytes.contains(0) }
        if label.hasPrefix("ISO-2022") { return bytes.contains(0x1B) && !bytes.contains { $0 >= 0x80 } }
        return false
    }

    private static func replacedNote(_ replaced: Int, _ encoding: String) -> String {
        replaced == 0 ? "" : "; \(replaced) byte\(replaced == 1 ? "" : "s") not in \(encoding) replaced"
    }

    /// A UTF-8 claim the reader could not finish on: a few broken bytes replaced, or, when most are
    /// not UTF-8, what the detector says they are.
    static func checkingUTF8(_ bytes: [UInt8], encoding: String?, httpCharset: String?) -> Plan {
        let check = UTF8Check(bytes)
        if check.isValid { return Plan(encoding: encoding, claimsUTF8: false) }
        if check.isMostlyUTF8 {
            return Plan(encoding: "UTF-8", claimsUTF8: false, bytes: UTF8Check.replacingInvalid(bytes))
        }
        let guess = UniversalDetector.guess(bytes, language: UniversalDetector.languageHint(in: bytes))
        return Plan(encoding: guess, claimsUTF8: false,
                    reason: Labels(bytes: bytes, httpCharset: httpCharset).reason("detected", for: guess), damageJudged: true)
    }

    /// UTF-16 or UTF-32, from the byte order mark or the NULs around the first `<`: the iconv name,
    /// and how many bytes of mark to skip.
    private static func wideEncoding(_ bytes: [UInt8]) -> (String, Int)? {
        let head = Array(bytes.prefix(4))
        switch head {
        case [0x00, 0x00, 0xFE, 0xFF]: return ("UTF-32BE", 4)
        case [0xFF, 0xFE, 0x00, 0x00]: return ("UTF-32LE", 4)
        case [0x00, 0x00, 0x00, 0x3C]: return ("UTF-32BE", 0)
        case [0x3C, 0x00, 0x00, 0x00]: return ("UTF-32LE", 0)
        case [0x00, 0x3C, 0x00, 0x3F]: return ("UTF-16BE", 0)
        case [0x3C, 0x00, 0x3F, 0x00]: return ("UTF-16LE", 0)
        default: break
        }
        if head.starts(with: [0xFE, 0xFF]) { return ("UTF-16BE", 2) }
        if head.starts(with: [0xFF, 0xFE]) { return ("UTF-16LE", 2) }
        return nil
    }

    /// An ISO-8859 label over bytes in 0x80–0x9F: control characters in every ISO-8859 part, never
    /// text, where its Windows sibling has quotes, dashes and € (a post pasted from a word
    /// processor). Those bytes alone are read in the sibling, the rest in the label: read whole in
    /// the sibling, one dash garbled every ą and ś of an ISO-8859-2 feed. (ISO-8859-1 is read as
    /// windows-1252 always, as browsers do.)
    static func windowsControls(_ labels: Labels, bytes: [UInt8]) -> Plan? {
        let siblings = ["ISO-8859-15": "WINDOWS-1252", "ISO-8859-2": "WINDOWS-1250", "ISO-8859-7": "WINDOWS-1253",
                        "ISO-8859-9": "WINDOWS-1254", "ISO-8859-13": "WINDOWS-1257"]
        guard let label = labels.all.first(where: { siblings[$0] != nil }), let sibling = siblings[label],
              bytes.contains(where: { (0x80...0x9F).contains($0) }),
              let text = LegacyDecoding.utf8(bytes[...], from: label) else { return nil }
        // Every ISO-8859 part maps 0x80–0x9F to U+0080–U+009F, which UTF-8 writes as C2 80–C2 9F.
        let windows = (0x80...0x9F).map { LegacyDecoding.utf8([UInt8($0)][...], from: sibling) }
        var converted: [UInt8] = []
        converted.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            if text[index] == 0xC2, index + 1 < text.count, (0x80...0x9F).contains(text[index + 1]),
               let character = windows[Int(text[index + 1]) - 0x80] {
                converted += character
                index += 2
            } else {
                converted.append(text[index])
                index += 1
            }
        }
        return Plan(encoding: "UTF-8", claimsUTF8: true, bytes: converted,
                    reason: "\(label) with its 0x80–0x9F read as \(sibling) (\(labels.described))")
    }

    /// Maps labels that libiconv spells differently; GB2312 and GBK are subsets of GB18030.
    static func normalised(_ label: String) -> String {
        switch label.lowercased() {
        case "gb2312", "gbk", "x-gbk", "cp936", "gb_2312-80", "gb18030": return "GB18030"
        case "big5", "big5-hkscs", "x-big5": return "BIG5-HKSCS"
        case "latin1", "iso-8859-1", "iso8859-1", "us-ascii", "ascii", "windows-1252", "cp1252": return "WINDOWS-1252"
        case "utf8", "utf-8": return "UTF-8"
        case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "windows-31j", "cp932": return "CP932"
        case "euc-kr", "ks_c_5601-1987", "uhc", "cp949": return "CP949"
        default: return label.uppercased()
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

    /// The encoding named in the XML declaration, as written, if any.
    static func declared(in bytes: [UInt8]) -> String? {
        let head = String(decoding: bytes.prefix(200), as: UTF8.self)
        guard head.hasPrefix("<?xml") || head.dropFirst().hasPrefix("<?xml"),
              let end = head.firstRange(of: "?>"),
              let start = head[..<end.lowerBound].firstRange(of: "encoding=") else { return nil }
        let rest = head[start.upperBound..<end.lowerBound]
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix(while: { $0 != quote }))
    }
}
