import Markup
import Testing

@Suite struct HTMLLexerTests {
    private func tokens(_ html: String) -> [HTMLToken] {
        Array(HTMLLexer(Array(html.utf8)))
    }

    @Test func everyByteBelongsToExactlyOneToken() {
        let html = "a<p class=\"x\">b &amp; c</p><!-- note --><img src=x.png/>< not a tag <br"
        var covered = 0
        for token in tokens(html) {
            switch token {
            case .text(let range), .other(let range), .endTag(_, let range), .unclosedTag(let range):
                covered += range.count
            case .startTag(let tag): covered += tag.range.count
            }
        }
        #expect(covered == html.utf8.count)
    }

    @Test func readsAttributesInEveryQuotingStyle() throws {
        guard case .startTag(let tag) = try #require(tokens("<IMG Src='a.png' alt=\"b\" width=3 hidden>").first) else {
            Issue.record("expected a start tag"); return
        }
        #expect(tag.name == "img")
        #expect(tag.attributes.map(\.name) == ["src", "alt", "width", "hidden"])
        #expect(tag.attributes[3].valueRange == nil)
    }

    @Test func scriptContentIsOneTextTokenEvenWithTagsInside() {
        let html = "<script>if (a < b) { document.write('<p>') }</script>after"
        let kinds = tokens(html).map { token -> String in
            switch token {
            case .startTag(let tag): return "start:\(tag.name)"
            case .endTag(let name, _): return "end:\(name)"
            case .text: return "text"
            case .other: return "other"
            case .unclosedTag: return "unclosed"
            }
        }
        #expect(kinds == ["start:script", "text", "end:script", "text"])
    }

    @Test func anUnterminatedTagRunsToTheEndAsOneToken() {
        #expect(tokens("a <b") == [.text(0..<2), .unclosedTag(2..<4)])
        #expect(tokens("a < b") == [.text(0..<2), .text(2..<5)])
    }
}

@Suite struct EntityDecoderTests {
    let decoder = EntityDecoder { $0 == "nbsp" ? "\u{A0}" : EntityDecoder.xml.decode("&\($0);").unicodeScalars.first.flatMap { $0 == "&" ? nil : $0 } }

    @Test func decodesNumericAndNamedReferences() {
        #expect(EntityDecoder.xml.decode("a &amp; b &#60; &#x3E; &quot;") == "a & b < > \"")
        #expect(decoder.decode("x&nbsp;y") == "x\u{A0}y")
    }

    @Test func leavesUnknownAndBrokenReferencesAsWritten() {
        #expect(EntityDecoder.xml.decode("AT&T &bogus; &#xZZ; & done") == "AT&T &bogus; &#xZZ; & done")
    }

    @Test func invalidCodePointsBecomeReplacementCharacter() {
        #expect(EntityDecoder.xml.decode("&#xD800;&#0;") == "\u{FFFD}\u{FFFD}")
    }
}

@Suite struct HTMLTextTests {
    let text = HTMLText(decoder: .xml)

    @Test func removesTagsCommentsScriptsAndStyles() {
        let html = "<p>One &amp; two</p><!-- hidden --><style>.a{}</style><script>x()</script><b>three</b>"
        #expect(text.text(of: html) == "One & twothree")
    }

    @Test func findsFirstNonEmptyImageSource() {
        let html = "<img src=\"\"><p><img alt=x src=\"/a.png?x=1&amp;y=2\"><img src=b.png>"
        #expect(text.firstImageSource(in: html) == "/a.png?x=1&y=2")
    }

    @Test func findsImageTagsInAnyCaseAndNothingInBodiesWithoutOne() {
        #expect(text.firstImageSource(in: "<P>x</P><IMG SRC='up.png'>") == "up.png")
        #expect(text.firstImageSource(in: "<p>an <image> and <imgx src=a.png> are not images</p>") == nil)
        #expect(text.firstImageSource(in: "<p>plain text, no tags at all, long enough</p>") == nil)
        // The search goes eight bytes at a time: an image at every offset around a word is found.
        for offset in 0..<20 {
            let html = String(repeating: "x", count: offset) + "<img src=\"a.png\">" + String(repeating: "y", count: 9)
            #expect(text.firstImageSource(in: html) == "a.png", "offset \(offset)")
        }
    }

