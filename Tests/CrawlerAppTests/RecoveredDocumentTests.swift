import CrawlerTestKit
import Foundation
import Testing

/// A broken document is stored as far as it reads, and said to be broken: on the fetch line and
/// in one warning for the feed (not one per error). Beside a healthy feed.
@Suite struct RecoveredDocumentTests {
    let folder = TemporaryFolder()

    static func feed(_ name: String, items: Int, date: String = "Wed, 16 Feb 2022 23:50:43 GMT") -> String {
        let body = (0..<items).map {
            "<item><title>\(name) \($0)</title><guid>\(name)-\($0)</guid><pubDate>\(date)</pubDate></item>"
        }.joined()
        return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>\(name)</title>\(body)</channel></rss>"
    }

    /// An RSS feed of `items` that a raw `<br>` in the channel's description makes broken: the
    /// recovering repair reads all of it.
    static func brokenFeed(_ title: String, items: String) -> String {
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>\(title)</title><description>a <br> here</description>"
            + items + "</channel></rss>"
    }

    /// `once` over the `documents` (each served at /NAME and configured as feed NAME) and a
    /// healthy feed, which must be stored: the run and the documents stored.
    private func crawl(_ documents: [String: String]) throws -> (run: CrawlerProcess.Run, stored: [String]) {
        let server = try LoopbackHTTPServer { request in
            ServedResponse(text: documents[String(request.path.dropFirst())] ?? Self.feed("healthy", items: 2))
        }
        try folder.write("store: ./out\nfeeds:\n" + (documents.keys.sorted() + ["healthy"]).map {
            "  - url: \(server.url("/" + $0))\n    name: \($0)\n"
        }.joined(), to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        let stored = folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }
        #expect(stored.contains { $0.contains("title: 'healthy 1'") }, "\(run.stderr.suffix(1500))")
        return (run, stored)
    }

    @Test func brokenDocumentsAndDatesAreLoggedAndStoredBesideAHealthyFeed() throws {
        let truncated = String(Self.feed("cut", items: 3).dropLast(40))
        let server = try LoopbackHTTPServer { request in
            request.path == "/cut" ? ServedResponse(text: truncated)
                : request.path == "/undated" ? ServedResponse(text: Self.feed("undated", items: 3, date: "sometime soon"))
                : request.path == "/future" ? ServedResponse(text: Self.feed("future", items: 1, date: "Thu, 01 Jan 2099 00:00:00 GMT"))
                : request.path == "/ancient" ? ServedResponse(text: Self.feed("ancient", items: 1, date: "0099-06-01T00:00:00Z"))
                : ServedResponse(text: Self.feed("healthy", items: 2))
        }
        try folder.write("store: ./out\nfeeds:\n" + ["cut", "undated", "future", "ancient", "healthy"].map {
            "  - url: \(server.url("/" + $0))\n    name: \($0)\n"
        }.joined(), to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        let lines = run.stderr.split(separator: "\n")
        let cut = try #require(lines.first { $0.contains("event=fetch ") && $0.contains("feed=cut") })
        #expect(cut.contains("recovered="), "\(cut)")
        #expect(lines.filter { $0.contains("event=document_recovered") && $0.contains("feed=cut") }.count == 1)
        let undated = try #require(lines.first { $0.contains("event=fetch ") && $0.contains("feed=undated") })
        #expect(undated.contains("unreadable_date=\"sometime soon\""), "\(undated)")
        #expect(lines.filter { $0.contains("event=date_unreadable") && $0.contains("feed=undated") }.count == 1)
        let healthy = try #require(lines.first { $0.contains("event=fetch ") && $0.contains("feed=healthy") })
        #expect(!healthy.contains("recovered") && !healthy.contains("unreadable"))
        let stored = folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }
        #expect(stored.contains { $0.contains("title: 'healthy 1'") })
        #expect(stored.contains { $0.contains("title: 'cut 1'") })
        #expect(stored.contains { $0.contains("title: 'undated 2'") })
        // A date decades ahead is a mistake: the item is dated when it was fetched.
        let future = try #require(stored.first { $0.contains("title: 'future 0'") })
        #expect(!future.contains("2099"))
        #expect(future.contains(" \(Calendar(identifier: .gregorian).component(.year, from: Date())) "))
        // A year of two digits would read as 1999 to every site generator: the date is refused.
        let ancient = try #require(lines.first { $0.contains("event=fetch ") && $0.contains("feed=ancient") })
        #expect(ancient.contains("unreadable_date=0099-06-01T00:00:00Z"), "\(ancient)")
        let old = try #require(stored.first { $0.contains("title: 'ancient 0'") })
        #expect(old.contains(" \(Calendar(identifier: .gregorian).component(.year, from: Date())) "), "\(old)")
    }

