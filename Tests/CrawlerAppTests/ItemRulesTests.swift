import CrawlerTestKit
import Foundation
import Testing

/// `block:`, `keep:` and `rewrite:` through the real binary, and lazy images given a real `src`,
/// each beside a healthy feed that stores all it carries.
@Suite struct ItemRulesTests {
    let folder = TemporaryFolder()

    struct Entry {
        var title: String
        var author = "Newsroom"
        var category = "World"
        var body = "<p>Plain text.</p>"
    }

    static func feed(_ name: String, _ entries: [Entry]) -> String {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>\(name)</title>"
            + "<link>https://example.org/</link>\n"
        for (index, entry) in entries.enumerated() {
            text += "<item><title>\(entry.title)</title><guid>\(name)-\(index)</guid>"
                + "<link>https://example.org/\(name)/\(index)</link><author>\(entry.author)</author>"
                + "<category>\(entry.category)</category>"
                + "<description><![CDATA[\(entry.body)]]></description></item>\n"
        }
        return text + "</channel></rss>\n"
    }

    static func server(_ feeds: [String: String]) throws -> LoopbackHTTPServer {
        let bodies = feeds.mapValues { Array($0.utf8) }
        return try LoopbackHTTPServer { request in
            guard let body = bodies[String(request.path.dropFirst())] else { return ServedResponse(status: 404, body: []) }
            return ServedResponse(headers: [("Content-Type", "application/rss+xml")], body: body)
        }
    }

