@testable import Convert
import FeedModel
import Foundation
import Testing

@Suite struct DocumentRendererTests {
    let feed = FeedConfig(name: "demo", url: "https://example.org/feed")
    let date = Timestamp(year: 2022, month: 2, day: 16, hour: 23, minute: 50, second: 43)!

    private func item(title: String = "Hello", body: String = "<p>Body</p>") -> Item {
        var item = Item(title: title, link: "https://example.org/a", published: date, contentHTML: body)
        item.baseURL = item.link
        return item
    }

    @Test func formatsDatesAsRFC1123InUTC() {
        #expect(HTTPDate.format(date) == "Wed, 16 Feb 2022 23:50:43 GMT")
        #expect(HTTPDate.format(Timestamp(year: 2022, month: 1, day: 6, hour: 0, minute: 1, second: 41)!)
            == "Thu, 06 Jan 2022 00:01:41 GMT")
        #expect(HTTPDate.format(Timestamp(secondsSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }

    @Test func followsTheGrammarWithoutAnImage() {
        let document = DocumentRenderer(feed: feed, channelTitle: "Demo News").render(item(), firstSeen: date)
        let expected = "\n---\ntitle: 'Hello'\ncategories: \n - Demo News\nauthor: Demo News\ncomments: false\n"
            + "date: Wed, 16 Feb 2022 23:50:43 GMT\n---\n\n<div>   \n<p>Body</p>  \n</div>\n            "
        #expect(document.text == expected)
    }

    /// Round 25: an author of nothing YAML keeps (a byte order mark) was chosen over the channel
    /// title, then written `author: ''`.
    @Test func anAuthorOfNothingWritableFallsBackToTheChannelTitle() {
        var bom = item()
        bom.author = "\u{FEFF}"
        #expect(DocumentRenderer(feed: feed, channelTitle: "Demo News").render(bom, firstSeen: date).text.contains("\nauthor: Demo News\n"))
        bom.author = "Jane\u{FEFF}"
        #expect(DocumentRenderer(feed: feed, channelTitle: "Demo News").render(bom, firstSeen: date).text.contains("\nauthor: 'Jane'\n"))
    }

    @Test func choosesImagesInSpecOrder() {
        var configured = feed
        configured.image = "https://example.org/feed.png"
        var withMedia = item()
        withMedia.mediaImage = "https://example.org/thumb.png"
        let renderer = DocumentRenderer(feed: configured, channelTitle: "x", defaultImage: "https://example.org/d.png")
        #expect(renderer.image(for: withMedia) == "https://example.org/thumb.png")
        withMedia.bodyImage = "https://example.org/body.png"
        #expect(renderer.image(for: withMedia) == "https://example.org/body.png")
        #expect(renderer.image(for: item()) == "https://example.org/feed.png")
        #expect(DocumentRenderer(feed: feed, channelTitle: "x", defaultImage: "https://d/x.png").image(for: item())
            == "https://d/x.png")
    }

    @Test func escapesEveryBraceIncludingFrontMatter() {
        var configured = feed
        configured.author = "{{ site }}"
        let document = DocumentRenderer(feed: configured, channelTitle: "x")
            .render(item(title: "{% raw %}", body: "<p>{{ x }}</p>"), firstSeen: date)
        #expect(!document.text.contains("{") && !document.text.contains("}"))
        #expect(document.text.contains("title: '&#123;% raw %&#125;'"))
        #expect(document.text.contains("author: '&#123;&#123; site &#125;&#125;'"))
    }

    @Test func usesConfiguredCategoriesThenItemCategoriesWhenAsked() {
        var configured = feed
        configured.categories = ["金融", "", "新浪财经"]
        var tagged = item()
        tagged.categories = ["markets", "金融"]
        #expect(DocumentRenderer(feed: configured, channelTitle: "x").categories(for: tagged) == ["金融", "新浪财经"])
        configured.itemCategories = true
        #expect(DocumentRenderer(feed: configured, channelTitle: "x").categories(for: tagged) == ["金融", "新浪财经", "markets"])
    }

    @Test func datesUndatedItemsWithFirstSeen() {
        var undated = item()
        undated.published = nil
        let seen = Timestamp(secondsSince1970: 1_700_000_000)
        let document = DocumentRenderer(feed: feed, channelTitle: "x").render(undated, firstSeen: seen)
        #expect(document.text.contains("date: Tue, 14 Nov 2023 22:13:20 GMT"))
    }
}

