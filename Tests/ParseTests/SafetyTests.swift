import FeedModel
import Parse
import Testing

/// A document can never make the parser read files, reach the network, or blow up.
@Suite struct SafetyTests {
    @Test(arguments: ["file:///etc/passwd", "http://127.0.0.1:9/x.dtd"])
    func externalEntitiesAreNeverLoaded(system: String) throws {
        let feed = try Fixture.parse(text: """
            <?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "\(system)">]>
            <rss version="2.0"><channel><title>x&secret;y</title><item><title>&secret;</title></item></channel></rss>
            """)
        #expect(feed.title == "x&secret;y")
        #expect(feed.items.first?.title == "&secret;")
    }

    @Test func externalDTDIsNotFetched() throws {
        let feed = try Fixture.parse(text: """
            <?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
              "http://127.0.0.1:9/rss-0.91.dtd">
            <rss version="0.91"><channel><title>Old &eacute;</title></channel></rss>
            """)
        #expect(feed.title == "Old é")
    }

    @Test func billionLaughsIsNeutralised() throws {
        var entities = "<!ENTITY lol0 \"lol\">"
        for level in 1...9 {
            entities += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">"
        }
        let feed = try Fixture.parse(text: """
            <?xml version="1.0"?><!DOCTYPE rss [\(entities)]>
            <rss version="2.0"><channel><title>&lol9;</title><item><title a="&lol9;">&lol9;</title></item></channel></rss>
            """)
        #expect(feed.title == "&lol9;")
        #expect(feed.items.count == 1)
    }

    @Test func deepNestingIsCutNotRecursedInto() throws {
        let depth = 100_000
        let text = "<rss version=\"2.0\"><channel><item><title>deep</title><description>"
            + String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
            + "</description></item></channel></rss>"
        // libxml2 stops at depth 256; whatever it recovers, the parser returns or throws, never overflows.
        let feed = try? Fixture.parse(text: text)
        #expect(feed.map { $0.items.count <= 1 } ?? true)
    }
}
