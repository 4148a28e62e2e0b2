import FeedModel
import Parse
import Testing

/// Every fixture here is written by Fixtures/make-fixtures.py in its real encoding.
@Suite struct EncodingTests {
    @Test(arguments: [
        ("gb18030.xml", "新浪财经－国內", "抓实对“一把手”和领导班子监督"),
        ("gb2312-with-gbk.xml", "新闻", "朱镕基 陶喆"),
        ("big5.xml", "臺灣新聞", "颱風過後 繁體標題"),
        ("shift_jis.xml", "日本語ニュース", "東京で桜が満開　ｶﾀｶﾅ"),
        ("windows-1252.xml", "Café “Quotes”", "Crème brûlée – €5"),
        ("iso-8859-1.xml", "Café Société", "Señor Müller"),
        ("utf8-bom.xml", "BOM 标题", "项目"),
        ("utf16le-bom.xml", "UTF-16 标题", "项目"),
    ])
    func readsDeclaredEncodingsAsUnicode(fixture: String, title: String, firstItem: String) throws {
        let feed = try Fixture.parse(fixture)
        #expect(feed.title == title)
        #expect(feed.items.first?.title == firstItem)
    }

    @Test func readsFourByteGB18030Characters() throws {
        let item = try #require(try Fixture.parse("gb18030.xml").items.last)
        #expect(item.title == "四字节 𠀀 字")
        #expect(item.contentHTML == "€")
    }

    @Test func httpCharsetReadsAnUndeclaredDocument() throws {
        let feed = try Fixture.parse("big5-undeclared.xml", charset: "Big5")
        #expect(feed.items.first?.contentHTML == "內文測試")
    }

    @Test func byteOrderMarkWinsOverTheDeclaration() throws {
        // utf8-bom.xml declares ISO-8859-1; the BOM says UTF-8, and UTF-8 is right.
        #expect(try Fixture.parse("utf8-bom.xml").items.first?.contentHTML == "内容")
    }

    @Test func strayBytesInUTF8BecomeReplacementCharacters() throws {
        let feed = try Fixture.parse("utf8-stray-bytes.xml")
        #expect(feed.title == "混合 Mixed")
        #expect(feed.items.count == 2)
        #expect(feed.items[1].title == "caf\u{FFFD} b\u{FFFD}d")
        #expect(feed.items[1].contentHTML == "still UTF-8 文字")
    }

    @Test func gbkUnderAUTF8HTTPCharsetIsStillRead() throws {
        let feed = try Fixture.parse("gbk-declared-utf8.xml", charset: "UTF-8")
        #expect(feed.items.first?.title == "抓实对“一把手”和领导班子监督")
    }

    @Test func documentCutInsideACharacterStaysUTF8() throws {
        let feed = try Fixture.parse("truncated-mid-character.xml")
        #expect(feed.title == "截断 feed")
        #expect(feed.items.first?.contentHTML == "内容")
    }
}

@Suite struct InvalidUTF8Tests {
    @Test func strayByteInsideCDATAIsFoundToo() throws {
        var bytes = Array("<rss version=\"2.0\"><channel><title>标题</title><item><title>一</title><description><![CDATA[<p>".utf8)
        bytes += [0xFF] + Array("中文</p>]]></description></item><item><title>二</title></item></channel></rss>".utf8)
        let feed = try FeedParser.parse(bytes, url: Fixture.feedURL)
        #expect(feed.items.map(\.title) == ["一", "二"])
        #expect(feed.items.first?.contentHTML == "<p>\u{FFFD}中文</p>")
    }
}
