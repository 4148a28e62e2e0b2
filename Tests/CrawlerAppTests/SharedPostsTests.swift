import CrawlerTestKit
import Foundation
import Synchronization
import Testing

/// A post two feeds carry (a planet and a blog, a scraper and its victim), stored by the one
/// polled first, through the real binary: what the other feed read stays in the store.
@Suite struct SharedPostsTests {
    let folder = TemporaryFolder()
    /// The copycat's copy of the healthy feed's story: its body, and whether a newer story of its own follows.
    final class Copy: Sendable {
        let state = Mutex((body: "Healthy body number 0 with words.", ownStory: false))
        func withLock<T>(_ body: (inout (body: String, ownStory: Bool)) -> T) -> T { state.withLock { body(&$0) } }
    }
    let copy = Copy()

    static func item(_ guid: String, title: String, body: String, date: String) -> String {
        "<item><title>\(title)</title><guid>\(guid)</guid><link>https://example.org/\(guid)</link>"
            + "<pubDate>\(date) 10:00:00 GMT</pubDate><description>\(body)</description></item>"
    }

    static func feed(_ channel: String, _ items: [String]) -> String {
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>\(channel)</title><link>https://example.org/</link>"
            + items.joined() + "</channel></rss>"
    }

    private func serve(keep: String = "") throws -> LoopbackHTTPServer {
        let copy = self.copy
        let server = try LoopbackHTTPServer { request in
            let story = Self.item("h-0", title: "Healthy item 0", body: "Healthy body number 0 with words.", date: "Mon, 01 Dec 2025")
            guard request.path == "/copycat" else { return ServedResponse(text: Self.feed("Healthy", [story])) }
            let (body, ownStory) = copy.withLock { ($0.body, $0.ownStory) }
            var items = [Self.item("c-0", title: "Healthy item 0", body: body, date: "Mon, 01 Dec 2025")]
            if ownStory { items.append(Self.item("c-1", title: "Copycat's own", body: "Its own words.", date: "Tue, 01 Dec 2026")) }
            return ServedResponse(text: Self.feed("Copycat", items))
        }
        try folder.write("store: ./store\n\(keep)feeds:\n  - url: \(server.url("/healthy"))\n    name: healthy\n"
                         + "  - url: \(server.url("/copycat"))\n    name: copycat\n", to: "feeds.yaml")
        return server
    }

    private func once(_ feed: String, force: Bool = false) throws -> CrawlerProcess.Run {
        let run = try CrawlerProcess.run(["once", "--feed", feed] + (force ? ["--force"] : []), in: folder.path)
        #expect(run.status == 0, "\(run.stderr.suffix(1000))")
        return run
    }

    private func stored() -> [String] {
        folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
    }

    /// Round 23: the copycat's `keep:` forgot the post the blog had read as its own story (its
    /// bound counted it among the copycat's, being the older), and the blog's post went with it.
    @Test func aFeedsKeepDoesNotForgetAPostAnotherFeedCarries() throws {
        _ = try serve(keep: "keep: 1\n")
        _ = try once("copycat")
        #expect(try once("healthy").stdout.contains("0 new, 1 dup"))
        copy.withLock { $0.ownStory = true }
        let copycat = try once("copycat")
        #expect(copycat.stdout.contains("1 new"), "\(copycat.stdout)")
        #expect(!copycat.stderr.contains("event=retention"), "\(copycat.stderr)")
        #expect(stored().contains { $0.contains("Healthy body number 0 with words.") })
        #expect(try once("healthy", force: true).stdout.contains("0 new, 1 dup"))
        // Round 24: once the blog is no longer configured, its reading holds the post no more.
        let configured = try #require(folder.read("feeds.yaml"))
        try folder.write(configured.components(separatedBy: "\n").filter { !$0.contains("/healthy") && !$0.contains("name: healthy") }
                            .joined(separator: "\n"), to: "feeds.yaml")
        let alone = try once("copycat", force: true)
        #expect(alone.stderr.contains("event=retention") && alone.stderr.contains("forgotten=1"), "\(alone.stderr)")
        #expect(!stored().contains { $0.contains("Healthy body number 0 with words.") })
    }

