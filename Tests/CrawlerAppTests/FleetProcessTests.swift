import CrawlerTestKit
import Fleet
import Foundation
import Testing

/// Several `crawler` processes sharing one real PostgreSQL, crawling a loopback farm whose feeds
/// sit on many host names (`hN.localhost`, which libcurl resolves to 127.0.0.1 itself: a loopback
/// address reached by name, so the farm's feeds need `allow_private_networks`).
@Suite(.serialized) struct FleetProcessTests {
    let folder = TemporaryFolder()

    private func config(_ farm: FeedFarm, server: LoopbackHTTPServer, database: String, hosts: Int,
                        extra: [String] = []) -> String {
        var lines = ["store: ./store", "database: \(database)", "concurrency: 8", "per_host_concurrency: 2",
                     "host_gap: 0s", "timeout: 2s", "lease: 6s", "allow_private_networks: true"] + extra + ["feeds:"]
        for number in 0..<farm.feeds {
            lines += ["  - url: http://h\(number % hosts).localhost:\(server.port)/feed/\(number).xml",
                      "    name: feed-\(number)", "    categories: [Farm]"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func threeNodesStoreEveryItemOnceAndTakeOverAKilledNodesFeeds() throws {
        let farm = FeedFarm(feeds: 1000, itemsPerFeed: 3, sharedItems: 1, bodyBytes: 200)
        let server = try farm.server()
        defer { server.stop() }
        let database = try PostgresServer.shared().makeDatabase()
        try folder.write(config(farm, server: server, database: database, hosts: 20), to: "feeds.yaml")
        let sync = try CrawlerProcess.run(["feeds", "sync"], in: folder.path)
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stdout.contains("1000 added"))

        let nodes = try (1...3).map { number in
            try DaemonProcess(arguments: ["run", "--log-level", "debug", "--node", "node-\(number)"], in: folder.path)
        }
        // node-1 dies mid-run, holding leases.
        nodes[0].waitFor(20, timeout: 60) { $0["event"] == "fetch" }
        nodes[0].signal(SIGKILL)
        nodes[0].process.waitUntilExit()
        let observer = try PostgresConnection(url: database)
        // Feeds it held and had not finished (those it finished carry its name as last node).
        let orphaned = try observer.query("""
            SELECT feed FROM feed_state WHERE lease_node = 'node-1' AND last_node IS NULL
            """).rows.compactMap { $0[0] }

        let deadline = Date().addingTimeInterval(120)
        var fetched = 0
        while Date() < deadline {
            fetched = Int(try observer.query("SELECT count(*) AS n FROM feed_state WHERE state IS NOT NULL").value(0, "n") ?? "") ?? 0
            let stored = Int(try observer.query("SELECT count(*) AS n FROM documents").value(0, "n") ?? "") ?? 0
            if fetched == farm.feeds && stored >= farm.distinctItems { break }
            Thread.sleep(forTimeInterval: 0.5)
        }
        for node in nodes.dropFirst() { _ = node.terminate() }
        #expect(fetched == farm.feeds)
        let documents = try observer.query("SELECT count(*) AS n, count(DISTINCT hash) AS distinct FROM documents")
        #expect(documents.value(0, "n") == "\(farm.distinctItems)")
        #expect(documents.value(0, "distinct") == "\(farm.distinctItems)")
        #expect(!orphaned.isEmpty, "node-1 held no lease when it was killed")
        let finishers = try observer.query("""
            SELECT DISTINCT last_node FROM feed_state WHERE feed = ANY($1::text[])
            """, ["{" + orphaned.joined(separator: ",") + "}"]).rows.compactMap { $0[0] }
        #expect(Set(finishers).isSubset(of: ["node-2", "node-3"]))
        let byNode = try observer.query("SELECT last_node, count(*) AS n FROM feed_state GROUP BY last_node").records
        #expect(byNode.filter { $0["last_node"] == "node-2" || $0["last_node"] == "node-3" }.count == 2,
                "both survivors took part: \(byNode.map { "\($0["last_node"] ?? "-")=\($0["n"] ?? "0")" })")
    }

    /// A fleet of two feeds on one host, synced, and a node `name` running on it.
    private func startedNode(_ name: String) throws -> (FeedFarm, LoopbackHTTPServer, String, DaemonProcess) {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 1)
        let server = try farm.server()
        let database = try PostgresServer.shared().makeDatabase()
        try folder.write(config(farm, server: server, database: database, hosts: 1), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        let node = try DaemonProcess(arguments: ["run", "--node", name], in: folder.path)
        node.waitFor { $0["event"] == "startup" }
        return (farm, server, database, node)
    }

    /// Round 61: a node's reload said `applied` of a new user_agent it never sent (its engine
    /// keeps its settings), and of a changed `database:`, which it kept using.
    @Test func aNodesReloadNamesWhatWaitsForARestart() throws {
        let (farm, server, database, node) = try startedNode("n1")
        defer { server.stop() }
        defer { _ = node.terminate() }
        try folder.write(config(farm, server: server, database: database + "_other", hosts: 1,
                                extra: ["user_agent: \"other/1 (ops@example.org)\""]), to: "feeds.yaml")
        node.signal(SIGHUP)
        let reload = node.waitFor { $0["event"] == "config_reload" }.first
        #expect(reload?["restart_needed"]?.hasPrefix("user_agent: changed") == true, "\(reload?.fields ?? [:])")
        #expect(node.waitFor { $0["event"] == "restart_needed" && $0["key"] == "database" }.count == 1,
                "\(node.logLines.map(\.fields))")
        #expect(node.terminate().status == 0)
    }

