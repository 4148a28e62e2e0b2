import CrawlerTestKit
import Foundation
import Testing

/// Alerts under `crawler run`, where reports come one by one from the continuous flow rather
/// than in passes: a feed failing five times in a row is one feed_failing event, its recovery
/// one feed_recovered, and a failing store one store_error a digest (counting its feeds), never
/// one per feed or per batch.
/// Beside a healthy feed that is stored.
@Suite struct DaemonAlertTests {
    let folder = TemporaryFolder()

    private func events(_ servers: AlertTests.Servers) throws -> [[String: Any]] {
        try servers.posted.flatMap { body -> [[String: Any]] in
            let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            return object?["events"] as? [[String: Any]] ?? []
        }
    }

    private func config(_ servers: AlertTests.Servers, feeds: [String], digestEvery: String = "1s") -> String {
        """
        store: ./store
        interval: 2s
        max_backoff: 2s
        notify:
          webhook: \(servers.server.url("/hook"))
          allow_private_networks: true
          interval: \(digestEvery)
        feeds:
        \(feeds.map { "  - url: \(servers.server.url("/\($0).xml"))\n    name: \($0)" }.joined(separator: "\n"))

        """
    }

    @Test func aFeedFailingFiveTimesIsOneFeedFailingEventAndItsRecoveryOneMore() throws {
        let servers = try AlertTests.Servers()
        try folder.write(config(servers, feeds: ["good", "bad"]), to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        let failures = daemon.waitFor(7, timeout: 40) { $0["event"] == "fetch" && $0["feed"] == "bad" }
        #expect(failures.count == 7)
        servers.shared.broken.store(false, ordering: .relaxed)
        let recovered = daemon.waitFor(timeout: 20) { $0["event"] == "fetch" && $0["feed"] == "bad" && $0["error"] == nil }
        #expect(recovered.count == 1)
        // The digest after the recovery.
        let sentBefore = daemon.logLines.filter { $0["event"] == "notify_sent" }.count
        daemon.waitFor(sentBefore + 1, timeout: 10) { $0["event"] == "notify_sent" }
        #expect(daemon.terminate().status == 0)
        let all = try events(servers)
        let failing = all.filter { $0["event"] as? String == "feed_failing" }
        #expect(failing.count == 1, "\(all)")
        #expect(failing.first?["feed"] as? String == "bad")
        #expect(failing.first?["errors"] as? Int == 5)
        let back = all.filter { $0["event"] as? String == "feed_recovered" }
        #expect(back.count == 1, "\(all)")
        #expect((back.first?["after"] as? Int ?? 0) >= 7)
        #expect(folder.files(under: "store/posts").count == 3)
    }

    @Test func aFailingStoreIsOneStoreErrorADigestNotOnePerFeed() throws {
        let servers = try AlertTests.Servers()
        servers.shared.broken.store(false, ordering: .relaxed)
        try folder.write(config(servers, feeds: ["good", "bad"], digestEvery: "4s"), to: "feeds.yaml")
        // The store opens (its first sync works); every batch after that fails to sync.
        let daemon = try DaemonProcess(in: folder.path, environment: ["CRAWLER_FAULT": "syncfs:EIO:2+"])
        defer { _ = daemon.terminate() }
        let failed = daemon.waitFor(6, timeout: 30) { $0["event"] == "fetch" && $0["error"]?.hasPrefix("store:") == true }
        #expect(failed.count >= 6)
        let sentBefore = daemon.logLines.filter { $0["event"] == "notify_sent" }.count
        daemon.waitFor(sentBefore + 1, timeout: 10) { $0["event"] == "notify_sent" }
        #expect(daemon.terminate().status == 0)
        let storeFailures = daemon.logLines.filter { $0["event"] == "fetch" && $0["error"]?.hasPrefix("store:") == true }
        // One store_error in each digest, counting every feed whose batch failed since the last.
        let digests = try servers.posted.map { body in
            let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            return (object?["events"] as? [[String: Any]] ?? []).filter { $0["event"] as? String == "store_error" }
        }
        #expect(digests.allSatisfy { $0.count <= 1 }, "\(digests)")
        let storeErrors = digests.flatMap { $0 }
        #expect(storeErrors.count < storeFailures.count, "\(storeErrors.count) store_error events for \(storeFailures.count) feeds")
        #expect(storeErrors.map { $0["feeds"] as? Int ?? 0 }.reduce(0, +) == storeFailures.count, "\(storeErrors)")
        #expect(storeErrors.first?["error"] as? String == storeFailures.first?["error"])
    }

    @Test func aHangingAlertCommandDoesNotHoldUpTheFeedsPolls() throws {
        let servers = try AlertTests.Servers()
        try folder.write("""
            store: ./store
            interval: 2s
            timeout: 10s
            notify:
              command: sleep 30
            feeds:
              - url: \(servers.server.url("/good.xml"))
                name: good
              - url: \(servers.server.url("/gone.xml"))
                name: gone

            """, to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        // The gone feed's event goes at once, to a command that never ends until stopped.
        let stopped = daemon.waitFor(timeout: 30) { $0["event"] == "notify_failed" }
        #expect(stopped.first?["error"] == "the command was still running after 10s; stopped", "\(stopped.map(\.fields))")
        daemon.waitFor(daemon.logLines.filter { $0["event"] == "fetch" && $0["feed"] == "good" }.count + 1, timeout: 5) {
            $0["event"] == "fetch" && $0["feed"] == "good"
        }
        #expect(daemon.terminate().status == 0)
        let times = servers.server.requests.filter { $0.path == "/good.xml" }.map(\.receivedAt).sorted()
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        // Polled every 2 s while the command hung for 10 s.
        #expect(times.count >= 5, "\(times.count) polls")
        #expect((gaps.max() ?? .infinity) < 6, "good's poll gaps \(gaps)")
    }
}
