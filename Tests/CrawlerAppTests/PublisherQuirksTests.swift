import CrawlerTestKit
import Foundation
import Testing

/// Feeds as publishers get them unusual, through `crawler parse FILE --render`: the post must
/// carry what a reader of the feed sees.
@Suite struct PublisherQuirksTests {
    let folder = TemporaryFolder()

    private func rendered(_ feed: String, config: String? = nil) throws -> String {
        try folder.write(feed, to: "feed.xml")
        var arguments = ["parse", folder.file("feed.xml"), "--render"]
        if let config {
            try folder.write(config, to: "feeds.yaml")
            arguments += ["--config", folder.file("feeds.yaml")]
        }
        let run = try CrawlerProcess.run(arguments, in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout
    }

    /// A `content:encoded` (or Atom `content`, JSON Feed `content_html`) of white space or empty
    /// markup won over the description beside it: the post was empty.
    @Test func anEmptyContentFieldGivesWayToTheDescription() throws {
        let rss = try rendered("""
            <?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>CE</title>
            <item><title>ws</title><guid>c1</guid><description>The real description 1</description><content:encoded><![CDATA[
               ]]></content:encoded></item>
            <item><title>p</title><guid>c2</guid><description>The real description 2</description><content:encoded><![CDATA[<p> </p><br/>]]></content:encoded></item>
            <item><title>img</title><guid>c3</guid><description>not this one</description><content:encoded><![CDATA[<p><img src="http://127.0.0.1/a.png"></p>]]></content:encoded></item>
            </channel></rss>
            """)
        #expect(rss.contains("The real description 1") && rss.contains("The real description 2"), "\(rss)")
        #expect(!rss.contains("not this one"), "an image is something to show: \(rss)")
        // Round 34: a no-break space, and elements the sanitizer removes, show nothing either.
        let hidden = try rendered("""
            <?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>CE</title>
            <item><title>nbsp</title><guid>h1</guid><description>Fallback one</description><content:encoded><![CDATA[<p>&nbsp;</p>]]></content:encoded></item>
            <item><title>svg</title><guid>h2</guid><description>Fallback two</description><content:encoded><![CDATA[<svg><text>Hi</text></svg>]]></content:encoded></item>
            <item><title>script</title><guid>h3</guid><description>Fallback three</description><content:encoded><![CDATA[<script>x()</script>]]></content:encoded></item>
            <item><title>text</title><guid>h4</guid><description>not the fallback</description><content:encoded><![CDATA[<p>&amp; caf\u{E9}</p>]]></content:encoded></item>
            </channel></rss>
            """)
        for word in ["Fallback one", "Fallback two", "Fallback three"] { #expect(hidden.contains(word), "\(word): \(hidden)") }
        #expect(!hidden.contains("not the fallback"), "\(hidden)")
        let atom = try rendered("""
            <?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id><updated>2025-12-01T10:00:00Z</updated>
            <entry><title>q</title><id>q1</id><updated>2025-12-01T10:00:00Z</updated><content type="html">
              </content><summary>The atom summary</summary></entry></feed>
            """)
        #expect(atom.contains("The atom summary"), "\(atom)")
        let json = try rendered("""
            {"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": [
             {"id": "j1", "title": "j", "content_html": "  <p></p> ", "content_text": "The JSON text"}]}
            """)
        #expect(json.contains("The JSON text"), "\(json)")
    }

    /// A planet's entries carry their blog's author in `<source>`: RFC 4287 4.2.1 has it apply
    /// before the feed's own, and every post was credited to the planet.
    @Test func anAtomEntrysSourceAuthorComesBeforeTheFeeds() throws {
        let planet = try rendered("""
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>Planet Test</title><id>urn:planet</id><updated>2025-12-05T00:00:00Z</updated>
            <author><name>Planet Admins</name></author>
            <entry><title>From A</title><id>pe1</id><updated>2025-12-01T10:00:00Z</updated><content type="html">&lt;p&gt;Post&lt;/p&gt;</content>
            <source><id>urn:blogA</id><title>Blog A</title><updated>2025-12-04T00:00:00Z</updated><author><name>Alice A</name></author></source>
            </entry>
            <entry><title>Own</title><id>pe2</id><updated>2025-12-01T10:00:00Z</updated><author><name>Bob B</name></author>
            <content type="html">&lt;p&gt;Post 2&lt;/p&gt;</content>
            <source><id>urn:blogB</id><author><name>Not Bob</name></author></source></entry>
            <entry><title>Planet's</title><id>pe3</id><updated>2025-12-01T10:00:00Z</updated><content type="html">&lt;p&gt;3&lt;/p&gt;</content></entry>
            </feed>
            """)
        #expect(planet.contains("author: Alice A") && planet.contains("author: Bob B") && planet.contains("author: Planet Admins"), "\(planet)")
        #expect(!planet.contains("Not Bob"), "\(planet)")
    }

    /// A header image whose URL holds a `'` (`O'Brien.jpg`) or a raw space was skipped for the
    /// next candidate (`default_image:`, or none): kept now, percent-encoded.
    @Test func aHeaderImageWithAnApostropheIsKept() throws {
        let feed = """
            <?xml version="1.0"?><rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>I</title>
            <item><title>body</title><guid>a</guid><description><![CDATA[<p><img src="https://img.example.com/it's.jpg"></p>]]></description></item>
            <item><title>thumb</title><guid>b</guid><description>no img</description><media:thumbnail url="https://t.example.com/a b.jpg"/></item>
            <item><title>none</title><guid>c</guid><description>no img</description></item>
            </channel></rss>
            """
        let posts = try rendered(feed, config: "store: ./store\ndefault_image: https://def.example.com/d.png\nfeeds:\n"
                                 + "  - url: https://i.example.com/feed\n")
        #expect(posts.contains("headimg: 'https://img.example.com/it%27s.jpg'"), "\(posts)")
        #expect(posts.contains("headimg: 'https://t.example.com/a%20b.jpg'"), "\(posts)")
        #expect(posts.components(separatedBy: "headimg: 'https://def.example.com/d.png'").count == 2, "\(posts)")
    }

    /// Browsers take a picture from `srcset` when there is one: relative candidates were left
    /// relative (and `poster` too), and the picture broke on the site though `src` was absolute.
    @Test func relativeSrcsetCandidatesAndPostersAreMadeAbsolute() throws {
        let posts = try rendered("""
            <?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>REL</title>
            <item><title>rel</title><link>http://rel.example.com/2025/12/post/</link><guid>r1</guid><content:encoded><![CDATA[<p>\
            <img src="a.jpg" srcset="a.jpg 1x, /b.jpg 2x,c.jpg?w=1,2 3x"><video poster="poster.jpg" controls></video></p>]]></content:encoded></item>
            </channel></rss>
            """)
        #expect(posts.contains("srcset=\"http://rel.example.com/2025/12/post/a.jpg 1x, http://rel.example.com/b.jpg 2x,"
                               + "http://rel.example.com/2025/12/post/c.jpg?w=1,2 3x\""), "\(posts)")
        #expect(posts.contains("poster=\"http://rel.example.com/2025/12/post/poster.jpg\""), "\(posts)")
        // Round 34: values are read as a browser reads them, entities decoded (`&#47;` is `/`, `&#44;` a comma).
        let encoded = try rendered("""
            <?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>REL</title>
            <item><title>rel</title><link>https://ex.org/dir/post</link><guid>r2</guid><content:encoded><![CDATA[<p>\
            <img src="&#47;a.jpg" srcset="/a.jpg 1x&#44; /b.jpg 2x"><video poster="&#x2f;&#x2f;cdn.example/p.jpg"></video>\
            <a href="?p=1&amp;q=2">x</a></p>]]></content:encoded></item>
            </channel></rss>
            """)
        #expect(encoded.contains("src=\"https://ex.org/a.jpg\""), "\(encoded)")
        #expect(encoded.contains("srcset=\"https://ex.org/a.jpg 1x, https://ex.org/b.jpg 2x\""), "\(encoded)")
        #expect(encoded.contains("poster=\"https://cdn.example/p.jpg\""), "\(encoded)")
        #expect(encoded.contains("href=\"https://ex.org/dir/post?p=1&amp;q=2\""), "\(encoded)")
    }

