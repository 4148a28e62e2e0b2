@testable import Convert
import Testing

@Suite struct TitleTextTests {
    @Test func mapsTheThirteenCharactersToUnderscore() {
        #expect(TitleText.quoted("抓实对“一把手”和领导班子监督") == "'抓实对_一把手_和领导班子监督'")
        #expect(TitleText.quoted("a:b/c\\d?e*f<g>h|i[j]k") == "'a_b_c_d_e_f_g_h_i_j_k'")
    }

    @Test func quotesWithDoubleQuotesWhenOnlyApostrophesAppear() {
        #expect(TitleText.quoted("It's here") == "\"It's here\"")
        #expect(TitleText.quoted("It's \"here\"") == "'It''s \"here\"'")
        #expect(TitleText.quoted("") == "''")
    }

    @Test func foldsLineBreakRunsTabsAndDropsControls() {
        #expect(TitleText.normalise("  One\n   two\tthree\u{7}  ") == "One two three")
        #expect(TitleText.normalise("a \r\n\t b") == "a b")
        #expect(TitleText.normalise("a  b") == "a  b")
    }
}

@Suite struct YAMLScalarTests {
    @Test(arguments: ["新浪财经", "金融", "Jane Doe", "C++", "a-b", "100%"])
    func plainWhenSafe(value: String) {
        #expect(YAMLScalar.plainOrQuoted(value) == value)
    }

    @Test(arguments: [
        ("yes", "'yes'"), ("NULL", "'NULL'"), ("123", "'123'"), ("1.5e3", "'1.5e3'"), ("2022-02-16", "'2022-02-16'"),
        ("- item", "'- item'"), ("a: b", "'a: b'"), ("a #b", "'a #b'"), ("ends:", "'ends:'"), (" lead", "' lead'"),
        ("'quoted", "'''quoted'"), ("&#123;x", "'&#123;x'"), ("@handle", "'@handle'"), ("", "''"), ("0x1F", "'0x1F'"),
    ])
    func quotedWhenPlainWouldChangeMeaning(value: String, expected: String) {
        #expect(YAMLScalar.plainOrQuoted(value) == expected)
    }
}

/// The ASCII fast paths must answer exactly as the general, Unicode-aware ones.
@Suite struct ASCIIFastPathTests {
    /// Every ASCII character, between letters and at the edges, alone and doubled.
    static let samples: [String] = (0..<128).flatMap { value -> [String] in
        let character = String(UnicodeScalar(UInt8(value)))
        return ["a\(character)b", character, "\(character)\(character) x", "x \(character)", "It's\(character)"]
    } + ["It's \"here\"", "'''", "\"", "a: b # c", "x:y", "tab\there", ""]

    @Test func normaliseKeepsUnicodesWhiteSpaceAndControlRules() {
        for value in 0..<128 {
            let scalar = UnicodeScalar(UInt8(value))
            let normalised = TitleText.normalise("a\(scalar)b")
            let expected: String
            if "\n\r\t".unicodeScalars.contains(scalar) || scalar.properties.isWhitespace {
                expected = "\n\r".unicodeScalars.contains(scalar) || scalar == "\t" ? "a b" : "a\(scalar)b"
            } else if scalar.properties.generalCategory == .control {
                expected = "ab"
            } else {
                expected = "a\(scalar)b"
            }
            #expect(normalised == expected, "U+\(String(value, radix: 16))")
        }
    }

    @Test func quotingByBytesEqualsQuotingByCharacter() {
        for sample in Self.samples {
            #expect(TitleText.quotedASCII(sample) == TitleText.quotedByCharacter(sample), "\(Array(sample.utf8))")
        }
        #expect(TitleText.quotedASCII("café") == nil)
    }

    @Test func plainSafetyByBytesEqualsFoundationsSearch() {
        for sample in Self.samples {
            let foundation = sample.contains(": ") || sample.contains(" #")
            #expect(YAMLScalar.containsColonSpaceOrSpaceHash(sample) == foundation, "\(Array(sample.utf8))")
        }
    }

    /// Every ASCII sample, plus C1 controls (U+0080…U+009F) and other non-ASCII text, which the
    /// byte check hands on to the scalar properties.
    @Test func controlCharactersByBytesEqualScalarProperties() {
        let nonASCII = ["café", "新浪\u{85}财经", "a\u{9F}", "\u{80}", "é\u{7F}", "\u{A0}x", "👍🏽"]
        for sample in Self.samples + nonASCII {
            let general = sample.unicodeScalars.contains { $0.properties.generalCategory == .control }
            #expect(YAMLScalar.containsControl(sample) == general, "\(Array(sample.utf8))")
        }
    }
}
