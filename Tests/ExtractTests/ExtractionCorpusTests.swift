import Extract
import Foundation
import Markup
import Parse
import Testing

/// The article corpus: realistic pages (a news site, a WordPress blog, a GBK-encoded Chinese
/// portal, a portal writing paragraphs as `<br>`-separated text) with navigation, sidebars,
/// ads, comments and lazy images, each beside the text a reader would call the article.
/// Extraction must find at least 95% of that text, and at most 5% of what it returns may be
/// anything else.
@Suite struct ExtractionCorpusTests {
    static let pages = ["news", "news-blocks", "blog", "sina-gbk", "portal-br", "netease"]

    static func fixture(_ name: String, _ ext: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: ext))
        return try Data(contentsOf: url)
    }

    /// Characters of the expected paragraphs found, and characters returned that belong to none.
    static func score(extracted: String, expected: [String]) -> (recall: Double, noise: Double) {
        var rest = extracted.filter { !$0.isWhitespace }
        let total = expected.reduce(0) { $0 + $1.filter { !$0.isWhitespace }.count }
        var found = 0
        for paragraph in expected {
            let compact = paragraph.filter { !$0.isWhitespace }
            if let range = rest.range(of: compact) {
                found += compact.count
                rest.removeSubrange(range)
            }
        }
        let returned = extracted.filter { !$0.isWhitespace }.count
        return (Double(found) / Double(max(total, 1)), Double(rest.count) / Double(max(returned, 1)))
    }

    @Test(arguments: pages) func findsTheArticleAndLittleElse(page: String) throws {
        let html = try Self.fixture(page, "html")
        let expected = String(decoding: try Self.fixture(page, "txt"), as: UTF8.self)
            .split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        let read = HTMLPageReader.read(Array(html), url: "https://news.example.com/2026/12/story.html", httpCharset: nil)
        let article = try ArticleExtractor().extract(read.root, url: "https://news.example.com/2026/12/story.html")
        let (recall, noise) = Self.score(extracted: article.text, expected: expected)
        print("extraction page=\(page) recall=\(recall) noise=\(noise)")
        #expect(recall >= 0.95, "\(page): \(Int(recall * 100))% of the article found; got: \(article.text)")
        #expect(noise <= 0.05, "\(page): \(Int(noise * 100))% of the result is not the article; got: \(article.text)")
    }

    @Test func theGBKPageIsReadInTheEncodingItsMetaNames() throws {
        let read = HTMLPageReader.read(Array(try Self.fixture("sina-gbk", "html")), url: "https://finance.sina.com.cn/a.shtml",
                                       httpCharset: nil)
        #expect(read.encoding == "GB18030")
        #expect(read.root.text.contains("中国人民银行召开货币政策委员会季度例会"))
    }

    @Test func lazyImagesAndRelativeLinksComeOutAbsolute() throws {
        let read = HTMLPageReader.read(Array(try Self.fixture("news", "html")), url: "https://news.example.com/2026/12/story.html",
                                       httpCharset: nil)
        let article = try ArticleExtractor().extract(read.root, url: "https://news.example.com/2026/12/story.html")
        #expect(article.html.contains("data-src=\"https://news.example.com/images/2026/12/river-park.jpg\""), "\(article.html)")
        #expect(!article.html.contains("<script"))
        #expect(!article.html.contains("Zephyr"))
    }
}

@Suite struct HTMLPageReaderTests {
    @Test func theHeaderCharsetWinsOverTheMeta() {
        let bytes = Array("<html><head><meta charset=\"utf-8\"></head><body><p>caf".utf8) + [0xE9] + Array("</p></body></html>".utf8)
        let read = HTMLPageReader.read(bytes, url: "https://example.org/", httpCharset: "iso-8859-1")
        #expect(read.encoding == "WINDOWS-1252")
        #expect(read.root.text.contains("café"))
    }

    @Test func gbkSentAsUTF8IsReadAsWhatItIs() {
        let read = HTMLPageReader.read(Self.unlabelledGBKPage(), url: "https://example.org/", httpCharset: "utf-8")
        #expect(read.encoding == "GB18030")
        #expect(read.root.text.contains("中国人民银行召开货币政策委员会季度例会"))
    }

    @Test func unlabelledGBKIsDetected() {
        let read = HTMLPageReader.read(Self.unlabelledGBKPage(), url: "https://example.org/", httpCharset: nil)
        #expect(read.encoding == "GB18030")
        #expect(read.root.text.contains("中国人民银行召开货币政策委员会季度例会"))
    }

    /// The GBK fixture's first paragraph in a page that names no charset.
    static func unlabelledGBKPage() -> [UInt8] {
        let url = Bundle.module.url(forResource: "Fixtures/sina-gbk", withExtension: "html")!
        let page = Array((try? Data(contentsOf: url)) ?? Data())
        // The paragraph between the first `<p>` and its `</p>` in the fixture, wrapped in a page.
        guard let start = page.firstRange(of: Array("<p>".utf8)), let end = page.firstRange(of: Array("</p>".utf8)) else { return [] }
        return Array("<html><body><p>".utf8) + page[start.upperBound..<end.lowerBound] + Array("</p></body></html>".utf8)
    }

    @Test func aPageNestedDeeperThanTheCopyLimitKeepsItsTextAndAHostileOneEnds() {
        let deep = String(repeating: "<div>", count: 230) + "deep text" + String(repeating: "</div>", count: 230)
        #expect(HTMLPageReader.read(Array(deep.utf8), url: "https://example.org/", httpCharset: "utf-8").root.text
            .contains("deep text"))
        // libxml2 stops reading past its own depth limit; the point is that nothing recurses 50,000 deep.
        let hostile = "<p>before</p>" + String(repeating: "<div>", count: 50_000) + "x"
        #expect(HTMLPageReader.read(Array(hostile.utf8), url: "https://example.org/", httpCharset: "utf-8").root.text
            .contains("before"))
    }
}