    /// libxml2 2.9 stops expanding `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` once it knows a
    /// document is broken: one raw `<br>` early on must not strip them from every later item.
    @Test func predefinedEntitiesSurviveAnEarlierMarkupError() throws {
        let broken = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Broken</title>"
            + "<item><guid>first</guid><title>first</title><description>one <br> raw tag</description></item>"
            + "<item><guid>http://x.example/?p=1&amp;q=2</guid><title>Tom &amp; Jerry &lt;3 &quot;x&quot; &apos;y&apos;</title>"
            + "<description>&lt;p&gt;Hi &amp;amp; bye&lt;/p&gt;<![CDATA[ kept &lt; ]]></description></item></channel></rss>"
        let atom = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Atom</title>"
            + "<entry><id>a1</id><title>a &lt; b</title><content type=\"html\">x <b> y</content></entry>"
            + "<entry><id>a2</id><title>c &amp; d</title><content type=\"html\">&lt;em&gt;E&lt;/em&gt;</content></entry></feed>"
        let (run, stored) = try crawl(["broken": broken, "atom": atom])
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        let second = try #require(stored.first { $0.contains("Jerry") }, "\(stored)")
        #expect(second.contains("title: 'Tom & Jerry _3 \"x\" ''y'''"), "\(second)")
        // As the same item reads in a well-formed document.
        #expect(second.contains("<p>Hi &amp; bye</p>"), "\(second)")
        #expect(second.contains("</p> kept &lt;"), "\(second)")
        let entry = try #require(stored.first { $0.contains("title: 'c & d'") }, "\(stored)")
        #expect(entry.contains("<em>E</em>"), "\(entry)")
    }

    /// A raw `<br>` or `<img>` in every item's description: libxml2's recovery nested each item in
    /// the one before, and past 256 levels dropped the rest (254 of 300 items were stored).
    @Test func unclosedVoidTagsInEveryItemLoseNoItem() throws {
        let items = (0..<300).map {
            "<item><title>v\($0)</title><guid>v-\($0)</guid><description>line<br>two <IMG src=\"/i\($0).png?w=1&amp;ssl=1\" "
                + "alt='a>b & caf&eacute;'> <hr / >three</description></item>"
        }.joined()
        let broken = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>V</title>\(items)</channel></rss>"
        // Void tags closed as XHTML writes them, after a raw one: left as they are.
        let entries = (1...4).map { "<entry><id>urn:\($0)</id><title>x\($0)</title>" + ($0 == 1 ? "<summary>line<br>two</summary>"
            : "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>a<br></br>b</p>"
              + "<p><img src=\"https://example.org/x.png\" alt=\"x\"></img></p></div></content>") + "</entry>" }
        let atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A</title><id>urn:a</id>\(entries.joined())</feed>"
        let (run, stored) = try crawl(["broken": broken, "atom": atom])
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        #expect(stored.count == 306, "\(run.stdout)")
        let xhtml = try #require(stored.first { $0.contains("title: 'x4'") || $0.contains("title: x4\n") }, "\(run.stdout)")
        #expect(xhtml.contains("<p>a<br") && xhtml.contains("b</p>") && xhtml.contains("x.png"), "\(xhtml)")
        let last = try #require(stored.first { $0.contains("title: v299\n") || $0.contains("title: 'v299'") }, "\(run.stdout)")
        #expect(last.contains("line<br") && last.contains("two") && last.contains("three") && last.contains("i299.png"), "\(last)")
        #expect(!last.contains("/&gt;") && !last.contains("&amp;amp;"), "\(last)")
        #expect(run.stderr.contains("unclosed HTML tags"), "\(run.stderr.suffix(1500))")
    }

    /// Raw HTML whose paragraphs and list entries are never closed, in every item's text: libxml2's
    /// recovery closes only one element per end tag, so each item sank three levels under the one
    /// before and past 256 the rest was dropped (85 of 100 items stored). An item's text fields
    /// now close what they opened, at their end; markup that closes itself, or is balanced, is
    /// left as it is.
    @Test func unclosedParagraphsInEveryItemLoseNoItem() throws {
        let items = (0..<100).map {
            "<item><title>p\($0)</title><guid>p-\($0)</guid>" + ($0 % 2 == 0
                ? "<description><p>one \($0)<p class=\"a>b\">two <b>bold</b><ul><li>first<li>second</ul>three</description>"
                : "<content:encoded><div><p>full \($0)<p>text</div></content:encoded>") + "</item>"
        }.joined()
        let broken = "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">"
            + "<channel><title>P</title>\(items)</channel></rss>"
        let summaries = (0..<150).map { "<entry><id>urn:\($0)</id><title>s\($0)</title><summary>a<p>b\($0)<p>c</summary></entry>" }
        let atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A</title><id>urn:a</id>\(summaries.joined())</feed>"
        // Balanced markup, however it nests, is left as it is: closing a `<p>` at the next one made
        // its own `</p>` stray, and libxml2 then closed the field, the item and the channel with it.
        let balanced = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>B</title>"
            + "<item><title>b0</title><guid>b-0</guid><description>text <br> here</description></item>"
            + (1..<10).map { "<item><title>b\($0)</title><guid>b-\($0)</guid><description><div><p>a<p>b<p>c\($0)</p></p></p>"
                + "<ul><li>x<li>y</li></li></ul> <b>m <i>n</b> o</i></div></description></item>" }.joined()
            // Closed as libxml2 counts, or stray: `<span>` closed by the field's name, a stray end
            // tag after a repaired `<br>`, a list of 300 entries never closed.
            + "<item><title>s1</title><guid>s-1</guid><description>a <span>one</description> b</description></item>"
            + "<item><title>s2</title><guid>s-2</guid><description>x<br> </summary> y2</description></item>"
            + "<item><title>s3</title><guid>s-3</guid><description><ul>" + String(repeating: "<li>e", count: 300)
            + "</ul> z3</description></item>"
            // A mistyped end tag of the field: libxml2 takes it for the field's, and so does the repair.
            + "<item><title>s4</title><guid>s-4</guid><description>t4</descripton><pubDate>Mon, 01 Jan 2024 00:00:00 GMT"
            + "</pubDate></item>"
            + "</channel></rss>"
        let (run, stored) = try crawl(["broken": broken, "atom": atom, "balanced": balanced])
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        #expect(stored.count == 266, "\(run.stdout)")
        #expect(stored.contains { $0.contains("title: 's4'") && $0.contains("date: Mon, 01 Jan 2024") }, "\(run.stdout)")
        #expect(stored.contains { $0.contains("title: 'b9'") && $0.contains("c9") && $0.contains("<b>m <i>n") && $0.contains(" o</") }, "\(run.stdout)")
        #expect(stored.contains { $0.contains("title: 's2'") && $0.contains("y2") }, "\(run.stdout)")
        #expect(stored.contains { $0.contains("title: 's3'") && $0.contains("z3") }, "\(run.stdout)")
        let even = try #require(stored.first { $0.contains("title: 'p98'") }, "\(run.stdout)")
        for text in ["<p>one 98<p", "two <b>bold</b><ul><li>first<li>second</li>three</li></ul></p></p>"] {
            #expect(even.contains(text), "\(text): \(even)")
        }
        let odd = try #require(stored.first { $0.contains("title: 'p99'") }, "\(run.stdout)")
        #expect(odd.contains("<div><p>full 99<p>text</p></p></div>"), "\(odd)")
        #expect(stored.contains { $0.contains("a<p>b149<p>c</p></p>") && $0.contains("title: 's149'") }, "\(run.stdout)")
        #expect(run.stderr.contains("unclosed HTML tags"), "\(run.stderr.suffix(1500))")
    }

