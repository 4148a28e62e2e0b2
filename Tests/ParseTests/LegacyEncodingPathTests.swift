import FeedModel
import Parse
import Testing

/// A document in a legacy encoding is converted to UTF-8 before the repairs and the stream see
/// it: byte-wise scans of GBK would take a character's second byte for ASCII.
@Suite struct LegacyEncodingPathTests {
    /// 乚 is `81 5D` in GBK: its second byte is `]`, so `乚]>` holds the bytes of `]]>`.
    @Test func aGBKTrailByteDoesNotEndACDATASection() throws {
        let document = "<?xml version=\"1.0\" encoding=\"gbk\"?><rss version=\"2.0\"><channel><title>中文</title>"
            + "<item><title>一</title><description><![CDATA[<p>乚]> Tom & Jerry</p>]]></description></item>"
            + "<item><title>二</title><description><![CDATA[<p>健康</p>]]></description></item></channel></rss>"
        let bytes = try CharsetEvidenceTests.iconv(document, to: "GBK")
        #expect(bytes.count < document.utf8.count)  // really GBK, not UTF-8
        let feed = try FeedParser.parse(bytes, url: Fixture.feedURL)
        #expect(feed.title == "中文")
        #expect(feed.items.map(\.title) == ["一", "二"])
        #expect(feed.items.first?.contentHTML == "<p>乚]> Tom & Jerry</p>")
        #expect(feed.items.last?.contentHTML == "<p>健康</p>")
    }

    /// The labels' encoding is still what the notes say was read.
    @Test func theNotesStillNameTheLegacyEncoding() throws {
        let title = "中国的经济发展和人民生活水平不断提高，这是大家都知道的事情。"  // enough for the detector
        let document = "<?xml version=\"1.0\" encoding=\"gbk\"?><rss version=\"2.0\"><channel><title>新闻</title>"
            + "<item><title>\(title)</title></item></channel></rss>"
        let bytes = try CharsetEvidenceTests.iconv(document, to: "GBK")
        let read = try FeedParser.parse(bytes, url: Fixture.feedURL, httpCharset: "ISO-8859-1", limits: .unlimited)
        #expect(read.feed.items.map(\.title) == [title])
        #expect(read.notes.charset == "GB18030")
        #expect(read.notes.charsetReason == "the bytes read as GB18030 (http ISO-8859-1, declared gbk)")
    }
}
