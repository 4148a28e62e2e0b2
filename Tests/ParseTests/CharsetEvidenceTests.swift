import FeedModel
import Foundation
import Parse
import Testing

/// Which encoding wins when the bytes and the labels disagree (the end-to-end cases are in
/// CrawlerAppTests/EncodingEvidenceTests).
@Suite struct CharsetEvidenceTests {
    /// Bytes in a legacy encoding, through iconv(1).
    static func iconv(_ text: String, to encoding: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
        process.arguments = ["-f", "UTF-8", "-t", encoding]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }

    static func rss(_ title: String, declaring encoding: String? = nil, language: String? = nil) -> String {
        (encoding.map { "<?xml version=\"1.0\" encoding=\"\($0)\"?>" } ?? "")
            + "<rss version=\"2.0\"><channel><title>F</title>" + (language.map { "<language>\($0)</language>" } ?? "")
            + "<item><title>\(title)</title></item></channel></rss>"
    }

    static func parse(_ bytes: [UInt8], charset: String? = nil) throws -> LimitedFeed {
        try FeedParser.parse(bytes, url: Fixture.feedURL, httpCharset: charset, limits: .unlimited)
    }

    @Test func theDetectorBreaksATieBetweenTwoLabelsThatBothRead() throws {
        let title = "Погода в Москве на завтра, курс рубля снова вырос"
        let parsed = try Self.parse(try Self.iconv(Self.rss(title, declaring: "KOI8-R"), to: "KOI8-R"), charset: "ISO-8859-1")
        #expect(parsed.feed.items.first?.title == title)
        #expect(parsed.notes.charset == "KOI8-R")
    }

    @Test func undeclaredBig5IsNoLongerReadAsGBK() throws {
        let title = "總統府發布最新聲明，颱風過後繁體標題，臺灣新聞今日焦點"
        let parsed = try Self.parse(try Self.iconv(Self.rss(title, language: "zh-tw"), to: "BIG5"))
        #expect(parsed.feed.items.first?.title == title)
    }

    @Test func utf16WithoutAByteOrderMarkIsRead() throws {
        let parsed = try Self.parse(try Self.iconv(Self.rss("Ünïcode 标题", declaring: "UTF-16"), to: "UTF-16BE"))
        #expect(parsed.feed.items.first?.title == "Ünïcode 标题")
    }

    @Test func iso2022JapaneseKeepsItsLabelThoughItsBytesAreASCII() throws {
        let title = "東京で桜が満開"
        let parsed = try Self.parse(try Self.iconv(Self.rss(title, declaring: "ISO-2022-JP"), to: "ISO-2022-JP"))
        #expect(parsed.feed.items.first?.title == title)
    }

    @Test func labelsThatAgreeWithTheBytesLeaveNoNote() throws {
        let agreeing = try Self.parse(Array(Self.rss("Café", declaring: "UTF-8").utf8), charset: "utf-8")
        #expect(agreeing.notes == ParseNotes())
        let ascii = try Self.parse(Array(Self.rss("plain", declaring: "UTF-8").utf8), charset: "ISO-8859-1")
        #expect(ascii.notes.charsetReason == nil, "ASCII reads the same in both")
        let lying = try Self.parse(Array(Self.rss("Café", declaring: "UTF-8").utf8), charset: "ISO-8859-1")
        #expect(lying.notes.charset == "UTF-8")
        #expect(lying.notes.charsetReason == "the bytes are valid UTF-8 (http ISO-8859-1, declared UTF-8)")
    }
}
