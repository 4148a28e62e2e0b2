import CrawlerTestKit
import Foundation
import Testing

/// `keep:`: after each pass a feed's documents past the bound are forgotten (files gone,
/// tombstoned), so the items still in the feed are not stored again; a feed without it keeps all.
@Suite struct RetentionTests {
    let folder = TemporaryFolder()
    let farm = FeedFarm(feeds: 3, itemsPerFeed: 5)

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    private func documents(containing text: String) -> [String] {
        folder.files(under: "store/posts").filter { folder.read("store/posts/" + $0)?.contains(text) == true }
    }

    @Test func aCountAndAnAgeKeepOnlyWhatTheySayAndTheRestStaysGone() throws {
        let served = SharedNumber(0)
        let farm = self.farm
        let server = try LoopbackHTTPServer { request in
            let number = Int(request.path.dropFirst("/feed/".count).prefix(while: \.isNumber)) ?? 0
            return ServedResponse(text: farm.document(feed: number) + "<!-- \(served.value) -->")
        }
        try folder.write("""
            store: ./store
            host_gap: 0s
            feeds:
              - url: \(server.url("/feed/0.xml"))
                name: counted
                keep: 2
              - url: \(server.url("/feed/1.xml"))
                name: aged
                keep: 90d
              - url: \(server.url("/feed/2.xml"))
                name: healthy

            """, to: "feeds.yaml")
        // `check` says what a count keeps before a crawl forgets the rest (`keep: 30` for 30 days is an easy slip).
        let check = try crawler(["check"])
        #expect(check.stdout.contains("note: keep: 2 keeps each feed's 2 newest posts and forgets the rest; for days write keep: 2d"),
                "\(check.stdout)")
        #expect(!check.stdout.contains("keep: 90d keeps"))
        let once = try crawler(["once"])
        #expect(once.status == 0, "\(once.stderr)")
        let retention = once.stderr.split(separator: "\n").map { LogLine(String($0)) }.filter { $0["event"] == "retention" }
        #expect(retention.count == 2, "\(once.stderr)")
        #expect(retention.contains { $0["feed"] == "counted" && $0["forgotten"] == "3" && $0["keep"] == "2" })
        #expect(retention.contains { $0["feed"] == "aged" && $0["forgotten"] == "5" && $0["keep"] == "90d" })
        // The summary says so too: an info line was all that told what keep: had removed.
        #expect(once.stdout.contains(", 8 forgotten (keep:); "), "\(once.stdout)")
        // Feed 0's items are dated 1-5 Feb 2022: the two newest stay.
        let counted = documents(containing: "from feed 0.")
        #expect(counted.count == 2)
        #expect(documents(containing: "Story 4 of feed 0").count == 1 && documents(containing: "Story 3 of feed 0").count == 1)
        #expect(documents(containing: "from feed 1.").isEmpty)
        #expect(documents(containing: "from feed 2.").count == 5)
        #expect(try crawler(["store", "verify"]).status == 0)

        // The next pass parses the feeds again (their bodies changed) and, with room for one
        // more, still stores none of the forgotten items.
        served.value += 1
        try folder.write(try #require(folder.read("feeds.yaml")).replacingOccurrences(of: "keep: 2", with: "keep: 3"),
                         to: "feeds.yaml")
        let again = try crawler(["once"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("0 new documents"), "\(again.stdout)")
        #expect(documents(containing: "from feed 0.").count == 2)
        #expect(documents(containing: "from feed 1.").isEmpty)
        #expect(documents(containing: "from feed 2.").count == 5)
    }

