/// A Chinese, Japanese or Korean label weighed against the bytes it came with (`CharsetDetector.plan`):
/// each CJK charset reads much of the others' bytes, as mojibake, and a label may be right over a
/// few failures (titles cut inside a character) or wrong with none.
extension CharsetDetector {
    /// A label believed over its failures may still be the wrong member of the right family:
    /// EUC-JP served as Shift_JIS reads in Shift_JIS but for a dozen characters. The detector's
    /// encoding of the same family wins when it reads every byte.
    static func cleanSibling(of label: String, bytes: [UInt8]) -> String? {
        guard let family = languageFamily(of: label), let detected = UniversalDetector.detect(bytes), detected != label,
              languageFamily(of: detected) == family, LegacyDecoding.decodes(bytes, as: detected) else { return nil }
        return detected
    }

    /// A Chinese, Japanese or Korean label whose failures are past what the feed's declared
    /// language allows (a GBK feed that says `en-us`, with titles cut inside characters): when
    /// the detector, asked without the language, finds the label's own family in the bytes, and
    /// that encoding fails no more than once in eight sequences, the feed is read in it. A guess
    /// led by the declared language read such a feed as Latin-1, and its stored posts were
    /// "corrected" into mojibake.
    static func familyDetected(agreeingWith labels: Labels, bytes: [UInt8], check: UTF8Check) -> String? {
        let families = Set(labels.all.compactMap(languageFamily(of:)))
        guard !families.isEmpty, let detected = UniversalDetector.detect(bytes),
              let family = languageFamily(of: detected), families.contains(family),
              let (_, replaced) = LegacyDecoding.utf8Replacing(bytes, from: detected) else { return nil }
        return replaced * 8 <= check.invalid + check.multibyte ? detected : nil
    }

    /// A CJK label whose bytes another CJK charset's also read (Big5's and EUC-KR's read in GBK,
    /// GBK's in Big5, as mojibake): the charset of the feed's declared language, when the detector
    /// finds that language's family in the bytes and they read in it.
    static func languageReading(of label: String, bytes: [UInt8]) -> String? {
        guard let labelFamily = languageFamily(of: label),
              let language = UniversalDetector.languageHint(in: bytes)?.lowercased() else { return nil }
        let hinted = UniversalDetector.encodings(for: language)
        // Simplified and traditional Chinese are one family, two charsets.
        guard let first = hinted.first, let family = languageFamily(of: first),
              family != labelFamily || (family == "zh" && first.prefix(2) != label.uppercased().prefix(2)),
              let detected = UniversalDetector.detect(bytes), languageFamily(of: detected) == family else { return nil }
        return ([detected] + hinted).first { languageFamily(of: $0) == family && LegacyDecoding.decodes(bytes, as: $0) }
    }

    /// A Latin-1 label (a server's default, a template's declaration) that reads any bytes, over
    /// a feed whose declared language Latin-1 cannot write (Russian, Greek, Polish, Chinese,
    /// Korean): the detector's answer when it is a charset of that language's script and reads
    /// the bytes. For Chinese, Japanese and Korean, whose short text the detector may not place,
    /// also the language's own charsets when the bytes beyond ASCII come in runs, as theirs do.
    static func scriptReading(of label: String, bytes: [UInt8]) -> String? {
        guard label == "WINDOWS-1252", let language = UniversalDetector.languageHint(in: bytes)?.lowercased() else { return nil }
        let hinted = UniversalDetector.encodings(for: language)
        guard let first = hinted.first else { return nil }
        let detected = UniversalDetector.detect(bytes)
        if let family = languageFamily(of: first) {
            let agreeing = detected.map { languageFamily(of: $0) == family ? [$0] : [] } ?? []
            guard !agreeing.isEmpty || isRunsOfHighBytes(bytes) else { return nil }
            return (agreeing + hinted).first { LegacyDecoding.decodes(bytes, as: $0) }
        }
        guard let script = Self.script(of: first), let detected, Self.script(of: detected) == script,
              LegacyDecoding.decodes(bytes, as: detected) else { return nil }
        return detected
    }

    /// The single-byte charsets of one script, which the detector tells apart by letter frequencies.
    private static let scripts: [[String]] = [
        ["WINDOWS-1251", "KOI8-R", "KOI8-U", "ISO-8859-5", "IBM866", "MAC-CYRILLIC", "X-MAC-CYRILLIC"],
        ["WINDOWS-1250", "ISO-8859-2"], ["WINDOWS-1253", "ISO-8859-7"], ["WINDOWS-1254", "ISO-8859-9"],
        ["WINDOWS-1255", "ISO-8859-8"], ["WINDOWS-1256", "ISO-8859-6"], ["CP874", "TIS-620", "ISO-8859-11"],
        ["WINDOWS-1258"],
    ]

    private static func script(of encoding: String) -> Int? {
        scripts.firstIndex { $0.contains(encoding) }
    }

    /// A CJK label on a feed too short for the detector (two titles cut inside a character, the
    /// detector says Windows-1252) that declares no language or English (a template's default):
    /// believed when its bytes beyond ASCII come in runs, as a multi-byte charset's do and Latin
    /// text's accents do not, and it fails no more than once in eight sequences.
    static func multibyteLabel(_ labels: Labels, bytes: [UInt8], check: UTF8Check) -> String? {
        let language = UniversalDetector.languageHint(in: bytes)?.lowercased()
        guard language.map({ $0.hasPrefix("en") }) ?? true, isRunsOfHighBytes(bytes),
              let label = labels.all.first(where: { languageFamily(of: $0) != nil }),
              let (_, replaced) = LegacyDecoding.utf8Replacing(bytes, from: label),
              replaced * 8 <= check.invalid + check.multibyte else { return nil }
        return label
    }

    /// Nine in ten bytes beyond ASCII have another beside them, among at least eight.
    static func isRunsOfHighBytes(_ bytes: [UInt8]) -> Bool {
        var high = 0, paired = 0
        for index in bytes.indices where bytes[index] >= 0x80 {
            high += 1
            if (index > 0 && bytes[index - 1] >= 0x80) || (index + 1 < bytes.count && bytes[index + 1] >= 0x80) { paired += 1 }
        }
        return high >= 8 && paired * 10 >= high * 9
    }
}