    @Test func htmlDecoderKnowsHTML4Names() {
        #expect(HTMLText.html.text(of: "<p>caf&eacute; &mdash; &hellip;&nbsp;&apos;&Eacute;&bogus;</p>")
            == "caf\u{E9} \u{2014} \u{2026}\u{A0}'\u{C9}&bogus;")
        #expect(HTMLEntities.codePoints.count == 253)
    }

    @Test func textAsBytesIsTheTextsUTF8() {
        for html in ["<p>a &amp; <b>b</b></p>", "no markup &lt; here", "中文<br/>&#x4E2D;", ""] {
            #expect(HTMLText.html.textUTF8(of: html) == Array(HTMLText.html.text(of: html).utf8))
        }
    }
}

@Suite struct URLResolverTests {
    @Test(arguments: [
        ("img/a.png", "https://example.org/news/item.html", "https://example.org/news/img/a.png"),
        ("/a.png", "https://example.org/news/item.html", "https://example.org/a.png"),
        ("//cdn.example.org/a.png", "https://example.org/x", "https://cdn.example.org/a.png"),
        ("../a.png", "https://example.org/news/2022/item", "https://example.org/news/a.png"),
        ("?page=2", "https://example.org/list?page=1", "https://example.org/list?page=2"),
        ("https://other.org/a", "https://example.org/", "https://other.org/a"),
        ("mailto:a@example.org", "https://example.org/", "mailto:a@example.org"),
        ("a.png", "https://example.org", "https://example.org/a.png"),
        ("#part", "https://example.org/a?b=1#old", "https://example.org/a?b=1#part"),
        ("", "https://example.org/a?b=1#old", "https://example.org/a?b=1"),
        ("?q", "https://example.org", "https://example.org/?q"),
        ("//cdn.example.org", "http://example.org/", "http://cdn.example.org"),
        // As browsers read http(s) URLs: a backslash before the query is a slash, a URL of the
        // base's scheme without `//` is relative to it, one of the other scheme names its host.
        ("\\\\evil.example/x?a\\b", "https://example.org/d/", "https://evil.example/x?a\\b"),
        ("/\\evil.example/x", "https://example.org/d/", "https://evil.example/x"),
        ("HTTPS:/logout", "https://example.org/d/", "https://example.org/logout"),
        ("https:rel", "https://example.org/d/p", "https://example.org/d/rel"),
        ("https:javascript:x", "https://example.org/d/p", "https://example.org/d/javascript:x"),
        ("http:other.example/x", "https://example.org/", "http://other.example/x"),
        ("https:\\\\other.example/x", "https://example.org/", "https://other.example/x"),
        ("https:x", "", "https://x"),
    ])
    func resolvesAgainstBase(reference: String, base: String, expected: String) {
        #expect(URLResolver.resolve(reference, against: base) == expected)
    }
}

/// A tag the input ends inside is one token through to the end, so no input makes the lexer
/// rescan from every `<` (which was quadratic: 350 KB of `<a b` took 95 s).
@Suite struct UnclosedTagTests {
    static let runs = ["<a b", "<img src=", "<a href=\"", "</a", "<ax", "<a title='"]

    @Test(arguments: runs)
    func aRunOfUnclosedTagsIsOneToken(run: String) {
        let bytes = Array(("<p>ok</p>" + String(repeating: run, count: 250_000)).utf8)
        let tokens = Array(HTMLLexer(bytes))
        #expect(tokens.count == 4)
        #expect(tokens.last == .unclosedTag(9..<bytes.count))
    }

    @Test func aClosedTagAfterAStrayLessThanStillParses() {
        let bytes = Array("a < b <b>bold</b>".utf8)
        let names = HTMLLexer(bytes).compactMap { token -> String? in
            if case .startTag(let tag) = token { return tag.name }
            return nil
        }
        #expect(names == ["b"])
    }
}
