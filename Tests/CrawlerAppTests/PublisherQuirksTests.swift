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
}