@Suite struct ContentHashTests {
    @Test func ignoresWhiteSpaceDifferencesInTheBody() {
        #expect(ContentHash.compute(title: "T", bodyText: " a \n\n b\u{3000}c ")
            == ContentHash.compute(title: "T", bodyText: "a b c"))
    }

    @Test func changesWhenTitleOrTextChanges() {
        let base = ContentHash.compute(title: "T", bodyText: "a")
        #expect(base != ContentHash.compute(title: "T2", bodyText: "a"))
        #expect(base != ContentHash.compute(title: "T", bodyText: "b"))
        #expect(base.count == 64 && base.allSatisfy(\.isHexDigit))
    }

    @Test func normalisesTheBodyToNFC() {
        #expect(ContentHash.compute(title: "T", bodyText: "e\u{301}") == ContentHash.compute(title: "T", bodyText: "\u{E9}"))
    }

    @Test func readsTheBodyTextFromItsHTML() {
        // Tags and comments go, script and style contents are skipped, entities are decoded
        // (&nbsp; is U+00A0, white space that folds like any other).
        let html = "<p>Escaped &amp; <b>HTML</b></p><!-- c --><script>x()</script>\n<p>caf&eacute;&nbsp; end</p>"
        #expect(ContentHash.compute(title: "T", bodyHTML: html) == ContentHash.compute(title: "T", bodyText: "Escaped & HTML café end"))
        #expect(ContentHash.compute(title: "T", bodyHTML: "a &lt; b") == ContentHash.compute(title: "T", bodyText: "a < b"))
    }

    @Test func foldsExactlyUnicodeWhiteSpace() {
        // White_Space has no member above U+3000; every scalar up to U+FFFF is asked.
        for value in UInt32(0)...0xFFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let folded = String(decoding: ContentHash.fold(Array("a\(scalar)b".utf8)), as: UTF8.self)
            #expect((folded == "a b") == scalar.properties.isWhitespace, "U+\(String(value, radix: 16))")
        }
    }

    @Test func leavesTextBelowU0300AsNFCWithoutAsking() {
        // The shortcut in `canonicallyComposed` must agree with the full normalisation.
        for value in UInt32(0x20)..<0x300 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = "A\(scalar)e\(scalar)"
            #expect(ContentHash.canonicallyComposed(Array(text.utf8)) == Array(text.precomposedStringWithCanonicalMapping.utf8))
        }
        #expect(ContentHash.canonicallyComposed(Array("e\u{301}".utf8)) == Array("\u{E9}".utf8))
    }

    /// Long runs of combining marks are put in canonical order before Foundation normalises them
    /// (it orders them in quadratic time, and past about 60 marks not as NFC does: Python's
    /// unicodedata and the standard library's own normaliser agree with each other, not with it).
    /// The result must be NFC, as the standard library makes it: marks that compose with the
    /// letter before them included, and the marks of a precomposed letter's decomposition.
    @Test func longRunsOfMarksNormaliseAsFoundationDoes() {
        let marks: [String] = ["\u{301}", "\u{316}", "\u{308}", "\u{327}", "\u{344}", "\u{340}", "\u{5B0}", "\u{3099}"]
        var generator = SystemRandomNumberGenerator()
        for base in ["a", "\u{1E09}", "\u{304B}", "\u{1100}", "\u{E9}"] {
            for length in [31, 40, 97] {
                let run = (0..<length).map { _ in marks.randomElement(using: &generator)! }.joined()
                let text = base + run + "o\u{302}" + run
                #expect(ContentHash.canonicallyComposed(Array(text.utf8)) == text._nfcCodeUnits,
                        "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
    }

    /// Normalised piece by piece (Foundation's normalisation is quadratic in a text's length):
    /// the pieces' NFC must be the whole text's, whatever falls at their edges.
    @Test func composingPieceByPieceIsComposingTheWhole() {
        let parts = ["e\u{301}", "cafe\u{301} ", "\u{1100}\u{1161}", "\u{1100}\u{1161}\u{11A8}", "\u{AC00}\u{11A8}",
                     "a\u{316}\u{301}", "\u{E9}", " ", "x", "\u{0F73}", "\u{1E09}\u{302}", "o\u{308}\u{304}", "\u{304B}\u{3099}"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let text = (0..<6_000).map { _ in parts.randomElement(using: &generator)! }.joined()
            #expect(ContentHash.canonicallyComposed(Array(text.utf8)) == Array(text.precomposedStringWithCanonicalMapping.utf8))
        }
    }

    @Test func theRangesTakenAsComposedAreNFCWithCombiningClassZero() {
        for range in ContentHash.composedRanges {
            for value in range {
                let scalar = Unicode.Scalar(value)!
                #expect(scalar.properties.canonicalCombiningClass == .notReordered, "U+\(String(value, radix: 16))")
                let text = "\(scalar)\(scalar)e"
                #expect(text.precomposedStringWithCanonicalMapping.unicodeScalars.elementsEqual(text.unicodeScalars),
                        "U+\(String(value, radix: 16))")
            }
        }
        #expect(ContentHash.isComposed(Array("中文，“引号”……　全角！abc é".utf8)))
        #expect(!ContentHash.isComposed(Array("\u{2000}".utf8)))  // a singleton: NFC makes it U+2002
        #expect(!ContentHash.isComposed(Array("か\u{3099}".utf8)))  // composes to が
    }

    @Test func matchesAnIndependentSHA256() {
        // sha256("T\na b") computed with coreutils' sha256sum.
        #expect(ContentHash.compute(title: "T", bodyText: "a   b")
            == "4330304fff0c31e1b1531c511b9bc15c035fb0bcf140f4590fd5735ac2bdd38b")
    }
}

