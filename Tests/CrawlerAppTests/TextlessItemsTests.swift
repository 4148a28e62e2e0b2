import CrawlerTestKit
import Foundation
import Testing

/// Items whose body has no text: a photo blog, a podcast.
@Suite struct TextlessItemsTests {
    let folder = TemporaryFolder()

    /// The content hash is the title and the body's text: every "Photo of the day" after the
    /// first, and every "Episode" without show notes, was taken for a duplicate of the first and
    /// never stored. Their images and enclosures tell them apart now; items with text still
    /// hash by their text alone (the same story carried by two feeds stays one).
    @Test func photosAndEpisodesWithoutTextAreEachStored() throws {
        let photos = """
            <rss version="2.0"><channel><title>photos</title><link>https://example.org/</link>
            <item><title>Photo of the day</title><guid>p1</guid><description><![CDATA[<img src="https://img.example/cat.jpg">]]></description></item>
            <item><title>Photo of the day</title><guid>p2</guid><description><![CDATA[<img src="https://img.example/dog.jpg">]]></description></item>
            <item><title>Episode</title><guid>e1</guid><enclosure url="https://cdn.example/1.mp3" type="audio/mpeg" length="1"/></item>
            <item><title>Episode</title><guid>e2</guid><enclosure url="https://cdn.example/2.mp3" type="audio/mpeg" length="1"/></item>
            <item><title>Episode</title><guid>e3</guid><enclosure url="https://cdn.example/download?id=3" type="audio/mpeg" length="1"/></item>
            <item><title>Episode</title><guid>e4</guid><enclosure url="https://cdn.example/download?id=4" type="audio/mpeg" length="1"/></item>
            </channel></rss>
            """
        let story = """
            <rss version="2.0"><channel><title>copy</title><link>https://example.org/</link>
            <item><title>Story</title><guid>s</guid><description><![CDATA[<p>The same text <img src="https://a.example/x.jpg"></p>]]></description></item>
            </channel></rss>
            """
        let server = try LoopbackHTTPServer { request in
            ServedResponse(text: request.path == "/photos" ? photos
                           : story.replacingOccurrences(of: "a.example", with: request.path == "/one" ? "a.example" : "b.example"))
        }
        try folder.write("store: ./out\nfeeds:\n" + ["photos", "one", "two"].map {
            "  - url: \(server.url("/" + $0))\n    name: \($0)\n" }.joined(), to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let stored = folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }
        for needle in ["cat.jpg", "dog.jpg"] {
            #expect(stored.contains { $0.contains(needle) }, "\(needle) not stored\n\(run.stdout)")
        }
        #expect(stored.filter { $0.contains("Episode") }.count == 4, "episodes told apart by their query alone: \(run.stdout)")
        #expect(stored.filter { $0.contains("The same text") }.count == 1, "a story with text is one item: \(run.stdout)")
        #expect(stored.count == 7, "\(run.stdout)")
    }

    /// Round 12: the media URLs went into the hash whole, so a photo whose URL carried a new
    /// `utm_*` or came from another of a CDN's hosts on each fetch was a new post every time.
    @Test func aPhotoWhoseURLChangesItsQueryIsOnePost() throws {
        let fetches = SharedNumber(0)
        let server = try LoopbackHTTPServer { _ in
            fetches.value += 1
            return ServedResponse(text: """
                <rss version="2.0"><channel><title>photos</title><link>https://example.org/</link>
                <item><title>Photo</title><guid>p1</guid><description><![CDATA[<img src="https://cdn\(fetches.value).example/p/cat.jpg?w=2&utm_source=x\(fetches.value)">]]></description></item>
                </channel></rss>
                """)
        }
        try folder.write("store: ./out\nfeeds:\n  - url: \(server.url("/photos"))\n    name: photos\n    revisions: new\n",
                         to: "feeds.yaml")
        for _ in 0..<3 { #expect(try CrawlerProcess.run(["once"], in: folder.path).status == 0) }
        #expect(folder.files(under: "out/posts").count == 1)
    }
}
