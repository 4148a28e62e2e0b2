import CrawlerTestKit
import Fleet
import Foundation
import Testing

/// Round 42: a node's due times were written in its own clock, while leases and host holds are
/// the database's. A node an hour behind the database polled its feeds as fast as `host_gap`
/// allowed; one an hour ahead left them alone for an hour. A due time is saved as a wait from
/// the database's clock.
@Suite(.serialized) struct FleetClockTests {
    let folder = TemporaryFolder()

    @Test(arguments: [3600, -3600]) func dueTimesFollowTheDatabasesClockWhateverTheNodesSays(offset: Int) throws {
        let server = try PostgresServer.withClock(offsetSeconds: offset)
        defer { server.stop() }
        let database = try server.makeDatabase()
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 2)
        let site = try farm.server()
        defer { site.stop() }
        var lines = ["store: ./store", "database: \(database)", "interval: 10m", "host_gap: 0s",
                     "allow_private_networks: true", "feeds:"]
        for number in 0..<farm.feeds {
            lines += ["  - url: http://127.0.0.1:\(site.port)/feed/\(number).xml", "    name: feed-\(number)"]
        }
        try folder.write(lines.joined(separator: "\n") + "\n", to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)

        let first = try CrawlerProcess.run(["once", "--node", "n1"], in: folder.path)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(site.requests.count == 2)
        let observer = try PostgresConnection(url: database)
        let waits = try observer.query("SELECT extract(epoch FROM next_due - now())::int AS wait FROM feed_state ORDER BY feed")
        let seconds = (0..<waits.count).compactMap { waits.value($0, "wait").flatMap { Int($0) } }
        #expect(seconds.count == 2 && seconds.allSatisfy { (560...640).contains($0) }, "due in \(seconds) s")
        // Not due again (10 minutes ± 5%, on the database's clock): the next pass fetches nothing.
        let second = try CrawlerProcess.run(["once", "--node", "n1"], in: folder.path)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(site.requests.count == 2)
        // `status` and `explain` count the wait on the same clock. 10m ± 5% is 9m30s to 10m30s, shown
        // to the nearest minute: 9m to 11m (11m once in CI, for a wait of 10m30s); an hour off is not.
        let status = try CrawlerProcess.run(["status"], in: folder.path)
        let dueWords = status.stdout.split(separator: "\n").filter { $0.hasPrefix("feed-") }
            .map { line in ["9m", "10m", "11m"].contains { line.contains(" in \($0) ") } }
        #expect(dueWords == [true, true], "\(status.stdout)")
        let explain = try CrawlerProcess.run(["explain", "feed-0"], in: folder.path)
        #expect(["9m", "10m", "11m"].contains { explain.stdout.contains("(in \($0))") }, "\(explain.stdout)")
        #expect(!status.stdout.contains("not running now"), "\(status.stdout)")
        // A node not heard from for a while (its pass over, or killed) is said to be so, on the database's clock.
        try observer.execute("UPDATE nodes SET seen_at = now() - interval '2 minutes'")
        let later = try CrawlerProcess.run(["status"], in: folder.path)
        #expect(later.stdout.contains("node n1 (") && later.stdout.contains("seen 2m ago (not running now, or stalled)"),
                "\(later.stdout)")
    }
}
