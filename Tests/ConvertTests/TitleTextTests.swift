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