    /// Round 23: with `keep:`, the copycat's copy (dated before its own newer story) was forgotten
    /// by the copycat's bound before the blog was polled, and the blog's story, a duplicate of a
    /// forgotten text, was never stored.
    @Test func anotherFeedsKeepDoesNotForgetAStoryForTheFeedThatCarriesIt() throws {
        _ = try serve(keep: "keep: 1\n")
        copy.withLock { $0.ownStory = true }
        let copycat = try once("copycat")
        #expect(copycat.stderr.contains("event=retention") && copycat.stderr.contains("forgotten=1"), "\(copycat.stderr)")
        #expect(try once("healthy").stdout.contains("1 new, 0 dup"))
        #expect(stored().contains { $0.contains("Healthy body number 0 with words.") })
        #expect(try once("copycat").stdout.contains("0 new"), "the copycat's own bound still holds for it")
        // Round 24: the copycat's tombstone made verify call the blog's post "forgotten, yet on
        // disk" (its advice removed it), and rebuild-index left it out.
        let verify = try CrawlerProcess.run(["store", "verify"], in: folder.path)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let rebuilt = try CrawlerProcess.run(["store", "rebuild-index"], in: folder.path)
        #expect(rebuilt.status == 0 && !rebuilt.stdout.contains("forgotten"), "\(rebuilt.stdout)\(rebuilt.stderr)")
        #expect(try CrawlerProcess.run(["store", "verify"], in: folder.path).status == 0)
        #expect(try once("healthy", force: true).stdout.contains("0 new, 1 dup"))
        #expect(stored().contains { $0.contains("Healthy body number 0 with words.") })
    }

    /// Round 24: `store forget --feed copycat` forgot the copycat's copy of the blog's story for
    /// every feed, and the blog's story never came back. Chosen by feed, it is that feed's tombstone.
    @Test func forgettingACopycatsPostsLeavesTheBlogsStoryToTheBlog() throws {
        _ = try serve()
        _ = try once("copycat")
        #expect(try once("healthy").stdout.contains("0 new, 1 dup"))
        let forget = try CrawlerProcess.run(["store", "forget", "--feed", "copycat"], in: folder.path)
        #expect(forget.status == 0, "\(forget.stdout)\(forget.stderr)")
        #expect(forget.stdout.contains("copycat will not store them again (another feed with the same text may"), "\(forget.stdout)")
        #expect(!stored().contains { $0.contains("Healthy body number 0 with words.") })
        #expect(try once("healthy", force: true).stdout.contains("1 new, 0 dup"))
        #expect(stored().contains { $0.contains("Healthy body number 0 with words.") })
        #expect(try once("copycat", force: true).stdout.contains("0 new"), "the copycat's copy stays forgotten for it")
    }

    /// Round 24: a planet carrying a post's corrected text (a version the post holds, not the one
    /// it was stored with) was not recorded as its reader, and the blog's `keep:` forgot the post.
    @Test func aPostWhoseCorrectedTextAnotherFeedCarriesIsKept() throws {
        let blog = Mutex([Self.item("b1", title: "Alpha", body: "Alpha first text.", date: "Mon, 01 Dec 2025")])
        let server = try LoopbackHTTPServer { request in
            guard request.path == "/planet" else { return ServedResponse(text: Self.feed("Blog", blog.withLock { $0 })) }
            return ServedResponse(text: Self.feed("Planet", [Self.item("p1", title: "Alpha", body: "Alpha corrected text.",
                                                                       date: "Mon, 01 Dec 2025")]))
        }
        let feeds = "store: ./store\nkeep: 1\nfeeds:\n  - url: \(server.url("/blog"))\n    name: blog\n"
        try folder.write(feeds, to: "feeds.yaml")
        _ = try once("blog")
        blog.withLock { $0 = [Self.item("b1", title: "Alpha", body: "Alpha corrected text.", date: "Mon, 01 Dec 2025")] }
        _ = try once("blog", force: true)
        try folder.write(feeds + "  - url: \(server.url("/planet"))\n    name: planet\n", to: "feeds.yaml")
        #expect(try once("planet").stdout.contains("0 new, 1 dup"))
        blog.withLock { $0.insert(Self.item("b2", title: "Beta", body: "Beta text.", date: "Tue, 02 Dec 2025"), at: 0) }
        let third = try once("blog", force: true)
        #expect(!third.stderr.contains("event=retention"), "\(third.stderr)")
        #expect(stored().contains { $0.contains("Alpha corrected text.") }, "\(stored())")
        #expect(stored().contains { $0.contains("Beta text.") })
    }
}
