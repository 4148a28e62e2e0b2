import CrawlerTestKit
import Foundation
import Testing

/// Feeds as publishers write them, each read through the binary beside a healthy feed: what a
/// reader of the site would expect to find in the post.
@Suite struct PublisherFeedsTests {
    let folder = TemporaryFolder()

    static let healthy = """
        <?xml version="1.0"?><rss version="2.0"><channel><title>Healthy</title>
        <item><title>Healthy post</title><guid>h1</guid><description>steady text</description></item></channel></rss>
        """

    /// `once` over `feeds` (served at /NAME, configured as feed NAME) and the healthy feed: the
    /// stored documents' texts.
    private func crawl(_ feeds: [String: String]) throws -> (run: CrawlerProcess.Run, stored: [String]) {
        let server = try LoopbackHTTPServer { request in
            ServedResponse(text: feeds[String(request.path.dropFirst())] ?? Self.healthy)
        }
        try folder.write("store: ./store\nfeeds:\n" + (feeds.keys.sorted() + ["healthy"]).map {
            "  - url: \(server.url("/" + $0))\n    name: \($0)\n"
        }.joined(), to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        let stored = folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
        #expect(stored.contains { $0.contains("steady text") })
        return (run, stored)
    }

    /// Round 23: JSON Feed titles are plain text, but were read as HTML: `How to use the <script>
    /// tag` was stored as `How to use the`, and `Faster Vector<int> sorting` and `Faster
    /// Vector<float> sorting` (same body) both became `Faster Vector sorting`: the second was
    /// taken for a duplicate and never stored. They read as RSS titles do.
    @Test func aJSONFeedTitleIsPlainTextAndKeepsItsWords() throws {
        let json = """
            {"version":"https://jsonfeed.org/version/1.1","title":"J","items":[
            {"id":"1","title":"How to use the <script> tag safely","content_text":"one"},
            {"id":"2","title":"Faster Vector<int> sorting","content_text":"same body"},
            {"id":"3","title":"Faster Vector<float> sorting","content_text":"same body"},
            {"id":"4","title":"AT&amp;T and <b>bold</b> news","content_text":"two"}]}
            """
        let (run, stored) = try crawl(["json": json])
        #expect(run.stdout.contains("4 new, 0 dup"), "\(run.stdout)")
        for title in ["How to use the _script_ tag safely", "Faster Vector_int_ sorting", "Faster Vector_float_ sorting",
                      "AT&T and bold news"] {
            #expect(stored.contains { $0.contains("title: '\(title)'") }, "\(title): \(stored)")
        }
    }

    /// Round 23: an image the body rewrites read as a comment or a stylesheet (`<!-->` opens and
    /// closes an empty comment in HTML; `<style>` inside `<select>` is no stylesheet) got no
    /// `referrerpolicy`, yet the sanitizer kept it: the site's address went to the feed's image
    /// host as the Referer.
    @Test func everyImageKeptGoesWithoutAReferer() throws {
        let rss = """
            <?xml version="1.0"?><rss version="2.0"><channel><title>Images</title><link>https://images.example/</link>
            <item><title>Comment</title><guid>1</guid><description><![CDATA[<!--><img src="https://t.example/b.png">-->]]></description></item>
            <item><title>Select</title><guid>2</guid><description><![CDATA[<select><style></select><img src="https://t.example/c.png"></style></select>]]></description></item>
            </channel></rss>
            """
        let (_, stored) = try crawl(["images": rss])
        for title in ["Comment", "Select"] {
            let document = try #require(stored.first { $0.contains("title: '\(title)'") }, "\(stored)")
            let images = document.matches(of: /<img[^>]*>/).map { String($0.0) }
            #expect(!images.isEmpty && images.allSatisfy { $0.contains("referrerpolicy=\"no-referrer\"") }, "\(document)")
        }
    }

    /// Round 15: a YouTube channel's feed carries a video's words in `media:description` only, a
    /// podcast's in `itunes:summary`, a JSON Feed item may have only `summary`: each post was
    /// stored empty. And `content_text` ran its lines and paragraphs together on one line.
    @Test func postsWithoutAContentFieldKeepTheWordsTheFeedGives() throws {
        let youtube = """
            <?xml version="1.0" encoding="UTF-8"?>
            <feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
             <title>Channel</title><id>yt:channel:UC1</id>
             <entry><id>yt:video:abc123</id><yt:videoId>abc123</yt:videoId><title>How we built it</title>
              <link rel="alternate" href="https://www.youtube.com/watch?v=abc123"/><published>2026-11-30T10:00:00+00:00</published>
              <media:group><media:title>How we built it</media:title>
               <media:content url="https://www.youtube.com/v/abc123?version=3" type="application/x-shockwave-flash" width="640" height="390"/>
               <media:thumbnail url="https://i2.ytimg.com/vi/abc123/hqdefault.jpg" width="480" height="360"/>
               <media:description>In this video we build a crawler.

            Chapters:
            00:00 Intro &amp; setup
            05:10 Parsing</media:description></media:group></entry></feed>
            """
        let podcast = """
            <?xml version="1.0"?><rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>
            <title>Garden Talk</title><itunes:author>Garden Talk Network</itunes:author>
            <item><title>Ep 51: Roses</title><guid>ep51</guid>
            <enclosure url="https://cdn.example/ep51.mp3" type="audio/mpeg" length="1000"/>
            <itunes:summary>All about roses &lt;and thorns&gt;.</itunes:summary></item></channel></rss>
            """
        let json = """
            {"version": "https://jsonfeed.org/version/1.1", "title": "Notes", "items": [
             {"id": "n1", "title": "Plain text only", "content_text": "Line one\\nLine two\\n\\nSecond paragraph <b>not bold</b>"},
             {"id": "n2", "title": "Summary only", "summary": "Just a summary"}]}
            """
        let (run, stored) = try crawl(["youtube": youtube, "podcast": podcast, "json": json])
        let video = try #require(stored.first { $0.contains("How we built it") }, "\(run.stderr.suffix(1500))")
        #expect(video.contains("<p>In this video we build a crawler.</p>") && video.contains("00:00 Intro &amp; setup<br>"), "\(video)")
        let episode = try #require(stored.first { $0.contains("Roses") })
        #expect(episode.contains("All about roses &lt;and thorns&gt;."), "\(episode)")
        // An episode naming no author is the podcast's author's, not its title's.
        #expect(episode.contains("author: Garden Talk Network"), "\(episode)")
        let text = try #require(stored.first { $0.contains("Plain text only") })
        #expect(text.contains("<p>Line one<br>\nLine two</p>\n<p>Second paragraph &lt;b&gt;not bold&lt;/b&gt;</p>"), "\(text)")
        #expect(stored.contains { $0.contains("<p>Just a summary</p>") })
    }

    /// Round 15: Hacker News and programming blogs name tags and types in their titles, escaped
    /// as RSS wants: `The history of the <blink> tag` was stored as `The history of the  tag`.
    /// Inline formatting a feed puts in a title (`<b>`) still goes.
    @Test func aTitleThatNamesATagKeepsIt() throws {
        try folder.write("""
            <?xml version="1.0"?><rss version="2.0"><channel><title>HN</title>
            <item><title>The history of the &lt;blink&gt; tag</title><guid>1</guid></item>
            <item><title>Why std::vector&lt;bool&gt; is special</title><guid>2</guid></item>
            <item><title>&lt;b&gt;Bold&lt;/b&gt; news &lt;a href="x"&gt;here&lt;/a&gt;</title><guid>3</guid></item>
            <item><title>Either&lt;A, B&gt; and Iterator&lt;I&gt; if a&lt;b and c&gt;d; the &lt;a&gt; tag</title><guid>4</guid></item>
            <item><title>Line one&lt;br&gt;Line two &lt;a\nhref="x"&gt;multi&lt;/a&gt; line</title><guid>5</guid></item>
            </channel></rss>
            """, to: "hn.xml")
        let run = try CrawlerProcess.run(["parse", "hn.xml", "--json"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\"title\":\"The history of the <blink> tag\""), "\(run.stdout)")
        #expect(run.stdout.contains("\"title\":\"Why std::vector<bool> is special\""), "\(run.stdout)")
        #expect(run.stdout.contains("\"title\":\"Bold news here\""), "\(run.stdout)")
        // Round 16: one-letter type parameters and comparisons are no tags (unclosed).
        #expect(run.stdout.contains("\"title\":\"Either<A, B> and Iterator<I> if a<b and c>d; the <a> tag\""), "\(run.stdout)")
        // Round 17: a line break between words is a space, and a tag broken over lines a tag.
        #expect(run.stdout.contains("\"title\":\"Line one Line two multi line\""), "\(run.stdout)")
    }

    /// Round 19: a line break in an Atom title (escaped HTML, XHTML, or written as an element),
    /// in an RSS title written as an element, and in a JSON Feed title glued two words together;
    /// one with spaces around it left two.
    @Test func aLineBreakInATitleIsOneSpaceInEveryDialect() throws {
        try folder.write("""
            <?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><id>urn:a</id>
            <entry><id>urn:1</id><title type="html">One&lt;br&gt;two</title></entry>
            <entry><id>urn:2</id><title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Three<br/>four</div></title></entry>
            <entry><id>urn:3</id><title>Five<br/>six</title></entry>
            <entry><id>urn:4</id><title type="html">Seven &lt;BR &gt; eight</title></entry>
            </feed>
            """, to: "atom.xml")
        try folder.write("""
            <?xml version="1.0"?><rss version="2.0"><channel><title>R</title>
            <item><title>Line one<br/>line two</title><guid>1</guid></item>
            <item><title>Line three &lt;BR &gt; line four</title><guid>2</guid></item>
            </channel></rss>
            """, to: "rss.xml")
        try folder.write("""
            {"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","title":"Nine<br>ten","content_text":"x"}]}
            """, to: "feed.json")
        var titles: [String] = []
        for file in ["atom.xml", "rss.xml", "feed.json"] {
            let run = try CrawlerProcess.run(["parse", file, "--json"], in: folder.path)
            #expect(run.status == 0, "\(run.stderr)")
            titles.append(run.stdout)
        }
        let all = titles.joined()
        for expected in ["One two", "Three four", "Five six", "Seven eight", "Line one line two", "Line three line four", "Nine ten"] {
            #expect(all.contains("\"title\":\"\(expected)\""), "\(expected): \(all)")
        }
    }

    /// Round 15: Medium ends each post with a 1×1 tracking image; a post without a picture of its
    /// own took it for its header image.
    @Test func aTrackingPixelIsNoPostsPicture() throws {
        let medium = """
            <?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Medium</title>
            <item><title>Notes from KubeCon</title><guid>m1</guid><content:encoded><![CDATA[<p>Words only.</p>\
            <img src="https://medium.com/_/stat?event=post.clientViewed&amp;postId=1b2c" width="1" height="1" alt="">]]></content:encoded></item>
            <item><title>With a photo</title><guid>m2</guid><content:encoded><![CDATA[<img src="https://medium.com/_/stat?p=2" width="1" \
            height="1"><img src="https://t.example/a.gif" width="1.0" height="1.0"><img src="https://t.example/b.gif" \
            style="width:1px;height:1px"><img src="https://t.example/c.gif" style="display: none">\
            <img src="https://t.example/d.gif" hidden><img src="https://t.example/e.gif" style="width:1px!important">\
            <img src="https://t.example/f.gif" style="opacity: 0">\
            <p>Words.</p><img src="https://cdn-images-1.medium.com/max/1024/photo.jpeg">]]></content:encoded></item>
            </channel></rss>
            """
        let (run, stored) = try crawl(["medium": medium])
        let words = try #require(stored.first { $0.contains("Notes from KubeCon") }, "\(run.stderr.suffix(1500))")
        #expect(!words.contains("headimg:") && !words.contains("thumbnail:"), "\(words)")
        let photo = try #require(stored.first { $0.contains("With a photo") })
        #expect(photo.contains("headimg: 'https://cdn-images-1.medium.com/max/1024/photo.jpeg'"), "\(photo)")
    }

    /// Round 16: with its description standing in for a body, a channel's weekly stream ("Sunday
    /// Service", the same words under every video) was one post: every video after the first a
    /// duplicate of it. Such a body's videos tell them apart.
    @Test func videosWithOneTitleAndOneDescriptionAreEachAPost() throws {
        let entries = (1...3).map { number in
            """
            <entry><id>yt:video:v\(number)</id><title>Sunday Service</title>
             <link rel="alternate" href="https://www.youtube.com/watch?v=v\(number)"/><published>2026-11-0\(number)T10:00:00+00:00</published>
             <media:group><media:thumbnail url="https://i2.ytimg.com/vi/v\(number)/hqdefault.jpg" width="480" height="360"/>
             <media:description>Join us live every Sunday at 10am! Subscribe and share.</media:description></media:group></entry>
            """
        }.joined()
        let youtube = """
            <?xml version="1.0" encoding="UTF-8"?><feed xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
            <title>Church</title><id>yt:channel:UC2</id>\(entries)</feed>
            """
        let (run, stored) = try crawl(["church": youtube])
        #expect(stored.filter { $0.contains("Sunday Service") }.count == 3, "\(run.stderr.suffix(1500))")
    }
}
