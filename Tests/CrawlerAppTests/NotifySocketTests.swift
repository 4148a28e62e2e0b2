import CrawlerTestKit
import Foundation
import Testing

/// systemd reads its notify socket at once; a manager that does not (stuck, or gone) fills the
/// socket's queue (10 datagrams by default). The daemon must go on crawling and stop on SIGTERM.
@Suite struct NotifySocketTests {
    let folder = TemporaryFolder()

    private func config(_ names: [String], server: LoopbackHTTPServer) -> String {
        (["store: ./store", "interval: 1h", "feeds:"] + names.flatMap { ["  - url: \(server.url("/\($0)"))", "    name: \($0)"] })
            .joined(separator: "\n") + "\n"
    }

    @Test func aNotifySocketNobodyReadsHoldsNeitherTheCrawlNorTheShutdown() throws {
        let healthy = Array(FeedBoundsTests.feed("healthy", items: 1).utf8)
        let server = try LoopbackHTTPServer { _ in
            ServedResponse(headers: [("Content-Type", "application/rss+xml")], body: healthy)
        }
        try folder.write(config(["first"], server: server), to: "feeds.yaml")
        let socket = try DatagramListener(path: folder.file("notify.sock"))
        // Kept (unread) to the end: released early, its path would be gone and every send refused.
        defer { withExtendedLifetime(socket) {} }
        // A ping every 50 ms: the queue is full within half a second, and nothing here reads it.
        let daemon = try DaemonProcess(in: folder.path, environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "100000"])
        #expect(!daemon.waitFor { $0["event"] == "fetch" && $0["feed"] == "first" }.isEmpty)
        usleep(1_500_000)
        // A feed added now is read by a reload: the daemon still works with the queue full.
        try folder.write(config(["first", "second"], server: server), to: "feeds.yaml")
        daemon.signal(SIGHUP)
        #expect(!daemon.waitFor(timeout: 10) { $0["event"] == "fetch" && $0["feed"] == "second" }.isEmpty,
                "log: \(daemon.logLines.suffix(5).map(\.fields))")
        let stop = daemon.terminate()
        #expect(stop.status == 0)
        // STOPPING=1 waits up to 1 s for room; systemd waits TimeoutStopSec=15s.
        #expect(stop.seconds < 8, "SIGTERM took \(stop.seconds) s")
    }
}