@Suite struct HeaderImageTests {
    @Test(arguments: ["javascript:alert(1)", "data:image/png;base64,AAAA", "https://x.example/a\".png",
                      "https://x.example/a'onerror='x", "https://x.example/a b.png", "https://x.example/a\n---\nb",
                      "ftp://x.example/a.png", "https://", "//x.example/a.png", "https://x.example/a).png"])
    func anImageThatIsNotAPlainWebURLGivesWayToTheNext(hostile: String) {
        #expect(!DocumentRenderer.isPlainWebURL(hostile))
    }

    /// `O'Brien.jpg`, a raw space in a file name: the image is kept, percent-encoded, not skipped.
    @Test func aHeaderImageWithAQuoteOrSpaceIsKeptPercentEncoded() {
        #expect(DocumentRenderer.headerImage("https://x.example/O'Brien.jpg") == "https://x.example/O%27Brien.jpg")
        #expect(DocumentRenderer.headerImage("https://x.example/a b (1).png") == "https://x.example/a%20b%20%281%29.png")
        #expect(DocumentRenderer.headerImage("https://x.example/a'onerror='x") == "https://x.example/a%27onerror=%27x")
        #expect(DocumentRenderer.headerImage("https://x.example/a\"><script>") == "https://x.example/a%22%3E%3Cscript%3E")
        // Round 34: white space and controls beyond ASCII are encoded too (YAML made a line break a space).
        #expect(DocumentRenderer.headerImage("https://x.example/a\u{2028}b\u{A0}c\u{202E}.png")
            == "https://x.example/a%E2%80%A8b%C2%A0c%E2%80%AE.png")
        for hostile in ["javascript:alert(1)", "https://x.example/a\n---\nb", "https:// ", "//x.example/a b.png"] {
            #expect(DocumentRenderer.headerImage(hostile) == nil, "\(hostile)")
        }
    }

    @Test func plainWebURLsAreKept() {
        #expect(DocumentRenderer.isPlainWebURL("https://n.sinaimg.cn/finance/a%20b.jpg?x=1&y=2#f"))
        #expect(DocumentRenderer.isPlainWebURL("HTTP://example.org/a.png"))
    }
}

@Suite struct SourceSetTests {
    private func absolute(_ value: String) -> String {
        SourceSet.resolving(value) { $0.hasPrefix("http") || $0.hasPrefix("data:") ? $0 : "http://h/" + $0 }
    }

    @Test func eachCandidatesURLIsResolvedAndTheRestKept() {
        #expect(absolute("a.jpg 1x, b.jpg 2x") == "http://h/a.jpg 1x, http://h/b.jpg 2x")
        #expect(absolute("a.jpg, b.jpg 640w") == "http://h/a.jpg, http://h/b.jpg 640w")
        #expect(absolute(" a.jpg?x=1,2 1x ,b.jpg") == " http://h/a.jpg?x=1,2 1x ,http://h/b.jpg")
        #expect(absolute("http://o/a.jpg 2x, data:image/png;base64,AAA= 1x") == "http://o/a.jpg 2x, data:image/png;base64,AAA= 1x")
        #expect(absolute("") == "" && absolute(" , ") == " , ")
    }
}
