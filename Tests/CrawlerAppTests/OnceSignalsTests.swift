import CrawlerTestKit
import Foundation
import Testing

/// Signals and a closed output during `crawler once`, through the real binary: only SIGTERM and
/// SIGINT stop a pass (README), and what was fetched is stored either way.
@Suite struct OnceSignalsTests {
    let folder = TemporaryFolder()

    /// Feeds `healthy` and `slow` (which answers after `delay` seconds).
    private func serveFeeds(delay: Double) throws -> LoopbackHTTPServer {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 2)
        let server = try LoopbackHTTPServer { request in
            let slow = request.path.hasSuffix("/1.xml")
            return ServedResponse(text: farm.document(feed: slow ? 1 : 0), delay: slow ? delay : 0)
        }
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        return server
    }

    /// Round 23: SIGUSR1 ended a pass at once (exit 138, no summary, no log line), though the
    /// README says the user signals are ignored.
    @Test func theUserSignalsDoNotEndAPass() throws {
        let server = try serveFeeds(delay: 1.5)
        let once = try DaemonProcess(arguments: ["once"], in: folder.path)
        defer { _ = once.terminate() }
        for _ in 0..<100 where server.requests.count < 2 { usleep(20_000) }
        once.signal(SIGUSR1)
        once.signal(SIGUSR2)
        let start = Date()
        while once.process.isRunning && Date().timeIntervalSince(start) < 20 { usleep(20_000) }
        #expect(once.process.terminationReason == .exit && once.process.terminationStatus == 0)
        #expect(folder.files(under: "store/posts").count == 4)
    }

    /// Round 57: a crawler stopped (SIGSTOP, a debugger, a frozen cgroup) for longer than `timeout:`
    /// failed every transfer in flight on waking ("Operation timed out"): libcurl's timers kept
    /// running while nothing ran. Such a transfer is now asked again, and the feed is not blamed.
    /// The slow feed's first request is never answered (a genuine timeout fails it: the stop must
    /// come first), its second at once; the stop has the whole `timeout` to land, whatever the load.
    @Test func aTransferInFlightWhileTheCrawlerWasStoppedIsAskedAgain() throws {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 2)
        let asked = SharedNumber(0)
        let server = try LoopbackHTTPServer { request in
            guard request.path.hasSuffix("/1.xml") else { return ServedResponse(text: farm.document(feed: 0)) }
            asked.value += 1
            return ServedResponse(text: farm.document(feed: 1), delay: asked.value == 1 ? 30 : 0)
        }
        try folder.write(farm.config(server: server).replacingOccurrences(of: "timeout: 10s", with: "timeout: 6s"), to: "feeds.yaml")
        let once = try DaemonProcess(arguments: ["once"], in: folder.path)
        defer { _ = once.terminate() }
        for _ in 0..<500 where asked.value == 0 { usleep(10_000) }
        once.signal(SIGSTOP)
        sleep(8)
        once.signal(SIGCONT)
        let start = Date()
        while once.process.isRunning && Date().timeIntervalSince(start) < 20 { usleep(20_000) }
        #expect(once.process.terminationReason == .exit && once.process.terminationStatus == 0, "\(once.logLines.compactMap { $0["error"] })")
        #expect(folder.files(under: "store/posts").count == 4)
        #expect(asked.value == 2)
    }

    /// Round 23: `crawler once | head -1` stored everything, then died of SIGPIPE writing its
    /// summary (exit 141): a timer's unit read that as a failed pass.
    @Test func aClosedOutputPipeDoesNotFailThePass() throws {
        _ = try serveFeeds(delay: 0.3)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "set -o pipefail; '\(CrawlerProcess.binary)' once 2>/dev/null | true"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(folder.files(under: "store/posts").count == 4)
    }
}