    /// Round 35: a lazy image's real address, a srcset's first candidate and a URL holding a tab or a
    /// control character, each read as a browser reads it (a `data-src` with `&amp;` went out as
    /// `&amp;amp;`, a decoded `&#47;` was resolved before it was decoded, a CDN's `w_300,h_200` cut the
    /// header image at its comma, a tab in `src` lost the header image).
    @Test func lazyImagesSrcsetsAndControlsInURLsAreReadAsABrowserReadsThem() throws {
        func item(_ guid: String, _ body: String) -> String {
            "<item><title>\(guid)</title><link>https://ex.org/dir/post</link><guid>\(guid)</guid><description><![CDATA[\(body)]]></description></item>"
        }
        let posts = try rendered("""
            <?xml version="1.0"?><rss version="2.0"><channel><title>LAZY</title>
            \(item("placeholder", #"<p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="https://cdn.example/x.jpg?w=3&amp;h=2"></p>"#))
            \(item("decoded", #"<p><img data-src="&#47;lazy.jpg"><img src="/ph.gif" data-original="&#47;&#47;cdn.example/o.jpg"></p>"#))
            \(item("srcset", #"<p><img srcset="&#47;a2.jpg 1x&#44; /b2.jpg 2x"></p>"#))
            \(item("cdn", #"<p><img srcset="https://res.example/w_300,h_200/s.jpg 300w, https://res.example/w_600,h_400/s.jpg 600w"></p>"#))
            \(item("tab", #"<p><img src="/img/tab&#9;x.jpg"><a href="/p&#1;q">c</a><a href="jav&#x09;ascript:alert(1)">j</a></p>"#))
            \(item("slash", #"<p><a href="\\evil.example/x?a\b">s</a><img src=" ht&#x09;tps://img.example/a.jpg"></p>"#))
            </channel></rss>
            """)
        #expect(posts.contains(#"src="https://cdn.example/x.jpg?w=3&amp;h=2""#) && !posts.contains("&amp;amp;"), "\(posts)")
        #expect(posts.contains(#"src="https://ex.org/lazy.jpg""#) && posts.contains(#"src="https://cdn.example/o.jpg""#), "\(posts)")
        #expect(posts.contains(#"src="https://ex.org/a2.jpg""#), "\(posts)")
        #expect(posts.contains("headimg: 'https://res.example/w_300,h_200/s.jpg'"), "\(posts)")
        #expect(posts.contains("headimg: 'https://ex.org/img/tabx.jpg'") && posts.contains(#"src="https://ex.org/img/tabx.jpg""#), "\(posts)")
        #expect(posts.contains(#"href="https://ex.org/p%01q""#) && !posts.contains("\u{1}"), "\(posts)")
        #expect(!posts.contains("javascript") && !posts.contains("alert"), "\(posts)")
        #expect(posts.contains(#"href="https://evil.example/x?a\b""#), "\(posts)")
        #expect(posts.contains(#"src="https://img.example/a.jpg""#), "\(posts)")
        // Round 36: an absolute URL holding `&#1;` in a body the sanitizer rebuilds (it has a script to
        // remove) went out with the control raw.
        let rebuilt = try rendered("""
            <?xml version="1.0"?><rss version="2.0"><channel><title>CTL</title>
            \(item("rebuilt", #"<p><a href="https://ok.example/a&#1;b">a</a><img src="https://ok.example/c&#x7f;d"></p><script>x()</script>"#))
            </channel></rss>
            """)
        #expect(rebuilt.contains(#"href="https://ok.example/a%01b""#) && rebuilt.contains(#"src="https://ok.example/c%7Fd""#), "\(rebuilt)")
        #expect(!rebuilt.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F }, "\(rebuilt)")
        // An http(s) URL without its `//` is relative to a base of its scheme: left as written, it
        // reached the site owner's own host (`https:/logout`).
        let slashless = try rendered("""
            <?xml version="1.0"?><rss version="2.0"><channel><title>SL</title>
            \(item("slashless", #"<p><img src="https:/logout"><a href="https:rel">r</a><a href="http:other.example/x">o</a></p>"#))
            </channel></rss>
            """)
        #expect(slashless.contains(#"src="https://ex.org/logout""#) && slashless.contains(#"href="https://ex.org/dir/rel""#), "\(slashless)")
        #expect(slashless.contains(#"href="http://other.example/x""#) && slashless.contains("headimg: 'https://ex.org/logout'"), "\(slashless)")
        // Round 37: such a value's references are decoded first (`&amp;` went out as `&amp;amp;`).
        let referenced = try rendered("""
            <?xml version="1.0"?><rss version="2.0"><channel><title>SL</title>
            \(item("referenced", #"<p><a href="https:/p?a=1&amp;b=2">p</a><a href="https:&#x09;//tab.example/">t</a></p>"#))
            </channel></rss>
            """)
        #expect(referenced.contains(#"href="https://ex.org/p?a=1&amp;b=2""#) && !referenced.contains("&amp;amp;"), "\(referenced)")
        #expect(!referenced.contains("ex.org/dir/&"), "\(referenced)")
    }

