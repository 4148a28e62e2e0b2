import CrawlerTestKit
import Foundation
import Testing

/// While `crawler run` reads a long feed, systemd still hears from it, and SIGTERM still stops it.
@Suite struct ParseUnderWatchdogTests {
    let folder = TemporaryFolder()

    @Test func theWatchdogIsPingedDuringALongParseAndSIGTERMStopsIt() throws {
        let big = Array(FeedBoundsTests.feed("long", items: 60_000, bodyBytes: 200).utf8)
        let healthy = Array(FeedBoundsTests.feed("healthy", items: 1).utf8)
        let server = try LoopbackHTTPServer { request in
            ServedResponse(headers: [("Content-Type", "application/rss+xml")], body: request.path == "/long" ? big : healthy)
        }
        try folder.write("""
            store: ./store
            interval: 1h
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/long"))
                name: long
                max_items: 100000
                parse_time_limit: 5m
            """, to: "feeds.yaml")
        let socket = try DatagramListener(path: folder.file("notify.sock"))
        let daemon = try DaemonProcess(in: folder.path, environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "400000"])
        #expect(socket.receive(timeout: 10)?.hasPrefix("READY=1") == true)
        let deadline = Date().addingTimeInterval(15)
        while !server.requests.contains(where: { $0.path == "/long" }), Date() < deadline { usleep(20_000) }
        // The body is parsed from here on, for seconds (60,000 items in a debug build).
        var pings = 0
        let window = Date().addingTimeInterval(2)
        while Date() < window {
            if socket.receive(timeout: 0.1) == "WATCHDOG=1" { pings += 1 }
        }
        let parsedMeanwhile = daemon.logLines.contains { $0["event"] == "fetch" && $0["feed"] == "long" }
        // systemd reads its socket at once; so does the test while the daemon stops.
        let drain = Thread { while socket.receive(timeout: 0.5) != nil || daemon.process.isRunning {} }
        drain.start()
        let stop = daemon.terminate()
        #expect(!parsedMeanwhile, "the feed was read within the window: make it longer")
        #expect(pings >= 3, "\(pings) watchdog pings in 2 s of parsing (one is due every 0.2 s)")
        #expect(stop.status == 0)
        // systemd waits TimeoutStopSec=15s; a debug build on a loaded machine needs a few of them.
        #expect(stop.seconds < 5, "SIGTERM took \(stop.seconds) s; log: \(daemon.logLines.suffix(8).map(\.fields))")
        #expect(daemon.logLines.contains { $0["event"] == "fetch" && $0["feed"] == "healthy" })
        // Cut by the shutdown, the feed is not reported: it stays due, as a cancelled transfer does.
        #expect(!daemon.logLines.contains { $0["event"] == "fetch" && $0["feed"] == "long" })
    }
}
