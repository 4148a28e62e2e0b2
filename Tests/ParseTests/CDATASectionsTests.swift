import Foundation
@testable import Parse
import Testing

/// The stream may read CDATA sections itself (`CDATASections`); it must then give exactly the
/// events libxml2 gives, and stop exactly where libxml2 stops.
@Suite struct CDATASectionsTests {
    private func stream(_ bytes: [UInt8], readsCDATA: Bool) -> (finished: Bool, events: [String]) {
        var events: [String] = []
        let end = XMLEventStream.read(bytes, url: "https://example.org/feed.xml", encoding: nil,
                                      options: XMLFeedReader.options, resolvesBase: true,
                                      readsCDATA: readsCDATA) { events.append(String(describing: $0)) }
        return (end == .whole, events)
    }

    private func rss(_ item: String) -> [UInt8] {
        Array("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><item>\(item)</item></channel></rss>".utf8)
    }

    private func expectSameAsLibxml2(_ bytes: [UInt8], finishes: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        let ours = stream(bytes, readsCDATA: true)
        let libxml2 = stream(bytes, readsCDATA: false)
        #expect(ours.finished == finishes, sourceLocation: sourceLocation)
        #expect(libxml2.finished == finishes, sourceLocation: sourceLocation)
        #expect(ours.events == libxml2.events, sourceLocation: sourceLocation)
    }

