import Markup
import Testing

/// One escaper for every writer of HTML and XML (the parser's XHTML content, extraction, the
/// sanitizer): by scalar, whatever follows a special character.
@Suite struct HTMLEscapingTests {
    @Test func escapesTheSpecialCharactersEvenBeforeACombiningMark() {
        #expect(HTMLEscaping.text("a & b < c > d \"q\" 中文 <\u{301}x &\u{301}") ==
                "a &amp; b &lt; c &gt; d \"q\" 中文 &lt;\u{301}x &amp;\u{301}")
        #expect(HTMLEscaping.attribute("say \"hi\"\u{301} & <go>") == "say &quot;hi&quot;\u{301} &amp; &lt;go&gt;")
        #expect(HTMLEscaping.text("plain 中文 'x'") == "plain 中文 'x'")
        #expect(HTMLEscaping.attribute("") == "")
    }

    @Test func theExtractionWriterEscapesByScalar() {
        let paragraph = HTMLElement(name: "p", attributes: [.init(name: "title", value: "\"\u{301}")],
                                    children: [.text("1 <\u{301} 2")])
        #expect(HTMLWriter(base: nil).html(paragraph) == "<p title=\"&quot;\u{301}\">1 &lt;\u{301} 2</p>")
    }
}
