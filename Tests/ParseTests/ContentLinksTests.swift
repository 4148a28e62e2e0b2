import Parse
import Testing

@Suite struct ContentLinksTests {
    @Test func relativeSourcesAndLinksBecomeAbsolute() {
        let html = "<p><a href=\"/about?a=1&amp;b=2\">x</a><img src='pic.png' alt=\"/not-a-url\"><a href=#top>t</a></p>"
        #expect(ContentLinks.resolving(html, against: "https://example.org/posts/1") ==
            "<p><a href=\"https://example.org/about?a=1&amp;b=2\">x</a><img src='https://example.org/posts/pic.png' "
            + "alt=\"/not-a-url\"><a href=https://example.org/posts/1#top>t</a></p>")
    }

    @Test func absoluteAndSchemeURLsAreLeftByteForByte() {
        let html = "<a HREF=\"HTTPS://Example.org/A\">a</a> <a href=\"mailto:x@y\">m</a> <img src=\"\">"
        #expect(ContentLinks.resolving(html, against: "https://example.org/") == html)
        #expect(ContentLinks.resolving(html, against: nil) == html)
    }

    /// The enclosing quote is escaped wherever it stands: a combining mark after it makes one
    /// Character with it, and the value must still not end there.
    @Test func theEnclosingQuoteIsEscapedBeforeACombiningMark() {
        let html = "<a href=\"x&quot;&#x301;y&amp;z\">l</a><a href='q&#39;&#x301;'>m</a>"
        #expect(ContentLinks.resolving(html, against: "https://example.org/") ==
            "<a href=\"https://example.org/x&quot;\u{301}y&amp;z\">l</a><a href='https://example.org/q&#39;\u{301}'>m</a>")
    }
}