    /// Stored documents by title.
    func documents() -> [String: String] {
        var byTitle: [String: String] = [:]
        for file in folder.files(under: "out/posts") {
            guard let text = folder.read("out/posts/" + file),
                  let line = text.split(separator: "\n").first(where: { $0.hasPrefix("title: ") }) else { continue }
            byTitle[line.dropFirst(7).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))] = text
        }
        return byTitle
    }

    func droppedLines(_ stderr: String) -> [LogLine] {
        stderr.split(separator: "\n").map { LogLine(String($0)) }.filter { $0["event"] == "item_dropped" }
    }

    @Test func blockedItemsAreNotStoredAndAreLoggedWithTheirRule() throws {
        let server = try Self.server([
            "healthy": Self.feed("healthy", [Entry(title: "Healthy one"), Entry(title: "Sponsored healthy")]),
            "news": Self.feed("news", [Entry(title: "Election results"), Entry(title: "Sponsored: buy a car"),
                                       Entry(title: "Press note", author: "PR Desk", category: "Promo"),
                                       Entry(title: "Press note two", author: "PR Desk", category: "Science")]),
        ])
        try folder.write("""
            store: ./out
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/news"))
                name: news
                block:
                  - title: "(?i)^sponsored"
                  - author: "^PR Desk$"
                    categories: "^Promo$"
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once", "--log-level", "debug"], in: folder.path)
        #expect(run.status == 0, "stderr: \(run.stderr.suffix(1500))")
        let titles = Set(documents().keys)
        #expect(titles == ["Healthy one", "Sponsored healthy", "Election results", "Press note two"])
        let dropped = droppedLines(run.stderr)
        #expect(dropped.count == 2, "stderr: \(run.stderr.suffix(2000))")
        let sponsored = dropped.first { $0["title"] == "Sponsored: buy a car" }
        #expect(sponsored?["feed"] == "news")
        #expect(sponsored?["level"] == "debug")
        #expect(sponsored?["reason"] == "block rule title=~/(?i)^sponsored/ (feeds.yaml:8)")
        let press = dropped.first { $0["title"] == "Press note" }
        #expect(press?["reason"] == "block rule author=~/^PR Desk$/ categories=~/^Promo$/ (feeds.yaml:9)")
    }

    /// Round 20: "change the rules and it comes in": a rule removed, the feed's unchanged body
    /// (or a 304) brought nothing, even with --force. `once --force` reads every feed anew.
    @Test func aRuleRemovedLetsTheItemInWithForce() throws {
        let server = try Self.server([
            "healthy": Self.feed("healthy", [Entry(title: "Healthy one")]),
            "news": Self.feed("news", [Entry(title: "Election results"), Entry(title: "Sponsored: buy a car")]),
        ])
        func config(blocking: Bool) -> String {
            "store: ./out\nfeeds:\n  - url: \(server.url("/healthy"))\n    name: healthy\n"
                + "  - url: \(server.url("/news"))\n    name: news\n" + (blocking ? "    block:\n      - title: \"(?i)^sponsored\"\n" : "")
        }
        try folder.write(config(blocking: true), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["once"], in: folder.path).status == 0)
        #expect(Set(documents().keys) == ["Healthy one", "Election results"])
        try folder.write(config(blocking: false), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["once"], in: folder.path).status == 0)
        let forced = try CrawlerProcess.run(["once", "--force"], in: folder.path)
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(Set(documents().keys) == ["Healthy one", "Election results", "Sponsored_ buy a car"], "\(forced.stdout)")
    }

    @Test func withKeepRulesOnlyMatchingItemsAreStoredAndGlobalBlockRulesApplyToo() throws {
        let server = try Self.server([
            "healthy": Self.feed("healthy", [Entry(title: "Healthy one"), Entry(title: "Healthy two")]),
            "markets": Self.feed("markets", [Entry(title: "Stocks rise", category: "Finance"),
                                             Entry(title: "Football final", category: "Sport"),
                                             Entry(title: "Bonds fall", category: "Markets"),
                                             Entry(title: "Ad: Bonds for you", category: "Markets")]),
        ])
        try folder.write("""
            store: ./out
            block:
              - title: "^Ad:"
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/markets"))
                name: markets
                keep:
                  - categories: "^(Finance|Markets)$"
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once", "--log-level", "debug"], in: folder.path)
        #expect(run.status == 0, "stderr: \(run.stderr.suffix(1500))")
        #expect(Set(documents().keys) == ["Healthy one", "Healthy two", "Stocks rise", "Bonds fall"])
        let reasons = Dictionary(uniqueKeysWithValues: droppedLines(run.stderr).map { ($0["title"] ?? "", $0["reason"] ?? "") })
        #expect(reasons == ["Football final": "matches no keep rule",
                            "Ad: Bonds for you": "block rule title=~/^Ad:/ (feeds.yaml:3)"])
    }

    @Test func rewriteRulesChangeTheBodyBeforeTheSanitizerAndLazyImagesGetARealSource() throws {
        let body = "<p>Story text.</p><p class=\"ad\">Buy things</p>"
            + "<img src=\"/blank.gif\" data-src=\"/pics/story.jpg\"><img srcset=\"/pics/wide.jpg 2x\">"
            + "<p>See http://img.example.org/a.png</p>"
        let server = try Self.server([
            "healthy": Self.feed("healthy", [Entry(title: "Healthy one", body: "<p class=\"ad\">stays here</p>")]),
            "story": Self.feed("story", [Entry(title: "A story", body: body)]),
        ])
        try folder.write("""
            store: ./out
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/story"))
                name: story
                rewrite:
                  '<p class="ad">.*?</p>': ''
                  'http://(img\\.example\\.org)': 'https://$1'
                  'Story text': '<script>alert(1)</script>Story text'
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "stderr: \(run.stderr.suffix(1500))")
        let documents = documents()
        #expect(documents["Healthy one"]?.contains("stays here") == true)
        let story = try #require(documents["A story"])
        #expect(!story.contains("Buy things"))
        #expect(story.contains("See https://img.example.org/a.png"))
        #expect(!story.contains("<script"), "the sanitizer runs after the rewrites: \(story)")
        #expect(story.contains("src=\"https://example.org/pics/story.jpg\""), "\(story)")
        #expect(story.contains("src=\"https://example.org/pics/wide.jpg\""), "\(story)")
        #expect(!story.contains("blank.gif"))
    }
}