    /// An `xml:base` on Atom's `<content>` was passed over for the entry's or the feed's.
    @Test func anXMLBaseOnAtomContentResolvesItsLinks() throws {
        let posts = try rendered("""
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://blog.example.org/base/"><title>B</title><id>urn:x</id><updated>2025-12-01T10:00:00Z</updated>
            <entry><title>xhtml</title><id>e1</id><updated>2025-12-02T10:00:00Z</updated><link href="posts/one.html"/>
             <content type="xhtml" xml:base="http://cdn.example.org/c/"><div xmlns="http://www.w3.org/1999/xhtml"><p><a href="rel/link.html">link</a> <img src="img/a.png"/></p></div></content></entry>
            <entry><title>html</title><id>e3</id><updated>2025-12-02T10:00:00Z</updated><link href="three"/>
             <content type="html" xml:base="../other/">&lt;img src="pic.jpg"&gt;</content></entry>
            <entry><title>plain</title><id>e4</id><updated>2025-12-02T10:00:00Z</updated><content type="html">&lt;img src="own.jpg"&gt;</content></entry>
            </feed>
            """)
        #expect(posts.contains("http://cdn.example.org/c/img/a.png") && posts.contains("http://cdn.example.org/c/rel/link.html"), "\(posts)")
        #expect(posts.contains("http://blog.example.org/other/pic.jpg"), "\(posts)")
        #expect(posts.contains("http://blog.example.org/base/own.jpg"), "\(posts)")
        // Round 34: a base that is no web URL is passed over for the next one.
        let scripted = try rendered("""
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://feed.example/base/"><title>B</title><id>urn:y</id><updated>2025-12-01T10:00:00Z</updated>
            <entry><title>js</title><id>e6</id><updated>2025-12-02T10:00:00Z</updated>
             <content type="html" xml:base="javascript:alert(1)//">&lt;img src="a.jpg"&gt;</content></entry></feed>
            """)
        #expect(scripted.contains("src=\"https://feed.example/base/a.jpg\""), "\(scripted)")
        // Round 35: an entry's base that is no web URL gives way to the feed's (its links stayed relative).
        let entryBase = try rendered("""
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://feed.example/base/"><title>B</title><id>urn:y</id><updated>2025-12-01T10:00:00Z</updated>
            <entry xml:base="javascript:alert(3)//"><title>js</title><id>e7</id><updated>2025-12-02T10:00:00Z</updated>
             <content type="html">&lt;a href="x.html"&gt;x&lt;/a&gt;</content></entry></feed>
            """)
        #expect(entryBase.contains("href=\"https://feed.example/base/x.html\""), "\(entryBase)")
        // Round 36: the feed's own base no web URL, and no entry link: the feed's URL, not links left relative.
        let server = try LoopbackHTTPServer { _ in
            ServedResponse(contentType: "application/atom+xml", text: """
                <?xml version="1.0" encoding="utf-8"?>
                <feed xmlns="http://www.w3.org/2005/Atom" xml:base="javascript:alert(1)//"><title>J</title><id>urn:j</id><updated>2025-12-01T10:00:00Z</updated>
                <entry><id>e8</id><title>js root</title><updated>2025-12-02T10:00:00Z</updated><content type="html">&lt;img src="img2.png"&gt;</content></entry></feed>
                """)
        }
        defer { server.stop() }
        let rootBase = try CrawlerProcess.run(["parse", server.url("root.xml"), "--render"], in: folder.path)
        #expect(rootBase.stdout.contains("src=\"\(server.url("img2.png"))\""), "\(rootBase.stdout) \(rootBase.stderr)")
        // Round 37: as if it were not there, for the entries' links and their own relative bases too.
        let chained = try LoopbackHTTPServer { _ in
            ServedResponse(contentType: "application/atom+xml", text: """
                <?xml version="1.0" encoding="utf-8"?>
                <feed xmlns="http://www.w3.org/2005/Atom" xml:base="javascript:alert(1)//"><title>J</title><id>urn:j</id><updated>2025-12-01T10:00:00Z</updated>
                <entry><id>e9</id><title>linked</title><updated>2025-12-02T10:00:00Z</updated><link href="post/1.html"/><content type="html">x</content></entry>
                <entry xml:base="sub/"><id>e10</id><title>sub</title><updated>2025-12-02T10:00:00Z</updated>
                <content type="html" xml:base="c/">&lt;a href="rel/c"&gt;c&lt;/a&gt;</content></entry></feed>
                """)
        }
        defer { chained.stop() }
        try folder.write("store: ./store\noutput: hugo\nfeeds: []\n", to: "hugo.yaml")
        let chain = try CrawlerProcess.run(["parse", chained.url("dir/feed.xml"), "--render", "--config", folder.file("hugo.yaml")], in: folder.path)
        #expect(chain.stdout.contains("source: '\(chained.url("dir/post/1.html"))'"), "\(chain.stdout) \(chain.stderr)")
        #expect(chain.stdout.contains("href=\"\(chained.url("dir/sub/c/rel/c"))\""), "\(chain.stdout) \(chain.stderr)")
    }
}
