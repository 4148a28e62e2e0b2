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

    /// The byte-level rules against the same rules stated over scalars and Unicode's properties,
    /// for every kind of white space, line break and control character, alone, in runs, mixed,
    /// at either end, next to ASCII, CJK, accents and emoji.
    @Test func normalisingBytesMatchesTheRulesOverScalars() {
        let pieces = ["a", "新", "é", "e\u{301}", "👍🏽", " ", "  ", "\t", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{7}",
                      "\u{1F}", "\u{7F}", "\u{80}", "\u{85}", "\u{9F}", "\u{A0}", "\u{1680}", "\u{2000}", "\u{200A}",
                      "\u{200B}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}", "\u{FEFF}", "\u{1C}"]
        var checked = 0
        for first in pieces {
            for second in pieces {
                for third in ["", "x", "\u{3000}"] {
                    for sample in [first + second + third, "x" + first + second + "y" + third, third + first + "z" + second] {
                        #expect(TitleText.normalise(sample) == Self.normalisedByScalars(sample), "\(Array(sample.unicodeScalars))")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked == pieces.count * pieces.count * 9)
    }

    /// The rules as SPEC.md states them, scalar by scalar.
    static func normalisedByScalars(_ raw: String) -> String {
        var output = String.UnicodeScalarView(), run = String.UnicodeScalarView()
        var runHasBreak = false
        func flushRun() {
            output.append(contentsOf: runHasBreak ? " ".unicodeScalars : run)
            run = String.UnicodeScalarView()
            runHasBreak = false
        }
        for scalar in raw.unicodeScalars {
            if "\n\r\u{2028}\u{2029}\u{85}".unicodeScalars.contains(scalar) {
                runHasBreak = true
                run.append(" ")
            } else if scalar == "\t" {
                run.append(" ")
            } else if scalar.properties.isWhitespace {
                run.append(scalar)
            } else if scalar.properties.generalCategory != .control {
                flushRun()
                output.append(scalar)
            }
        }
        flushRun()
        let scalars = output
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }

    @Test func foldsLineBreakRunsTabsAndDropsControls() {
        #expect(TitleText.normalise("  One\n   two\tthree\u{7}  ") == "One two three")
        #expect(TitleText.normalise("a \r\n\t b") == "a b")
        #expect(TitleText.normalise("a  b") == "a  b")
    }
}

@Suite struct YAMLScalarTests {
    @Test(arguments: ["新浪财经", "金融", "Jane Doe", "C++", "a-b", "100%", "0b", "0x", "0bz", "0xg"])
    func plainWhenSafe(value: String) {
        #expect(YAMLScalar.plainOrQuoted(value) == value)
    }

    @Test(arguments: [
        ("yes", "'yes'"), ("NULL", "'NULL'"), ("123", "'123'"), ("1.5e3", "'1.5e3'"), ("2022-02-16", "'2022-02-16'"),
        ("- item", "'- item'"), ("a: b", "'a: b'"), ("a #b", "'a #b'"), ("ends:", "'ends:'"), (" lead", "' lead'"),
        ("'quoted", "'''quoted'"), ("&#123;x", "'&#123;x'"), ("@handle", "'@handle'"), ("", "''"), ("0x1F", "'0x1F'"),
        // Round 25: binary, and `_` after a prefix, were written bare and read back as numbers.
        ("0b101", "'0b101'"), ("-0b1_1", "'-0b1_1'"), ("0x_1F", "'0x_1F'"), ("0o1_7", "'0o1_7'"),
        // Round 26: Psych reads `1,000` as 1000; `0x_` and `0b_` fail Psych and PyYAML; `=` fails PyYAML.
        ("1,000", "'1,000'"), ("0,7", "'0,7'"), ("1,0.5", "'1,0.5'"), ("0x_", "'0x_'"), ("0b_", "'0b_'"), ("=", "'='"), ("0x1,2", "'0x1,2'"),
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
        for sample in Self.samples + Self.unicodeSamples {
            #expect(TitleText.quoted(sample) == Self.quotedByCharacter(sample), "\(Array(sample.utf8))")
        }
    }

    /// Titles beyond ASCII: every scalar `quoted` treats apart, next to combining marks, quotes and
    /// the replaced characters, plus random strings over the whole code space.
    static let unicodeSamples: [String] = {
        let special: [UInt32] = [0x85, 0x9F, 0xA0, 0xAD, 0x300, 0x2028, 0x2029, 0x201C, 0x201D, 0x2019, 0xFEFF, 0xFDD0,
                                 0xFFFE, 0xFFFF, 0xFFFD, 0x1FFFE, 0x10FFFF, 0x1F600, 0xE000, 0xD7FF, 0x4E2D]
        let scalars = special.compactMap(Unicode.Scalar.init)
        var samples = scalars.flatMap { scalar in
            ["a\(scalar)b", "\(scalar)", "'\(scalar)", "\"\(scalar)'", "\\\(scalar)", "It's \(scalar) \"x\"", ":\(scalar)"]
        }
        var random = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...12, using: &random)
            let picked = (0..<length).map { _ -> Unicode.Scalar in
                switch Int.random(in: 0..<4, using: &random) {
                case 0: return Unicode.Scalar(UInt8.random(in: 0..<0x80, using: &random))
                case 1: return scalars.randomElement(using: &random)!
                default: return Unicode.Scalar(UInt32.random(in: 0x80...0x10FFFF, using: &random)) ?? "\u{FFFD}"
                }
            }
            samples.append(String(String.UnicodeScalarView(picked)))
        }
        return samples
    }()

    /// The rule as written first, scalar by scalar: the 13 characters mapped, then what YAML
    /// cannot carry taken out, then quoted.
    static func quotedByCharacter(_ title: String) -> String {
        let scalars = title.unicodeScalars.map { TitleText.replacedScalars.contains($0) ? "_" : $0 }
        let mapped = YAMLScalar.yamlSafe(String(String.UnicodeScalarView(scalars)))
        if mapped.utf8.contains(UInt8(ascii: "'")) && !mapped.utf8.contains(UInt8(ascii: "\"")) {
            return "\"" + mapped + "\""
        }
        return "'" + YAMLScalar.doublingApostrophes(mapped) + "'"
    }

    @Test func plainSafetyByBytesEqualsFoundationsSearch() {
        for sample in Self.samples {
            let foundation = sample.contains(": ") || sample.contains(" #")
            #expect(YAMLScalar.containsColonSpaceOrSpaceHash(sample) == foundation, "\(Array(sample.utf8))")
        }
    }

    /// Beyond ASCII too the bytes decide, as YAML reads them: a space followed by a combining mark
    /// is one Character to Swift, and still `: ` to YAML, so such a value is quoted.
    @Test func plainSafetyBeyondASCIIFollowsTheBytes() {
        for (value, holds) in [("新闻: 今日", true), ("café #1", true), ("a: \u{301}b", true), ("新浪财经", false),
                               ("a:\u{A0}b", false), ("#标签", false)] {
            #expect(YAMLScalar.containsColonSpaceOrSpaceHash(value) == holds, "\(value)")
        }
        #expect(YAMLScalar.plainOrQuoted("a: \u{301}b") == "'a: \u{301}b'")
        #expect(YAMLScalar.plainOrQuoted("新浪财经") == "新浪财经")
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