    @Test func everyFixtureWithSectionsGivesTheSameEvents() throws {
        let directory = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".xml") || $0.hasSuffix(".rdf") }
        var withSections = 0
        for name in names {
            let bytes = try Fixture.bytes(name)
            let found = bytes.withUnsafeBufferPointer { CDATASections.find(in: $0) } ?? []
            guard !found.isEmpty else { continue }
            withSections += 1
            let ours = stream(bytes, readsCDATA: true)
            let libxml2 = stream(bytes, readsCDATA: false)
            #expect(ours.finished == libxml2.finished, "\(name)")
            #expect(ours.events == libxml2.events, "\(name)")
        }
        #expect(withSections >= 3)
    }

    @Test func sectionsJoinTheTextAroundThem() {
        let bytes = rss("<title>a &amp; <![CDATA[<b>]]>c<![CDATA[]]><![CDATA[d]]></title><description>x<!--c--><![CDATA[中文]]></description>")
        expectSameAsLibxml2(bytes, finishes: true)
        #expect(stream(bytes, readsCDATA: true).events.last?.contains("a & <b>cd") == true)
    }

    @Test func textInCommentsAndInstructionsOpensNoSection() {
        let bytes = rss("<!-- <![CDATA[ not one ]]> --><?pi <![CDATA[ ?><title><![CDATA[one]]></title>")
        let found = bytes.withUnsafeBufferPointer { CDATASections.find(in: $0) }
        #expect(found?.count == 1)
        expectSameAsLibxml2(bytes, finishes: true)
    }

    @Test func aDocumentUsingTheMarkerIsReadAsItIs() {
        let bytes = rss("<?crawler-cdata?><title><![CDATA[one]]></title>")
        #expect(bytes.withUnsafeBufferPointer { CDATASections.find(in: $0) } == nil)
        expectSameAsLibxml2(bytes, finishes: true)
    }

    @Test func whereLibxml2StopsTheStreamStops() {
        expectSameAsLibxml2(rss("<title><![CDATA[a\u{FFFF}b]]></title>"), finishes: false)
        expectSameAsLibxml2(rss("<title><![CDATA[a\u{FFFE}]]></title>"), finishes: false)
        var invalid = rss("<title><![CDATA[ab]]></title>")
        invalid[invalid.firstIndex(of: UInt8(ascii: "b"))!] = 0xFF
        expectSameAsLibxml2(invalid, finishes: false)
        var outside = rss("<title>t</title>")
        outside.append(contentsOf: Array("<![CDATA[after]]>".utf8))
        expectSameAsLibxml2(outside, finishes: false)
    }

    @Test func aSectionWithoutEndLeavesTheDocumentToLibxml2() {
        let bytes = rss("<title><![CDATA[open</title>")
        #expect(bytes.withUnsafeBufferPointer { CDATASections.find(in: $0) } == nil)
        expectSameAsLibxml2(bytes, finishes: false)
    }

    @Test func sectionsAcrossManyChunksAllArrive() {
        let body = String(repeating: "<p>段落 paragraph</p>", count: 4_000)
        let items = (0..<12).map { "<item><guid>g\($0)</guid><description><![CDATA[\(body)\($0)]]></description></item>" }
        let bytes = Array("<rss version=\"2.0\"><channel><title>T</title>\(items.joined())</channel></rss>".utf8)
        expectSameAsLibxml2(bytes, finishes: true)
        #expect(stream(bytes, readsCDATA: true).events.count == 14)
    }

    // MARK: Escaped text (`EscapedText`)

    private func escapedRanges(_ bytes: [UInt8]) -> [String] {
        let found = bytes.withUnsafeBufferPointer { CDATASections.find(in: $0) } ?? []
        return found.filter { bytes[$0.lowerBound] != UInt8(ascii: "<") }.map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    @Test func escapedTextAfterAStartTagIsDecodedAsLibxml2Does() {
        let bytes = rss("<description>&lt;p&gt;a &amp; b&#233;&#x4E2D;&quot;&apos;中&lt;/p&gt;</description>"
            + "<content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" a='x>y'>&lt;b&gt;"
            + "</content:encoded><title>plain</title><author>t &amp; j<![CDATA[!]]></author>")
        #expect(escapedRanges(bytes) == ["&lt;p&gt;a &amp; b&#233;&#x4E2D;&quot;&apos;中&lt;/p&gt;", "&lt;b&gt;", "t &amp; j"])
        expectSameAsLibxml2(bytes, finishes: true)
        let events = stream(bytes, readsCDATA: true).events.joined()
        #expect(events.contains("<p>a & bé中"))
        #expect(events.contains("t & j!"))
    }

    @Test func textLibxml2WouldQuestionIsLeftToIt() {
        for text in ["&#X41;", "a &lt b", "&#0;", "&#xFFFE;", "&#00000000060;", "]]&gt;]]>", "a\r\nb &amp;", "&amp;\u{1}",
                     "&nbsp;", "&LT;", "&#;", "&#x;", "&amp;\u{FFFF}"] {
            let bytes = rss("<title>\(text)</title>")
            #expect(escapedRanges(bytes).isEmpty, "\(text)")
            let ours = stream(bytes, readsCDATA: true), libxml2 = stream(bytes, readsCDATA: false)
            #expect(ours.finished == libxml2.finished, "\(text)")
            #expect(ours.events == libxml2.events, "\(text)")
        }
    }

    @Test func onlyTextRightAfterAStartTagIsTaken() {
        let bytes = rss("<br/>&amp;<title>a</title>&amp;<description a=\"1\" b='&lt;'>x &gt; y</description>")
        #expect(escapedRanges(bytes) == ["x &gt; y"])
        expectSameAsLibxml2(bytes, finishes: true)
    }

    @Test func escapedTextWithBadUTF8StopsWhereLibxml2Stops() {
        var bytes = rss("<title>&amp; ab</title>")
        bytes[bytes.firstIndex(of: UInt8(ascii: "b"))!] = 0xFF
        #expect(escapedRanges(bytes).count == 1)
        expectSameAsLibxml2(bytes, finishes: false)
    }

    @Test func theScanOfALargeDocumentStopsWhenTheCallerSays() {
        let item = "<item><description><![CDATA[<p>body</p>]]></description></item>"
        let bytes = rss(String(repeating: item, count: 60_000))  // 3.8 MB
        var asked = 0
        let stopped = bytes.withUnsafeBufferPointer { CDATASections.find(in: $0, shouldStop: { asked += 1; return true }) }
        #expect(stopped == nil)
        #expect(asked == 1)
        asked = 0
        let whole = bytes.withUnsafeBufferPointer { CDATASections.find(in: $0, shouldStop: { asked += 1; return false }) }
        #expect(whole?.count == 60_000)
        #expect(asked == 3)
    }
}
