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
    /// Round 42: a node stopped (SIGSTOP: a paused VM, a starved process) past its lease, while
    /// another node took the host, sent a request there the moment it ran again, before its
    /// renewal found the lease gone: two requests at once to a one-at-a-time host. A node starts
    /// no transfer once its last renewal is a lease old.
    @Test func aNodeStoppedPastItsLeaseSendsNothingWhenItRunsAgain() throws {
        let slow = try LoopbackHTTPServer { request in
            ServedResponse(text: AlertTests.rss([String(request.path.dropFirst())]), delay: 2.5)
        }
        defer { slow.stop() }
        let database = try PostgresServer.shared().makeDatabase()
        var lines = ["store: ./store", "database: \(database)", "interval: 1h", "host_gap: 0s", "timeout: 3s",
                     "lease: 6s", "per_host_concurrency: 1", "allow_private_networks: true", "feeds:"]
        for number in 0..<12 { lines += ["  - url: http://slow.localhost:\(slow.port)/f\(number)", "    name: f\(number)"] }
        try folder.write(lines.joined(separator: "\n") + "\n", to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)

        let first = try DaemonProcess(arguments: ["run", "--startup-spread", "0s", "--node", "first"], in: folder.path)
        defer { _ = first.terminate() }
        for _ in 0..<100 where slow.requests.isEmpty { usleep(50_000) }
        usleep(500_000)
        first.signal(SIGSTOP)
        let second = try DaemonProcess(arguments: ["run", "--startup-spread", "0s", "--node", "second"], in: folder.path)
        defer { _ = second.terminate() }
        // The first node's lease lapses; the second takes the host and fetches.
        second.waitFor(timeout: 20) { $0["event"] == "fetch" }
        let before = slow.requests.count
        first.signal(SIGCONT)
        usleep(2_000_000)
        #expect(slow.requests.count > before || second.logLines.contains { $0["event"] == "fetch" })
        // One request at a time: each began after the one before had its 2.5 s answer.
        let starts = slow.requests.map(\.receivedAt).sorted()
        let overlapping = zip(starts, starts.dropFirst()).filter { $1 - $0 < 2.3 }
        #expect(overlapping.isEmpty, "requests closer than an answer takes: \(slow.requests.map { ($0.path, $0.receivedAt) })")
        #expect(first.logLines.contains { $0["event"] == "lease_lost" }, "\(first.logLines.suffix(5).map(\.fields))")
    }

    /// Round 42: a server that throttled several feeds was held back by the node that saw it only:
    /// the next node to lease the host asked it again at once, and got 429s. The hold is the
    /// fleet's: the host is not leased again before its Retry-After.
    @Test func aHostThatThrottledSeveralFeedsIsHeldForTheWholeFleet() throws {
        let busy = try LoopbackHTTPServer { _ in .throttled(429, retryAfter: "120") }
        defer { busy.stop() }
        let database = try PostgresServer.shared().makeDatabase()
        var lines = ["store: ./store", "database: \(database)", "interval: 1h", "host_gap: 0s", "timeout: 5s",
                     "per_host_concurrency: 1", "host_backoff_feeds: 2", "allow_private_networks: true", "feeds:"]
        for number in 0..<4 { lines += ["  - url: http://busy.localhost:\(busy.port)/f\(number)", "    name: f\(number)"] }
        try folder.write(lines.joined(separator: "\n") + "\n", to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        let node = try DaemonProcess(arguments: ["run", "--startup-spread", "0s", "--node", "one"], in: folder.path)
        defer { _ = node.terminate() }
        let deferred = node.waitFor(timeout: 20) { $0["event"] == "fetch" && $0["status"] == "deferred" }
        #expect(!deferred.isEmpty, "\(node.logLines.suffix(8).map(\.fields))")
        #expect(node.terminate().status == 0)
        #expect(busy.requests.count == 2)
        let observer = try PostgresConnection(url: database)
        let held = try observer.query("""
            SELECT extract(epoch FROM available_at - now())::int AS seconds FROM hosts WHERE host = 'busy.localhost:\(busy.port)'
            """).value(0, "seconds").flatMap { Int($0) } ?? 0
        #expect(held > 100 && held <= 120, "the host is free again in \(held) s")
    }

    /// Round 46: `once --node` released such a host with its gap alone: a feed added to it was
    /// asked a second later by the next node's pass.
    @Test func aHostThatThrottledSeveralFeedsInAOncePassIsHeldForTheWholeFleet() throws {
        let busy = try LoopbackHTTPServer { request in
            request.path == "/fresh" ? ServedResponse(text: AlertTests.rss(["fresh"])) : .throttled(429, retryAfter: "120")
        }
        defer { busy.stop() }
        let database = try PostgresServer.shared().makeDatabase()
        var lines = ["store: ./store", "database: \(database)", "interval: 1h", "host_gap: 1s", "timeout: 5s",
                     "per_host_concurrency: 1", "host_backoff_feeds: 2", "allow_private_networks: true", "feeds:"]
        for number in 0..<4 { lines += ["  - url: http://busy.localhost:\(busy.port)/f\(number)", "    name: f\(number)"] }
        try folder.write(lines.joined(separator: "\n") + "\n", to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        let pass = try CrawlerProcess.run(["once", "--node", "one"], in: folder.path)
        #expect(pass.stdout.contains("throttled several feeds"), "\(pass.stdout)")
        #expect(busy.requests.count == 2)
        let observer = try PostgresConnection(url: database)
        let held = try observer.query("""
            SELECT extract(epoch FROM available_at - now())::int AS seconds FROM hosts WHERE host = 'busy.localhost:\(busy.port)'
            """).value(0, "seconds").flatMap { Int($0) } ?? 0
        #expect(held > 100 && held <= 120, "the host is free again in \(held) s")
        // A feed added to the host is not asked before the hold ends, by another node either.
        lines += ["  - url: http://busy.localhost:\(busy.port)/fresh", "    name: fresh"]
        try folder.write(lines.joined(separator: "\n") + "\n", to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        let second = try CrawlerProcess.run(["once", "--node", "two"], in: folder.path)
        #expect(!busy.requests.contains { $0.path == "/fresh" }, "\(busy.requests.map(\.path))")
        // Not waited out by the pass: said, and left to the pass after the hold.
        #expect(second.stdout.contains("their host throttled several feeds"), "\(second.stdout)")
    }

}
