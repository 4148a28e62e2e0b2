import CrawlerTestKit
import Fleet
import Foundation
import Testing

/// A fleet node whose host lease lapsed (another node may be on that host now) stops its
/// transfers to it at the next renewal, gives its feeds back, and starts afresh with its other
/// hosts. Beside healthy feeds that must go on being fetched.
@Suite(.serialized) struct FleetLeaseLapseTests {
    let folder = TemporaryFolder()

    @Test func aNodeWhoseLeaseLapsedStopsItsTransfersAndGivesBackItsFeeds() throws {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 2)
        let healthy = try farm.server()
        defer { healthy.stop() }
        // Answers long after the transfer's timeout: only the lapse can end it sooner.
        let stalled = try LoopbackHTTPServer { _ in ServedResponse(text: "<rss/>", delay: 60) }
        defer { stalled.stop() }
        let database = try PostgresServer.shared().makeDatabase()
        // Leases are renewed every third of a lease (14 s), well before the 21 s timeout.
        var lines = ["store: ./store", "database: \(database)", "interval: 2s", "host_gap: 0s", "timeout: 21s",
                     "lease: 42s", "allow_private_networks: true", "feeds:"]
        for number in 0..<farm.feeds {
            lines += ["  - url: http://h0.localhost:\(healthy.port)/feed/\(number).xml", "    name: feed-\(number)"]
        }
        lines += ["  - url: http://stall.localhost:\(stalled.port)/stall.xml", "    name: stall"]
        try folder.write(lines.joined(separator: "\n") + "\n", to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)

        let node = try DaemonProcess(arguments: ["run", "--log-level", "debug", "--node", "node-1"], in: folder.path)
        defer { _ = node.terminate() }
        for _ in 0..<200 where stalled.requests.isEmpty { usleep(100_000) }
        #expect(stalled.requests.count == 1)
        // The lease on the stalled host runs out as if this node had been away too long.
        let observer = try PostgresConnection(url: database)
        try observer.execute("UPDATE hosts SET lease_until = now() - interval '1 second' WHERE host = 'stall.localhost:\(stalled.port)'")

        let lost = node.waitFor(timeout: 30) { $0["event"] == "lease_lost" }
        #expect(lost.count == 1, "\(node.logLines.suffix(5).map(\.fields))")
        for _ in 0..<100 where stalled.hungUp.isEmpty { usleep(100_000) }
        #expect(stalled.hungUp == ["/stall.xml"], "the transfer to the lapsed host was not stopped")
        // Given back: no longer this node's, and not due again at once.
        let state = try observer.query("""
            SELECT coalesce(lease_node, '') AS node, (next_due > now() + interval '30 seconds')::text AS later
            FROM feed_state WHERE feed = 'stall'
            """)
        #expect(state.value(0, "node") == "")
        #expect(state.value(0, "later") == "true")
        // Afresh: the healthy host is claimed and fetched again after the lapse.
        let before = healthy.requests.count
        for _ in 0..<100 where healthy.requests.count <= before { usleep(100_000) }
        #expect(healthy.requests.count > before)
        #expect(node.terminate().status == 0)
        #expect(!node.logLines.contains { $0["event"] == "fetch" && $0["feed"] == "stall" })
        let fetches = node.logLines.filter { $0["event"] == "fetch" && $0["feed"]?.hasPrefix("feed-") == true }
        #expect(!fetches.isEmpty && fetches.allSatisfy { $0["error"] == nil })
    }
}