    /// `keep:` removed a post the site owner had edited with the rest, and the edit with it (every
    /// other path that would take an edit keeps it as `NAME.edited`). Kept now, and logged.
    @Test func aPostEditedByHandIsKeptPastTheBound() throws {
        let served = SharedNumber(0)
        let farm = self.farm
        let server = try LoopbackHTTPServer { request in
            let number = Int(request.path.dropFirst("/feed/".count).prefix(while: \.isNumber)) ?? 0
            return ServedResponse(text: farm.document(feed: number) + "<!-- \(served.value) -->")
        }
        let config = { (keep: String) in "store: ./store\nhost_gap: 0s\nfeeds:\n  - url: \(server.url("/feed/0.xml"))\n    name: counted\n"
            + keep + "  - url: \(server.url("/feed/2.xml"))\n    name: healthy\n" }
        try folder.write(config(""), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        let oldest = try #require(documents(containing: "Story 0 of feed 0").first)
        let text = try #require(folder.read("store/posts/" + oldest))
        try folder.write(text + "\nA note of my own.\n", to: "store/posts/" + oldest)
        served.value += 1
        try folder.write(config("    keep: 2\n"), to: "feeds.yaml")
        let once = try crawler(["once"])
        #expect(once.status == 0, "\(once.stderr)")
        let line = once.stderr.split(separator: "\n").map { LogLine(String($0)) }.first { $0["event"] == "retention" }
        #expect(line?["forgotten"] == "2" && line?["kept_edited"] == "1", "\(once.stderr)")
        #expect(folder.read("store/posts/" + oldest)?.contains("A note of my own.") == true)
        #expect(documents(containing: "from feed 0.").count == 3)
        #expect(documents(containing: "from feed 2.").count == 5)
    }

    @Test func aKeepThatKeepsNothingOrIsNoAmountIsRefusedWithItsLine() throws {
        try folder.write("store: ./store\nkeep: 0\nfeeds:\n  - url: https://example.org/a.xml\n", to: "feeds.yaml")
        let zero = try crawler(["check"])
        #expect(zero.status == 2)
        #expect(zero.stderr.contains("feeds.yaml:2: keep: '0' keeps nothing"), "\(zero.stderr)")
        try folder.write("store: ./store\nkeep: 99999999999999999999\nfeeds:\n  - url: https://example.org/a.xml\n", to: "feeds.yaml")
        let huge = try crawler(["check"])
        #expect(huge.status == 2 && huge.stderr.contains("'99999999999999999999' is past any count of documents"), "\(huge.stderr)")
        try folder.write("store: ./store\nfeeds:\n  - url: https://example.org/a.xml\n    keep: soon\n", to: "feeds.yaml")
        let word = try crawler(["check"])
        #expect(word.status == 2)
        #expect(word.stderr.contains("feeds.yaml:4: feeds[0].keep: 'soon' is neither a count"), "\(word.stderr)")
    }

    /// `keep: 500.0` was read as 500 seconds: `check` called it valid, and the next fetch forgot
    /// every document older than eight minutes, for good. A number with a point is neither a
    /// count nor an age: refused with its line, the store untouched.
    @Test(arguments: ["500.0", "1.5", "30.", ".5", "6m", "500s", "0.4s", "59m", "0.0001d", "120m", "1d60m"])
    func aKeepWithADecimalPointIsRefusedAndForgetsNothing(value: String) throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: GoldenDocument.rssFeed(items: [])) }
        let farm = FeedFarm(feeds: 1, itemsPerFeed: 3)
        let feeds = try LoopbackHTTPServer { _ in ServedResponse(text: farm.document(feed: 0)) }
        let config = { (keep: String) in "store: ./store\nhost_gap: 0s\n\(keep)feeds:\n  - url: \(feeds.url("/f.xml"))\n    name: kept\n"
            + "  - url: \(server.url("/healthy.xml"))\n    name: healthy\n" }
        try folder.write(config(""), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        let stored = documents(containing: "from feed 0.").count
        #expect(stored == 3)
        try folder.write(config("keep: \(value)\n"), to: "feeds.yaml")
        let check = try crawler(["check"])
        #expect(check.status == 2)
        #expect(check.stderr.contains("feeds.yaml:3: keep: '\(value)'"), "\(check.stderr)")
        let once = try crawler(["once", "--force"])
        #expect(once.status == 2, "\(once.stderr)")
        #expect(documents(containing: "from feed 0.").count == stored)
    }
}