    /// A start tag libxml2 opens no element for (a value without quotes, an attribute without a
    /// value before another, attributes run together, a `<` in a value, text such as `x <- y`) was
    /// counted open, and the end tag written for it at the field's end closed the field, the item
    /// and the channel: of 20 items, 2 were read, without their dates. A last attribute without a
    /// value (`<td nowrap>`) does open one, and is closed.
    @Test func tagsLibxml2OpensNothingForAreNotClosed() throws {
        let shapes = ["<p align=center>a", "x <- y -> z", "I <3 it :->", "<video controls src=\"v.mp4\">v",
                      "<a href=\"x\"title=\"y\">t", "<img alt=\"a<b\" src=\"x.png\"> i", "<div hidden id=\"a\">d",
                      "<table><tr><td nowrap>n", "a <\u{4E09}\u{4F53}\u{2014}\u{9ED1}\u{6697}> b", "a <p\u{A0}>b", "a <?= \"</p>\" ?> b"]
        let items = (0..<22).map {
            "<item><title>t\($0)</title><guid>t-\($0)</guid><description>\(shapes[$0 % shapes.count]) end\($0)"
                + "</description><pubDate>\(String(format: "%02d", $0 + 1)) Jan 2024 00:00:00 GMT</pubDate></item>"
        }.joined()
        let broken = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>"
            + "<item><title>first</title><guid>f</guid><description>a raw <br> breaks it</description></item>"
            + items + "</channel></rss>"
        let (run, stored) = try crawl(["tags": broken])
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        #expect(stored.count == 25, "\(run.stdout)")
        for index in 0..<22 {
            #expect(stored.contains { $0.contains("title: 't\(index)'") && $0.contains(", \(String(format: "%02d", index + 1)) Jan 2024 00:00:00")
                && $0.contains("end\(index)") }, "t\(index): \(run.stdout)")
        }
    }

    /// A title with raw HTML left open (`Breaking: <b>news`): its end tag closed the `<b>`, the
    /// item's link and date went into the title, and past 254 items the rest were lost.
    @Test func aTitleLeavingATagOpenKeepsItsItemWhole() throws {
        let items = (0..<300).map {
            "<item><title>Breaking: <b>news \($0)</title><link>https://example.org/\($0)</link><guid>b-\($0)</guid>"
                + "<pubDate>01 Jan 2024 00:00:00 GMT</pubDate><description>d\($0)</description></item>"
        }.joined()
        let broken = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>\(items)</channel></rss>"
        let (run, stored) = try crawl(["titles": broken])
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        #expect(stored.count == 302, "\(run.stdout)")
        #expect(stored.contains { $0.contains("title: 'Breaking_ news 299'") && $0.contains("d299") && $0.contains("01 Jan 2024") },
                "\(run.stdout)")
    }

    /// A title whose markup is elements (`<title><p>Para title</p></title>`, or a `<p>` left open
    /// that the recovering repair closed) was stored with its tags as text, `'_p_Para title__p_'`:
    /// SPEC.md's title has its tags removed. Blocks (Atom's xhtml `<p>`s too) are words apart.
    /// Angle brackets a title carries as text (`the &lt;p&gt; tag`) stay text.
    @Test func aTitleWhoseMarkupIsElementsIsStoredAsItsText() throws {
        let wellFormed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>W</title>"
            + "<item><title><p>Para title</p></title><guid>w1</guid></item>"
            + "<item><title>the &lt;p&gt; tag</title><guid>w2</guid></item></channel></rss>"
        let broken = Self.brokenFeed("B", items: "<item><title><p>Open para</title><guid>b1</guid></item>"
            + "<item><title>x <li>one</title><guid>b2</guid></item>"
            + "<item><title>Map<K, V> types</title><guid>b3</guid></item>"
            + "<item><title>HashMap<String, Vec<u8>> x</title><guid>b4</guid></item>")
        let atom = "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A</title><entry><id>a1</id>"
            + "<title type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Para</p><p>two</p></div></title></entry></feed>"
        let (run, stored) = try crawl(["wellformed": wellFormed, "broken": broken, "atom": atom])
        for title in ["'Para title'", "'the _p_ tag'", "'Open para'", "'x one'", "'Para two'", "'Map_K, V_ types'",
                      "'HashMap_String, Vec_u8__ x'"] {
            #expect(stored.contains { $0.contains("title: \(title)\n") }, "\(title): \(run.stdout)")
        }
    }

    /// An emoji written as two references to its UTF-16 halves (`&#55357;&#56832;`, as Java and
    /// JavaScript serializers write it) was stored as two U+FFFD: the pair is the one character.
    /// A half alone is still U+FFFD.
    @Test func anEmojiWrittenAsTwoSurrogateReferencesIsOneCharacter() throws {
        let items = ["&#55357;&#56832; decimal", "&#xD83D;&#xDE80; hex", "&#xd83d; alone"].enumerated().map {
            "<item><title>\($0.element)</title><guid>s\($0.offset)</guid><description>body \($0.offset)</description></item>"
        }.joined()
        let feed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>S</title>\(items)</channel></rss>"
        let (run, stored) = try crawl(["surrogates": feed])
        for title in ["'😀 decimal'", "'🚀 hex'", "'\u{FFFD} alone'"] {
            #expect(stored.contains { $0.contains("title: \(title)\n") }, "\(title): \(run.stdout)")
        }
    }

    /// A processing instruction holding a tag in an item's text (`<?php echo "<p>"; ?>`): the
    /// `<p>` inside was counted open, and the end tag written for it closed the item and the
    /// channel (2 of 5 items read).
    @Test func aTagInsideAnInstructionOpensNothing() throws {
        let items = (0..<20).map {
            "<item><title>i\($0)</title><guid>i-\($0)</guid><description>one <?php echo \"<p>\"; ?> two\($0)</description>"
                + "<pubDate>01 Jan 2024 00:00:00 GMT</pubDate></item>"
        }.joined()
        let broken = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title>"
            + "<item><title>first</title><guid>f</guid><description>a raw <br> breaks it</description></item>"
            + items + "<item><title>open</title><guid>o</guid><description>a <? never ended</description></item>"
            + "</channel></rss>"
        let (run, stored) = try crawl(["instructions": broken])
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        #expect(stored.filter { $0.contains("two") && $0.contains("01 Jan 2024") }.count == 20, "\(run.stdout)")
    }

    /// `<br>` and its end tag apart, outside the text fields (`<itunes:summary>one<br>two</br>`),
    /// well-formed until a raw `<br>` elsewhere broke the document: the repair closed the `<br>`,
    /// and its end tag, stray then, closed the summary, the item and the channel (2 of 5 items).
    @Test func aVoidTagsEndTagApartFromItOutsideTheTextLosesNothing() throws {
        let items = (0..<20).map {
            "<item><title>v\($0)</title><guid>v-\($0)</guid><itunes:summary>one<br>two</br> <BR></BR></itunes:summary>"
                + "<description>\($0 == 10 ? "a raw <br> breaks it" : "fine")</description>"
                + "<pubDate>01 Jan 2024 00:00:00 GMT</pubDate></item>"
        }.joined()
        let broken = "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\">"
            + "<channel><title>T</title>\(items)</channel></rss>"
        let (run, stored) = try crawl(["voids": broken])
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        #expect(stored.filter { $0.contains("01 Jan 2024") }.count == 20, "\(run.stdout)")
    }

    /// Tags libxml2 does open, which the repair's reading of start tags passed over: its count
    /// missed them, dropped their end tags as strays, and the field's end closed them instead
    /// (the item's link, guid and date went into the text; past 254 items the rest were lost).
    /// And `</ b>` or `</>`, which end whatever is open for libxml2, are written as text.
    @Test func tagsLibxml2OpensAreCountedWhateverTheirNames() throws {
        let shapes = ["<a href=>x</a> more", "Un <caf\u{E9}>cr\u{E8}me</caf\u{E9}> svp", "\u{8BFB}<\u{4E09}\u{4F53}>\u{5F88}</\u{4E09}\u{4F53}>",
                      "<a \u{E9}x=\"1\">t</a>", "<span data-" + String(repeating: "x", count: 65) + "=\"1\">t</span>",
                      "<strong>x</ strong> y", "<em>x</>"]
        let items = (0..<21).map {
            "<item><title>n\($0)</title><description>\(shapes[$0 % shapes.count]) end\($0)</description>"
                + "<guid>n-\($0)</guid><pubDate>\(String(format: "%02d", $0 + 1)) Jan 2024 00:00:00 GMT</pubDate></item>"
        }.joined()
        let broken = Self.brokenFeed("N", items: items)
        let (run, stored) = try crawl(["names": broken])
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        for index in 0..<21 {
            #expect(stored.contains { $0.contains("title: 'n\(index)'") && $0.contains(", \(String(format: "%02d", index + 1)) Jan 2024 00:00:00")
                && $0.contains("end\(index)") }, "n\(index): \(run.stdout)")
        }
    }

    /// A field's end tag written `</ title>`: it was written as text, and the title took the
    /// item's link, guid and date.
    @Test func aFieldsEndTagWithASpaceEndsTheField() throws {
        let items = (0..<10).map {
            "<item><title>T\($0)</ title><link>https://example.org/\($0)</link><guid>s-\($0)</guid>"
                + "<pubDate>01 Jan 2024 00:00:00 GMT</pubDate><description>body \($0) <b>x</ description></item>"
        }.joined()
        let broken = Self.brokenFeed("S", items: items)
        let (run, stored) = try crawl(["spaced": broken])
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        for index in 0..<10 {
            #expect(stored.contains { $0.contains("title: 'T\(index)'") && $0.contains("01 Jan 2024") && $0.contains("body \(index)") },
                    "T\(index): \(run.stdout)")
        }
    }

    /// Round four: the look for a field's own end read tags inside CDATA, comments and
    /// instructions (`<!-- <item> -->`), and stopped at HTML's `<summary>` inside Atom's; `</ b>`
    /// was then taken for the field's end. `a </ b> c</ description>`: the first `</ ` was. And
    /// `<br></br>` at the depth limit was neither counted nor written as text.
    @Test func theLookForAFieldsEndPassesOverWhatLibxml2ReadsRaw() throws {
        let bodies = ["a </ b> <!-- <item> --> d", "a </ b> <![CDATA[<description>]]> d", "a </ b> <?x <item> ?> d",
                      String(repeating: "<div>", count: 250) + "x<br></br>y" + String(repeating: "</div>", count: 250)]
        let items = (0..<24).map {
            "<item><title>r\($0)</title><guid>r-\($0)</guid><pubDate>01 Jan 2024 00:00:00 GMT</pubDate><description>"
                + ($0 == 23 ? "a </ b> c end\($0)</ description>" : bodies[$0 % bodies.count] + " end\($0)</description>") + "</item>"
        }.joined()
        let broken = Self.brokenFeed("R", items: items)
        let entries = (0..<10).map {
            "<entry><id>urn:s\($0)</id><title>s\($0)</title><updated>2024-01-01T00:00:00Z</updated>"
                + "<summary type=\"html\">a </ b> <details><summary>More</summary>text</details> end\($0)</summary></entry>"
        }.joined()
        let atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A<br></title><id>urn:a</id>\(entries)</feed>"
        let (run, stored) = try crawl(["raw": broken, "atom": atom])
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        for index in 0..<24 {
            #expect(stored.contains { $0.contains("title: 'r\(index)'") && $0.contains("01 Jan 2024") && $0.contains("end\(index)") },
                    "r\(index): \(run.stdout)")
        }
        for index in 0..<10 {
            #expect(stored.contains { $0.contains("title: 's\(index)'") && $0.contains("end\(index)") }, "s\(index): \(run.stdout)")
        }
    }

    /// A comment never closed in one item's text: libxml2's recovery took the rest of the feed
    /// for it (and was quadratic over many of them). It is written as text.
    @Test func aCommentNeverClosedLosesNoLaterItem() throws {
        let items = (0..<20).map {
            "<item><title>c\($0)</title><guid>c-\($0)</guid><pubDate>01 Jan 2024 00:00:00 GMT</pubDate><description>"
                + ($0 == 3 ? "a <!-- never closed" : "fine") + " end\($0)</description></item>"
        }.joined()
        let broken = Self.brokenFeed("C", items: items)
        let (run, stored) = try crawl(["comments": broken])
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        // (Item 3's own text after its `<!--` is a comment to HTML, and not shown.)
        for index in 0..<20 {
            #expect(stored.contains { $0.contains("title: 'c\(index)'") && (index == 3 || $0.contains("end\(index)")) },
                    "c\(index): \(run.stdout)")
        }
    }

    /// A feed in windows-1252 that says UTF-8 (`café <pé>b`): the repair, which reads the raw
    /// bytes, took `é` for no name character and left `<pé>` uncounted, while libxml2, reading
    /// the charset guessed, opened it: past 254 items the rest were lost.
    @Test func namesInAnotherCharsetThanTheFeedSaysAreCounted() throws {
        let items = (0..<300).map {
            "<item><title>w\($0)</title><guid>w-\($0)</guid><pubDate>01 Jan 2024 00:00:00 GMT</pubDate>"
                + "<description>caf\u{E9} <p\u{E9}>b end\($0)</description></item>"
        }.joined()
        let text = "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>W</title>"
            + "<description>a <br> here</description>\(items)</channel></rss>"
        try Data(text.unicodeScalars.map { UInt8($0.value) }).write(to: URL(fileURLWithPath: folder.file("cp1252.xml")))
        let run = try CrawlerProcess.run(["parse", "cp1252.xml", "--render"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr.suffix(800))")
        #expect(run.stdout.components(separatedBy: "==> w-").count - 1 == 300, "\(run.stderr.suffix(800))")
        #expect(run.stdout.contains("end299"))
    }

    /// Markup nested past libxml2's 256 levels within one item's text, in any tags (a table of
    /// unclosed cells, `<P>` in capitals, 260 `<div>`): the rest of the feed was lost.
    @Test func markupNestedTooDeepInOneItemLosesNoOtherItem() throws {
        let deep = ["<table>" + String(repeating: "<tr><td>a<td>b", count: 90), String(repeating: "<P>para", count: 260),
                    String(repeating: "<dt>a<dd>b", count: 130), String(repeating: "<p><b>x", count: 130),
                    String(repeating: "<div>x", count: 260), String(repeating: "<div>x", count: 300) + String(repeating: "</div>", count: 300)]
        let items = (0..<20).map {
            "<item><title>d\($0)</title><guid>d-\($0)</guid><description>\($0 < deep.count ? deep[$0] : "plain") end\($0)"
                + "</description><pubDate>01 Jan 2024 00:00:00 GMT</pubDate></item>"
        }.joined()
        let broken = Self.brokenFeed("D", items: items)
        let (run, stored) = try crawl(["deep": broken])
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        for index in 0..<20 {
            #expect(stored.contains { $0.contains("title: 'd\(index)'") && $0.contains("01 Jan 2024") && $0.contains("end\(index)") },
                    "d\(index): \(run.stdout)")
        }
    }

    /// A DOCTYPE is dropped before parsing (no entity of a server's is ever expanded); one whose
    /// internal subset holds `]` or `>` in a quoted value, a comment or an instruction is dropped
    /// whole, not cut there, which left a well-formed feed unreadable.
    @Test func aDoctypeWithBracketsInItsValuesIsDroppedWhole() throws {
        let subsets = [
            "quoted": "[ <!ENTITY note \"see [1] > here\"> ]",
            "apostrophe": "[ <!ENTITY note 'see ]> here'> ]",
            "comment": "[ <!-- ] > --> <!ENTITY a \"b\"> ]",
            "instruction": "[ <?pi ] > ?> ]",
            "unbalanced": "SYSTEM 'rss.dtd",
            "external": "SYSTEM \"http://127.0.0.1:9/a>b[c.dtd\"",
        ]
        let (run, stored) = try crawl(Dictionary(uniqueKeysWithValues: subsets.map { name, subset in
            (name, Self.feed(name, items: 2).replacingOccurrences(of: "<rss ", with: "<!DOCTYPE rss \(subset)>\n<rss ")
                .replacingOccurrences(of: "<title>\(name) 0</title>", with: "<title>It's \(name) 0</title>"))
        }))
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr.suffix(1500))")
        for name in subsets.keys.sorted() + ["healthy"] {
            #expect(stored.contains { $0.contains("title: '\(name) 1'") }, "\(name): \(run.stdout)")
        }
        #expect(!run.stderr.contains("recovered"), "a well-formed document was read as broken: \(run.stderr)")
    }

    /// What browsers' JSON.parse takes, a JSON Feed must not lose all its items over: a string
    /// cut inside an emoji (a lone surrogate escape), a number too large for a Double in a field
    /// nobody reads. Text in a legacy charset (labelled or not) is read in it, not replaced, so two
    /// items differing in an accent stay two. JSON that stays broken says where and why.
    @Test func jsonFeedsKeepTheirItemsOverOneUnreadableValue() throws {
        func feed(_ first: [UInt8]) -> [UInt8] {
            Array("{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"J\",\"items\":[{\"id\":\"1\",\"title\":\"".utf8)
                + first + [0x22]
                + Array(",\"_ext\":{\"n\":1e400}},{\"id\":\"2\",\"title\":\"fine \\ud83d\\ude00\",\"content_text\":\"y\"}]}".utf8)
        }
        let accents = Array("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"a\",\"title\":\"Prix caf".utf8)
            + [0xE9] + Array("\",\"content_html\":\"<p>co".utf8) + [0xFB] + Array("te 2 ".utf8) + [0x80]
            + Array("</p>\"},{\"id\":\"b\",\"title\":\"Prix caf".utf8) + [0xE8] + Array("\",\"content_html\":\"<p>co".utf8)
            + [0xFB] + Array("te 2 ".utf8) + [0xA3] + Array("</p>\"}]}".utf8)
        // UTF-8 with a stray Latin-1 word, served as Latin-1; and a CESU-8 emoji (as Java writes one).
        let mostly = Array("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"m\",\"title\":\"Café crème brûlée, naïve Zoë\",".utf8)
            + Array("\"content_html\":\"<p>Grüße ".utf8) + [0xE9, 0x74, 0xE9] + Array("</p>\"}]}".utf8)
        let cesu = Array("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"c\",\"title\":\"Zürich ".utf8)
            + [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80] + Array("\"}]}".utf8)
        // windows-1251 Ukrainian, whose "ні" is ED B3, as half a CESU-8 surrogate is.
        let ukrainian = Array("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"u\",\"title\":\"".utf8)
            + [0xCD, 0xEE, 0xE2, 0xE8, 0xED, 0xE8, 0x20, 0xED, 0xB3] + Array("\"}]}".utf8)
        // UTF-8 with half an emoji where a string was cut (as Java writes it), served as UTF-8.
        let cut = Array("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"h\",\"title\":\"Café ok ".utf8)
            + [0xED, 0xA0, 0xBD] + Array("\"}]}".utf8)
        // Legacy text whose bytes form UTF-8 sequences by chance, one in two, under its right label;
        // and Windows-1252 under the `charset=utf-8` servers send by default.
        func legacy(_ id: String, _ title: [UInt8]) -> [UInt8] {
            Array("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"\(id)\",\"title\":\"".utf8)
                + title + Array("\"}]}".utf8)
        }
        let thai = legacy("th", [161, 195, 216, 167, 224, 183, 190, 32, 195, 182, 194, 185, 181, 236, 32, 202, 216, 162, 192, 210, 190])
        let gbk = legacy("zh", [205, 188, 198, 172, 208, 194, 206, 197])  // 图片新闻
        let defaultLabel = legacy("fr", Array("Caf".utf8) + [0xE9] + Array(" cr".utf8) + [0xE8] + Array("me br".utf8) + [0xFB]
                                    + Array("l".utf8) + [0xE9] + Array("e ".utf8) + [0xE0] + Array(" Paris".utf8))
        // Two items told apart by their CESU-8 emoji alone; GBK and windows-1251 under their right
        // labels with one byte neither charset has (only that byte may be replaced).
        let emoji = Array("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"e1\",\"title\":\"Café rating ".utf8)
            + [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80] + Array("\"},{\"id\":\"e2\",\"title\":\"Café rating ".utf8)
            + [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0xA1] + Array("\"}]}".utf8)
        let gbkStray = Array("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"g1\",\"title\":\"".utf8)
            + [205, 188, 198, 172] + Array("\"},{\"id\":\"g2\",\"title\":\"".utf8) + [208, 194, 206, 197]
            + Array("\"},{\"id\":\"g3\",\"title\":\"x".utf8) + [0xFF] + Array("\"}]}".utf8)
        let cyrillicStray = legacy("ru", [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2, 0x20, 0x98])
        // ISO-2022-JP (seven bits, shift sequences), whole and with a stray byte after its first
        // character; UTF-16 with a lone surrogate.
        let japanese = legacy("ja", [27, 36, 66, 37, 70, 37, 45, 37, 57, 37, 72, 27, 40, 66])
        let japaneseStray = legacy("jb", [27, 36, 66, 37, 70, 0x80, 37, 45, 37, 57, 37, 72, 27, 40, 66])
        func utf16LE(_ text: String) -> [UInt8] {
            var bytes: [UInt8] = []
            for unit in text.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
            return bytes
        }
        let lone: [UInt8] = [0x00, 0xD8]
        let wide = utf16LE("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"w\",\"title\":\"wide a")
            + lone + utf16LE("b\"}]}")
        // UTF-8 with a lone surrogate escape (so not read at the first try) under a wrong 7-bit label.
        let mislabelled = legacy("ml", Array("こんにちは \\ud83d".utf8))
        // A line break and a tab written raw in a string, as hand-made templates print them.
        let raw = legacy("rw", Array("line one\nline\ttwo \\\nthree".utf8))
        let bodies: [String: [UInt8]] = [
            "/mislabelled": mislabelled,
            "/raw": raw,
            "/japanese": japanese,
            "/japanese-stray": japaneseStray,
            "/wide": wide,
            "/emoji": emoji,
            "/gbk-stray": gbkStray,
            "/cyrillic-stray": cyrillicStray,
            "/thai": thai,
            "/gbk": gbk,
            "/default-label": defaultLabel,
            "/cut": cut,
            "/cesu": cesu,
            "/mostly": mostly,
            "/ukrainian": ukrainian,
            "/surrogate": feed(Array("cut \\ud83d here".utf8)),
            "/latin1": feed(Array("caf".utf8) + [0xE9]),
            "/labelled": accents,
            "/broken": Array("{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{\"id\":\"1\" \"title\":1}]}".utf8),
        ]
        let server = try LoopbackHTTPServer { request in
            if let body = bodies[request.path] {
                let type = ["/labelled", "/mostly"].contains(request.path) ? "application/feed+json; charset=windows-1252"
                    : ["/ukrainian", "/cyrillic-stray"].contains(request.path) ? "application/feed+json; charset=windows-1251"
                    : request.path == "/gbk-stray" ? "application/feed+json; charset=gbk"
                    : request.path.hasPrefix("/japanese") || request.path == "/mislabelled"
                        ? "application/feed+json; charset=iso-2022-jp"
                    : request.path == "/wide" ? "application/feed+json; charset=utf-16le"
                    : ["/cut", "/default-label"].contains(request.path) ? "application/feed+json; charset=utf-8"
                    : request.path == "/thai" ? "application/feed+json; charset=windows-874"
                    : request.path == "/gbk" ? "application/feed+json; charset=gbk" : "application/feed+json"
                return ServedResponse(status: 200, headers: [("Content-Type", type)], body: body)
            }
            return ServedResponse(text: Self.feed("healthy", items: 2))
        }
        try folder.write("store: ./out\nfeeds:\n" + ["surrogate", "latin1", "labelled", "mostly", "cesu", "ukrainian", "cut", "thai", "gbk", "default-label", "broken",
                                         "emoji", "gbk-stray", "cyrillic-stray", "japanese", "japanese-stray", "wide", "mislabelled", "raw", "healthy"].map {
            "  - url: \(server.url("/" + $0))\n    name: \($0)\n"
        }.joined(), to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        let stored = folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }
        #expect(stored.contains { $0.contains("title: 'healthy 1'") })
        #expect(stored.contains { $0.contains("title: 'cut \u{FFFD} here'") }, "\(run.stderr.suffix(2000))")
        #expect(stored.contains { $0.contains("title: 'café'") }, "\(run.stderr.suffix(2000))")
        #expect(stored.contains { $0.contains("title: 'Prix café'") && $0.contains("<p>coûte 2 €</p>") }, "\(stored)")
        #expect(stored.contains { $0.contains("title: 'Prix cafè'") && $0.contains("<p>coûte 2 £</p>") }, "\(stored)")
        #expect(stored.contains { $0.contains("title: 'Café crème brûlée, naïve Zoë'") && $0.contains("<p>Grüße \u{FFFD}t\u{FFFD}</p>") },
                "\(stored)")
        #expect(stored.contains { $0.contains("title: 'Zürich 😀'") }, "\(stored)")
        #expect(stored.contains { $0.contains("title: 'Café rating 😀'") }, "\(stored)")
        #expect(stored.contains { $0.contains("title: 'Café rating 😡'") }, "\(stored)")
        #expect(stored.contains { $0.contains("title: '图片'") } && stored.contains { $0.contains("title: '新闻'") }, "\(stored)")
        #expect(stored.contains { $0.contains("title: 'Привет \u{FFFD}'") }, "\(stored)")
        #expect(stored.contains { $0.contains("title: 'テキスト'") }, "\(stored)")
        #expect(stored.contains { $0.contains("title: 'テ\u{FFFD}キスト'") }, "\(stored)")
        #expect(stored.contains { $0.contains("title: 'wide a\u{FFFD}b'") }, "\(stored)")
        #expect(stored.contains { $0.contains("title: 'こんにちは \u{FFFD}'") }, "\(stored)")
        #expect(stored.contains { $0.contains("title: 'line one line two three'") },
                "\(stored)")
        #expect(stored.contains { $0.contains("title: 'Café ok \u{FFFD}") }, "\(stored)")
        #expect(stored.contains { $0.contains("กรุงเทพ รถยนต์ สุขภาพ") }, "\(stored)")
        #expect(stored.contains { $0.contains("图片新闻") }, "\(stored)")
        #expect(stored.contains { $0.contains("Café crème brûlée à Paris") }, "\(stored)")
        #expect(stored.contains { $0.contains("title: Новини ні") || $0.contains("title: 'Новини ні'") }, "\(stored)")
        #expect(stored.contains { $0.contains("title: 'fine 😀'") }, "\(stored)")
        let broken = try #require(run.stderr.split(separator: "\n").first { $0.contains("feed=broken") })
        #expect(broken.contains("invalid JSON") && broken.contains("character"), "\(broken)")
    }

    /// A guid written `isPermaLink=false` (no quotes: hand-rolled templates do) stopped libxml2
    /// there: the item lost its guid, body and link, and its link became the channel's. Raw HTML
    /// with a bare attribute (`<video controls>`, `<a href=…>`) in a later item did the same.
    @Test func bareAttributeValuesCostNoItemItsFields() throws {
        let items = (0..<3).map { number in
            "<item><title>bare \(number)</title><guid isPermaLink=false>bare-\(number)</guid>"
                + "<link>http://example.com/\(number)</link>"
                + "<description>body \(number) of the story</description></item>"
        }.joined() + "<item><title>bare html</title><guid>bare-html</guid><description>clip: "
            + "<video controls src=clip.mp4></video> and <a href=http://example.com/x/>the page</a> "
            + "<img src=http://example.com/a.png alt=>after</description></item>"
        let feed = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Bare</title>"
            + "<link>http://example.com/</link>" + items + "</channel></rss>"
        let (run, stored) = try crawl(["bare": feed])
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        for number in 0..<3 {
            let document = try #require(stored.first { $0.contains("title: 'bare \(number)'") }, "\(run.stderr.suffix(1500))")
            #expect(document.contains("body \(number) of the story"), "\(document)")
        }
        let html = try #require(stored.first { $0.contains("title: bare html") || $0.contains("title: 'bare html'") })
        #expect(html.contains("the page"), "\(html)")
        // Round 15: the slash ending a bare URL is the URL's (HTML's reading), and `alt=>` is empty.
        #expect(html.contains("href=\"http://example.com/x/\">the page</a>"), "\(html)")
        #expect(html.contains("<img src=\"http://example.com/a.png\"") && html.contains("after"), "\(html)")
        let line = try #require(run.stderr.split(separator: "\n").first { $0.contains("event=fetch ") && $0.contains("feed=bare") })
        #expect(line.contains("recovered="), "\(line)")
        // Round 16: an Atom link's bare permalink keeps its trailing slash, and still closes.
        try folder.write("""
            <?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id>
            <entry><title>Post two</title><id>urn:a:2</id><link rel=alternate href=http://example.com/2025/12/post2/>\
            <content type="html">second &lt;b&gt;post&lt;/b&gt;</content></entry></feed>
            """, to: "atom.xml")
        let atom = try CrawlerProcess.run(["parse", "atom.xml", "--json"], in: folder.path)
        #expect(atom.stdout.contains("\"link\":\"http://example.com/2025/12/post2/\"") && atom.stdout.contains("second <b>post</b>"),
                "\(atom.stdout)")
        // Read again, nothing is new: the guids were read, so the items are the same.
        let again = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(again.stderr.contains("event=pass new=0"), "\(again.stderr.suffix(800))")
    }

    /// Round 15: an element with nothing in it, carried as XML (Atom `type="xhtml"`, unescaped
    /// HTML in content:encoded), was written back as `<video …/>`: HTML knows no such thing but
    /// for its void elements, and everything after it (the rest of the post) became the video's
    /// fallback content, which no browser shows. Written as `<video …></video>` now.
    @Test func anEmptyElementCarriedAsXMLSwallowsNothingAfterIt() throws {
        let atom = """
            <?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>X</title><id>urn:x</id>
            <updated>2026-12-01T10:00:00Z</updated><entry><title>Video post</title><id>urn:x:1</id>
            <updated>2026-12-01T10:00:00Z</updated><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">\
            <p>Intro<span class="x"></span> visible one</p><video controls="controls" src="https://example.org/v.mp4"></video>\
            <p>After video paragraph</p><div class="clear"></div><p>Last<br/>line</p></div></content></entry></feed>
            """
        let (run, stored) = try crawl(["xhtml": atom])
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        let post = try #require(stored.first { $0.contains("Video post") })
        #expect(post.contains("<video controls=\"controls\" src=\"https://example.org/v.mp4\"></video><p>After video paragraph</p>"),
                "\(post)")
        #expect(post.contains("<span class=\"x\"></span>") && post.contains("<div class=\"clear\"></div>"), "\(post)")
        #expect(post.contains("<br") && !post.contains("</br>"), "\(post)")
    }
}