    /// Round 61: two nodes started with one `--node` name (a unit copied to a second machine)
    /// both crawled every feed at times, 1 ms apart under a 1 s gap. A name runs once at a time.
    @Test func aNodeNameAlreadyRunningIsRefused() throws {
        let (_, server, _, node) = try startedNode("same")
        defer { server.stop() }
        defer { _ = node.terminate() }
        let twin = try CrawlerProcess.run(["once", "--node", "same"], in: folder.path)
        #expect(twin.status == 3 && twin.stderr.contains("another crawler runs as node 'same' on this database"), "\(twin.stderr)")
        #expect(try CrawlerProcess.run(["once", "--node", "other"], in: folder.path).status == 0)
        #expect(node.terminate().status == 0)
        #expect(try CrawlerProcess.run(["once", "--node", "same"], in: folder.path).status == 0)
    }

    @Test func aHostsMinimumGapHoldsAcrossTheFleet() throws {
        let farm = FeedFarm(feeds: 24, itemsPerFeed: 1)
        let server = try farm.server()
        defer { server.stop() }
        let database = try PostgresServer.shared().makeDatabase()
        // Every feed on h0 (a 1 s gap by rule); the others on hosts without a gap.
        try folder.write(config(farm, server: server, database: database, hosts: 3,
                                extra: ["hosts:", "  - match: h0.localhost", "    gap: 1s"]), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        let nodes = try (1...3).map { number in
            try DaemonProcess(arguments: ["run", "--node", "node-\(number)"], in: folder.path)
        }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, server.requests.filter({ $0.headers["host"]?.hasPrefix("h0.") == true }).count < 8 {
            Thread.sleep(forTimeInterval: 0.2)
        }
        for node in nodes { _ = node.terminate() }
        let times = server.requests.filter { $0.headers["host"]?.hasPrefix("h0.") == true }.map(\.receivedAt).sorted()
        #expect(times.count == 8)
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        // Timed where the server's thread reads each request: on a loaded 2-core machine that
        // lags the crawler's send by up to ~25 ms either way (gaps of 0.978–1.006 s measured
        // with both cores busy), more on a slower one. Two nodes fetching at once would show
        // gaps near zero.
        #expect(gaps.allSatisfy { $0 >= 0.8 }, "gaps between requests to h0: \(gaps)")
    }

    /// `once` on a node claims until no feed that was due is left: with the feeds of one host
    /// a gap apart it took "the host's gap has not passed" for "nothing left", and exited 0 with
    /// 3 of 15 feeds fetched (round 29).
    @Test func onceFetchesEveryDueFeedOfAHostWithAGap() throws {
        let farm = FeedFarm(feeds: 6, itemsPerFeed: 1)
        let server = try farm.server()
        defer { server.stop() }
        let database = try PostgresServer.shared().makeDatabase()
        // A claim takes as many feeds of a host as its gap lets finish within a third of the lease: 2.
        try folder.write(config(farm, server: server, database: database, hosts: 1)
                            .replacingOccurrences(of: "host_gap: 0s", with: "host_gap: 1s"), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        let run = try CrawlerProcess.run(["once", "--node", "a"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("total: 6 feeds, 6 ok"), "\(run.stdout)")
        #expect(server.requests.count == 6)
    }

    /// A feed removed by `feeds sync` keeps its state row, due for good: `once` waited for it
    /// without end, claiming the others again as they fell due (round 30). And a signal while
    /// `once` waits out a gap said nothing of the feeds left: exit 0 (round 30).
    @Test func onceIgnoresRemovedFeedsAndSaysWhatASignalLeftUnfetched() throws {
        let farm = FeedFarm(feeds: 4, itemsPerFeed: 1)
        let server = try farm.server()
        defer { server.stop() }
        let database = try PostgresServer.shared().makeDatabase()
        let yaml = config(farm, server: server, database: database, hosts: 1)
        try folder.write(yaml, to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        try folder.write(yaml.components(separatedBy: "  - url:").prefix(4).joined(separator: "  - url:"), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).stdout.contains("removed: feed-3"))
        let run = try CrawlerProcess.run(["once", "--node", "a"], in: folder.path)
        #expect(run.status == 0 && run.stdout.contains("total: 3 feeds, 3 ok"), "\(run.stdout)\(run.stderr)")

        // A 30 s gap: one feed a claim, the others wait; SIGTERM while they do.
        let observer = try PostgresConnection(url: database)
        try observer.execute("UPDATE feed_state SET next_due = now(); UPDATE hosts SET available_at = '-infinity'")
        try folder.write(folder.read("feeds.yaml")!.replacingOccurrences(of: "host_gap: 0s", with: "host_gap: 30s"), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        let once = try DaemonProcess(arguments: ["once", "--node", "a"], in: folder.path)
        for _ in 0..<100 where server.requests.count < 4 { usleep(100_000) }
        usleep(500_000)
        let stop = once.terminate(timeout: 20)
        #expect(stop.status == 1, "\(once.logLines.map(\.fields))")
        #expect(once.logLines.contains { $0["event"] == "interrupted" && $0["due"] == "2" }, "\(once.logLines.map(\.fields))")
    }

    @Test func postsSyncWritesTheSameFilesAsOneMachine() throws {
        // No item in two feeds: which feed's copy is stored first is a race on one machine too.
        let farm = FeedFarm(feeds: 30, itemsPerFeed: 4)
        let server = try farm.server()
        defer { server.stop() }
        let database = try PostgresServer.shared().makeDatabase()
        try folder.write(config(farm, server: server, database: database, hosts: 3), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        let first = try CrawlerProcess.start(["once", "--node", "a"], in: folder.path)
        let second = try CrawlerProcess.run(["once", "--node", "b"], in: folder.path)
        first.waitUntilExit()
        #expect(first.terminationStatus == 0 && second.status == 0, "\(second.stderr)")
        let status = try CrawlerProcess.run(["status", "--json"], in: folder.path)
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let feeds = object?["feeds"] as? [[String: Any]] ?? []
        #expect(feeds.count == farm.feeds)
        #expect(Set(feeds.compactMap { $0["last_node"] as? String }).isSubset(of: ["a", "b"]))
        #expect(feeds.allSatisfy { $0["last_status"] as? Int == 200 })
        #expect((object?["nodes"] as? [[String: Any]])?.compactMap { $0["name"] as? String }.sorted() == ["a", "b"])
        let explained = try CrawlerProcess.run(["explain", "feed-3"], in: folder.path)
        #expect(explained.stdout.contains("last status: 200"))
        #expect(explained.stdout.contains("host budget h0.localhost"))

        try PostgresServer.waitUntilDocumentsAreSyncable(in: database)
        let synced = try CrawlerProcess.run(["posts", "sync", "posts-copy"], in: folder.path)
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(synced.stdout.contains("\(farm.distinctItems) documents written"))
        let again = try CrawlerProcess.run(["posts", "sync", "posts-copy"], in: folder.path)
        #expect(again.stdout.contains("0 documents written, 0 already there"))

        // The same feeds crawled by one machine alone, into its own store.
        let alone = TemporaryFolder()
        try alone.write(config(farm, server: server, database: database, hosts: 3)
            .replacingOccurrences(of: "database: \(database)\n", with: ""), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["once"], in: alone.path).status == 0)
        let single = alone.files(under: "store/posts")
        #expect(single.count == farm.distinctItems)
        #expect(folder.files(under: "posts-copy/posts") == single)
        for file in single {
            #expect(folder.read("posts-copy/posts/" + file) == alone.read("store/posts/" + file), "\(file)")
        }
        let verify = try CrawlerProcess.run(["store", "verify", "--store", "posts-copy"], in: folder.path)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }
}
