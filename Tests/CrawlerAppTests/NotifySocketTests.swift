import CrawlerTestKit
import Foundation
import Testing

/// systemd reads its notify socket at once; a manager that does not (stuck, or gone) fills the
/// socket's queue (10 datagrams by default). The daemon must go on crawling and stop on SIGTERM.
@Suite struct NotifySocketTests {
    let folder = TemporaryFolder()

    @Test func aNotifySocketNobodyReadsHoldsNeitherTheCrawlNorTheShutdown() throws {
        let healthy = Array(FeedBoundsTests.feed("healthy", items: 1).utf8)
        let server = try LoopbackHTTPServer { _ in
            ServedResponse(headers: [("Content-Type", "application/rss+xml")], body: healthy)
        }
        try folder.write("""
            store: ./store
            interval: 1h
            feeds:
              - url: \(server.url("/first"))
                name: first
            """, to: "feeds.yaml")
        let socket = try DatagramListener(path: folder.file("notify.sock"))
        // A ping every 50 ms: the queue is full within half a second, and nothing here reads it.
        let daemon = try DaemonProcess(in: folder.path, environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "100000"])
        #expect(!daemon.waitFor { $0["event"] == "fetch" && $0["feed"] == "first" }.isEmpty)
        usleep(1_500_000)
        // A feed added now is read by a reload: the daemon still works with the queue full.
        try folder.write("""
            store: ./store
            interval: 1h
            feeds:
              - url: \(server.url("/first"))
                name: first
              - url: \(server.url("/second"))
                name: second
            """, to: "feeds.yaml")
        daemon.signal(SIGHUP)
        #expect(!daemon.waitFor(timeout: 10) { $0["event"] == "fetch" && $0["feed"] == "second" }.isEmpty,
                "log: \(daemon.logLines.suffix(5).map(\.fields))")
        let stop = daemon.terminate()
        #expect(stop.status == 0)
        #expect(stop.seconds < 5, "SIGTERM took \(stop.seconds) s")
        _ = socket
    }
}
