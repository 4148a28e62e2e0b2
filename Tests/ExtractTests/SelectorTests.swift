import Extract
import Markup
import Parse
import Testing

@Suite struct CSSSelectorTests {
    static let page = HTMLPageReader.read(Array("""
        <html><body><div id="main" class="page wide"><article class="post"><p class="lead">Lead</p>
        <div class="body"><p>One</p><p data-role="ad">Ad</p></div></article>
        <p>Outside</p></div></body></html>
        """.utf8), url: "https://example.org/", httpCharset: "utf-8").root

    /// The text of every element the selector picks, in page order.
    func selected(_ text: String) throws -> [String] {
        let selector = try CSSSelector(text)
        var found: [String] = []
        func walk(_ element: HTMLElement, _ ancestors: [HTMLElement]) {
            if selector.matches(element, ancestors: ancestors) { found.append(element.text) }
            for child in element.elements { walk(child, ancestors + [element]) }
        }
        walk(Self.page, [])
        return found
    }

    @Test func typeClassIdAndAttribute() throws {
        #expect(try selected("p.lead") == ["Lead"])
        #expect(try selected("#main").count == 1)
        #expect(try selected("div.page.wide").count == 1)
        #expect(try selected("[data-role=ad]") == ["Ad"])
        #expect(try selected("p[data-role^=a]") == ["Ad"])
        #expect(try selected("[class~=wide]").count == 1)
    }

    @Test func descendantChildAndLists() throws {
        #expect(try selected("article p") == ["Lead", "One", "Ad"])
        #expect(try selected("article > p") == ["Lead"])
        #expect(try selected("#main > p") == ["Outside"])
        #expect(try selected(".lead, div.body > p") == ["Lead", "One", "Ad"])
    }

    @Test func mistakesAreReported() {
        for text in ["", "p..x", "[x", "a >", "p:hover", "#"] {
            #expect(throws: CSSSelector.ParseError.self, "\(text)") { try CSSSelector(text) }
        }
    }
}

@Suite struct SelectorExtractionTests {
    static let html = """
        <html><body><nav>Menu</nav><div class="story"><p>First paragraph of the story.</p>
        <div class="inline-promo">Subscribe now</div><script>var tracking = 1;</script><p>Second <a href="/more">paragraph</a>.</p>
        <img src="pics/a.jpg"></div><div class="story"><p>Third part.</p></div></body></html>
        """

    @Test func contentSelectorPicksEveryMatchAndRemoveDropsParts() throws {
        let root = HTMLPageReader.read(Array(Self.html.utf8), url: "https://example.org/news/1", httpCharset: nil).root
        let extractor = ArticleExtractor(contentSelector: try CSSSelector("div.story"),
                                         remove: [try CSSSelector(".inline-promo")])
        let article = try extractor.extract(root, url: "https://example.org/news/1")
        #expect(article.text == "First paragraph of the story. Second paragraph. Third part.")
        #expect(!article.html.contains("<script") && !article.html.contains("tracking"))
        #expect(article.html.contains("href=\"https://example.org/more\""))
        #expect(article.html.contains("src=\"https://example.org/news/pics/a.jpg\""))
    }

    @Test func aSelectorThatMatchesNothingIsAFailureThatNamesIt() throws {
        let root = HTMLPageReader.read(Array(Self.html.utf8), url: "https://example.org/news/1", httpCharset: nil).root
        #expect(throws: ArticleExtractor.Failure.selectorMatchedNothing("#missing")) {
            try ArticleExtractor(contentSelector: try CSSSelector("#missing")).extract(root, url: "https://example.org/")
        }
    }

    @Test func aPageOfTensOfThousandsOfSiblingsIsReadInOnePass() throws {
        let noise = String(repeating: "<nav><a href=\"/x\">x</a></nav><div class=\"ad\">buy</div>", count: 25_000)
        let html = "<html><body>" + noise + "<div class=\"post\"><p>" + String(repeating: "Words of the article, ", count: 20)
            + "</p><p>" + String(repeating: "More words, and more, ", count: 20) + "</p></div></body></html>"
        let root = HTMLPageReader.read(Array(html.utf8), url: "https://example.org/", httpCharset: "utf-8").root
        let article = try ArticleExtractor().extract(root, url: "https://example.org/")
        #expect(article.text.hasPrefix("Words of the article"))
        #expect(!article.text.contains("buy"))
    }

    @Test func theHeadlineInsideTheArticleIsLeftToTheTitle() throws {
        let html = "<html><body><div class=\"post\"><h1>The headline</h1><p>" + String(repeating: "Words of the article, ", count: 20)
            + "</p><h2>A section</h2><p>" + String(repeating: "More words, and more, ", count: 20) + "</p></div></body></html>"
        let root = HTMLPageReader.read(Array(html.utf8), url: "https://example.org/", httpCharset: "utf-8").root
        let article = try ArticleExtractor().extract(root, url: "https://example.org/")
        #expect(!article.html.contains("<h1") && !article.text.contains("The headline"))
        #expect(article.html.contains("<h2>A section</h2>"))
        let sections = html.replacingOccurrences(of: "<h2>A section</h2>", with: "<h1>A section</h1>")
        let kept = try ArticleExtractor().extract(HTMLPageReader.read(Array(sections.utf8), url: "https://example.org/",
                                                                      httpCharset: "utf-8").root, url: "https://example.org/")
        #expect(kept.html.contains("<h1>The headline</h1>") && kept.html.contains("<h1>A section</h1>"))
    }
}
