import CrawlerTestKit
import Foundation
import Testing

/// `keep:` in both its shapes (a value is retention, a list is item rules), at both levels of one
/// file, and retention under `crawler run` with `status` read while the daemon runs.
@Suite struct RetentionUnderRunTests {
    let folder = TemporaryFolder()
    let farm = FeedFarm(feeds: 3, itemsPerFeed: 5)

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    private func titles(in store: String, feed: Int) -> Set<String> {
        Set(folder.files(under: "\(store)/posts").compactMap { folder.read("\(store)/posts/" + $0) }
            .filter { $0.contains("from feed \(feed).") }
            .compactMap { $0.split(separator: "\n").first { $0.hasPrefix("title: ") }.map { String($0.dropFirst(7)) } })
    }

    private func feeds(_ server: LoopbackHTTPServer, store: String, global: String, perFeed: [String?]) -> String {
        var lines = ["store: ./\(store)", "host_gap: 0s", global, "feeds:"]
        for (number, keep) in perFeed.enumerated() {
            lines += ["  - url: \(server.url("/feed/\(number).xml"))", "    name: feed-\(number)"]
            if let keep { lines += keep.split(separator: "\n").map { "    " + $0 } }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func bothShapesOfKeepMixInOneFileAtBothLevels() throws {
        let server = try farm.server()
        // Global retention; one feed with rules (and the global retention), one with its own retention.
        try folder.write(feeds(server, store: "a", global: "keep: 2", perFeed: [
            "keep:\n  - title: \"Story [0-2] of\"", "keep: 4", nil,
        ]), to: "feeds.yaml")
        let first = try crawler(["once"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(titles(in: "a", feed: 0) == ["'Story 1 of feed 0'", "'Story 2 of feed 0'"])
        #expect(titles(in: "a", feed: 1).count == 4)
        #expect(titles(in: "a", feed: 2).count == 2)

        // Global rules; one feed with its own retention (and the global rules).
        try folder.write(feeds(server, store: "b", global: "keep:\n  - title: \"Story [0-2] of\"", perFeed: [
            nil, "keep: 1", nil,
        ]), to: "feeds.yaml")
        let second = try crawler(["once"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(titles(in: "b", feed: 0).count == 3)
        #expect(titles(in: "b", feed: 1) == ["'Story 2 of feed 1'"])
        #expect(titles(in: "b", feed: 2).count == 3)
    }

    @Test func aKeepThatIsAMappingOrAZeroAgeIsRefusedWithWhatToWrite() throws {
        let server = try farm.server()
        try folder.write(feeds(server, store: "a", global: "keep: {title: x}", perFeed: [nil]), to: "feeds.yaml")
        let mapping = try crawler(["check"])
        #expect(mapping.status == 2)
        #expect(mapping.stderr.contains("feeds.yaml:3: keep: is a mapping; write a value to keep documents "
                                        + "(keep: 500, keep: 90d) or a list of rules to keep items (keep: [{title: \"(?i)markets\"}])"),
                "\(mapping.stderr)")
        try folder.write(feeds(server, store: "a", global: "", perFeed: ["keep: 0d"]), to: "feeds.yaml")
        let zero = try crawler(["check"])
        #expect(zero.status == 2)
        #expect(zero.stderr.contains("feeds.yaml:7: feeds[0].keep (feed 'feed-0'): '0d' keeps nothing; give a count above 0 (keep: 500) or an age (keep: 90d)"),
                "\(zero.stderr)")
    }

    @Test func retentionInAFleetIsRefusedRatherThanIgnored() throws {
        try folder.write("""
            database: postgresql://crawler@127.0.0.1:5432/crawler
            keep:
              - title: "(?i)markets"
            feeds:
              - url: http://127.0.0.1:9/a.xml
                name: a
              - url: http://127.0.0.1:9/b.xml
                name: b
                keep: 90d

            """, to: "feeds.yaml")
        let refused = try crawler(["check"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("feeds.yaml:9: feeds[1].keep: a fleet's store (database:) keeps every document; "
                                        + "retention works on a local store only: remove it, or forget documents with `crawler store forget`"),
                "\(refused.stderr)")
    }

    @Test func retentionPrunesWhileTheDaemonRunsAndStatusCountsWhatIsLeft() throws {
        let broken = try AlertTests.Servers()
        let server = try farm.server()
        try folder.write("""
            store: ./store
            host_gap: 0s
            interval: 2s
            max_backoff: 2s
            feeds:
              - url: \(server.url("/feed/0.xml"))
                name: kept
                keep: 2
              - url: \(server.url("/feed/1.xml"))
                name: healthy
              - url: \(broken.server.url("/bad.xml"))
                name: bad

            """, to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        let pruned = daemon.waitFor(timeout: 20) { $0["event"] == "retention" && $0["feed"] == "kept" }
        #expect(pruned.first?["forgotten"] == "3")
        #expect(daemon.waitFor(5, timeout: 40) { $0["event"] == "fetch" && $0["feed"] == "bad" }.count == 5)
        #expect(titles(in: "store", feed: 0).count == 2)

        let status = try crawler(["status", "--json"])
        #expect(status.status == 1, "\(status.stdout)\(status.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        #expect(object?["daemon"] != nil)
        let rows = (object?["feeds"] as? [[String: Any]] ?? []).reduce(into: [String: [String: Any]]()) {
            $0[$1["feed"] as? String ?? ""] = $1
        }
        #expect(rows["kept"]?["documents"] as? Int == 2, "\(rows)")
        #expect(rows["healthy"]?["documents"] as? Int == 5, "\(rows)")
        #expect(rows["bad"]?["health"] as? String == "failing", "\(rows)")

        let failing = try crawler(["status", "--failing"])
        #expect(failing.status == 1)
        let lines = failing.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("bad ") }, "\(failing.stdout)")
        #expect(!lines.contains { $0.hasPrefix("kept ") || $0.hasPrefix("healthy ") }, "\(failing.stdout)")
        #expect(daemon.terminate().status == 0)
        #expect(try crawler(["store", "verify"]).status == 0)
    }
}
