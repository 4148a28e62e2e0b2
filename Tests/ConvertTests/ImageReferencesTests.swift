@testable import Convert
import FeedModel
import Testing

/// The body half of `images: local`: which images a body shows, and the body pointed at copies.
@Suite struct ImageReferencesTests {
    @Test func findsEachWebImageOnceDecoded() {
        let html = "<p><img src=\"https://a.example/1.png?x=1&amp;y=2\"><img src='https://a.example/2.jpg'>"
            + "<img src=\"data:image/png;base64,AAAA\"><img src=\"https://a.example/1.png?x=1&amp;y=2\"></p>"
        #expect(ImageReferences.sources(in: html) == ["https://a.example/1.png?x=1&y=2", "https://a.example/2.jpg"])
    }

    @Test func rewritesOnlyMappedSourcesAndKeepsEveryOtherByte() {
        let html = "<p class=\"x\">t</p><img alt=\"a\" src=\"https://a.example/1.png?x=1&amp;y=2\" referrerpolicy=\"no-referrer\">"
            + "<img src=\"https://b.example/keep.png\">"
        let rewritten = ImageReferences.rewrite(html, map: ["https://a.example/1.png?x=1&y=2": "/assets/ab/abcdef0123456789.png"])
        #expect(rewritten == "<p class=\"x\">t</p><img alt=\"a\" src=\"/assets/ab/abcdef0123456789.png\" referrerpolicy=\"no-referrer\">"
            + "<img src=\"https://b.example/keep.png\">")
    }

    @Test func theRenderedDocumentPointsAtCopiesAndKeepsItsHash() {
        var item = Item(id: "1", title: "Pictures", contentHTML: "<p>Hi</p><img src=\"https://img.example/p.jpg\">")
        item.link = "https://site.example/1"
        item.bodyImage = "https://img.example/p.jpg"
        let renderer = DocumentRenderer(feed: FeedConfig(name: "f", url: "https://site.example/rss"), channelTitle: "C")
        let plain = renderer.render(item, firstSeen: Timestamp(secondsSince1970: 0))
        let local = renderer.render(item, firstSeen: Timestamp(secondsSince1970: 0),
                                    images: ["https://img.example/p.jpg": "/assets/ab/abcdef0123456789.jpg"])
        #expect(local.contentHash == plain.contentHash)
        #expect(local.text.contains("src=\"/assets/ab/abcdef0123456789.jpg\""))
        #expect(local.text.contains("headimg: '/assets/ab/abcdef0123456789.jpg'"))
        #expect(!local.text.contains("img.example"))
    }
}
