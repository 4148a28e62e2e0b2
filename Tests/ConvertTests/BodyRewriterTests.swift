@testable import Convert
import FeedModel
import Testing

@Suite struct BodyRewriterTests {
    let rewriter = BodyRewriter(base: "https://example.org/news/item.html", escapesUnclosedTag: true)

    @Test func makesRelativeURLsAbsoluteAndKeepsEverythingElse() {
        let html = "<p class=x>Hi <a href=\"../about\">us</a></p>\n<!-- c --><style>p{}</style>"
        #expect(rewriter.rewrite(html)
            == "<p class=x>Hi <a href=\"https://example.org/about\">us</a></p>\n<!-- c --><style>p{}</style>")
    }

    @Test func addsReferrerPolicyToImagesThatLackOne() {
        #expect(rewriter.rewrite("<img src=\"https://a/b.png\">") == "<img src=\"https://a/b.png\" referrerpolicy=\"no-referrer\">")
        #expect(rewriter.rewrite("<img src=a.png />")
            == "<img src=https://example.org/news/a.png referrerpolicy=\"no-referrer\" />")
        let already = "<img src=\"https://a/b.png\" referrerpolicy=\"origin\">"
        #expect(rewriter.rewrite(already) == already)
    }

    @Test func neverResolvesAgainstABaseThatIsNotHTTP() {
        let rewriter = BodyRewriter(base: "javascript://%0Aalert(1)//", escapesUnclosedTag: true)
        #expect(rewriter.rewrite("<a href=\"x\">a</a>") == "<a href=\"x\">a</a>")
        #expect(rewriter.rewrite("<a href=\"#top\">a</a>") == "<a href=\"#top\">a</a>")
    }

    @Test func isIdempotent() {
        let html = "<img src=x.png><a href=/y onmouseover=z>t</a><script>s</script>"
        let once = rewriter.rewrite(html)
        #expect(rewriter.rewrite(once) == once)
    }
}

@Suite struct UnclosedTagRewriteTests {
    @Test func everyLessThanOfATagLeftOpenIsEscaped() {
        let rewriter = BodyRewriter(base: nil, escapesUnclosedTag: true)
        #expect(rewriter.rewrite("<p>a</p><x <img src=x onerror=alert(1) ")
                == "<p>a</p>&lt;x &lt;img src=x onerror=alert(1) ")
        #expect(BodyRewriter(base: nil, escapesUnclosedTag: false).rewrite("<p>a</p><x <img") == "<p>a</p><x <img")
    }
}

@Suite struct SanitizedBodyTests {
    func body(_ html: String, link: String = "https://example.org/news/a.html", sanitize: Bool) -> String {
        let feed = FeedConfig(name: "demo", url: "https://example.org/feed", sanitize: sanitize)
        var item = Item(title: "t", link: link, contentHTML: html)
        item.baseURL = link
        return DocumentRenderer(feed: feed, channelTitle: "demo").body(for: item).html
    }

    @Test func sanitizeOnRemovesWhatTheAllowlistRefusesAfterTheByteRewrites() {
        #expect(body("<p onclick=x>a</p><script>s()</script><img src=b.png>", sanitize: true)
                == "<p>a</p><img src=\"https://example.org/news/b.png\" referrerpolicy=\"no-referrer\">")
    }

    @Test func sanitizeOffKeepsTheBodyAsItIsApartFromTheByteRewrites() {
        #expect(body("<p onclick=x>a</p><script>s()</script>", sanitize: false) == "<p onclick=x>a</p><script>s()</script>")
    }

    @Test func aLinkRelativeToAJavaScriptItemLinkStaysRelative() {
        let html = "<a href=\"x\">a</a>"
        #expect(body(html, link: "javascript://%0Aalert(1)//", sanitize: true) == html)
        #expect(body(html, link: "javascript://%0Aalert(1)//", sanitize: false) == html)
    }
}
