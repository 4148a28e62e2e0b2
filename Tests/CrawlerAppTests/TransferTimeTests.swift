import CrawlerTestKit
import Foundation
import Testing

/// A feed's `timeout` counts from when its transfer starts, never from when it was queued, and the
/// log says the two apart: `ms=` is the transfer's own time, `wait_ms=` the time it waited for a slot.
/// Run as the real binary against one loopback host whose `/stall` route answers too late.
@Suite struct TransferTimeTests {
    let folder = TemporaryFolder()
    let server: LoopbackHTTPServer

    init() throws {
        server = try LoopbackHTTPServer { request in
            let name = String(request.path.dropFirst().prefix { $0 != "." })
            let text = """
                <rss version="2.0"><channel><title>\(name)</title><link>https://example.org/</link>
                <item><title>\(name) item</title><guid>\(name)</guid><description>the body of \(name)</description></item>
                </channel></rss>
                """
            return ServedResponse(text: text, delay: request.path == "/stall.xml" ? 4 : 0)
        }
    }

    /// Runs `crawler once` over the stalled feed first, then `healthy` feeds on the same host and port.
    private func crawl(healthy: Int, settings: String) throws -> (CrawlerProcess.Run, [String: LogLine]) {
        let feeds = (["stall"] + (1...healthy).map { "h\($0)" }).map {
            "  - url: \(server.url("/\($0).xml"))\n    name: \($0)\n"
        }
        try folder.write("store: ./out\ntimeout: 2s\nhost_gap: 0s\n\(settings)\nfeeds:\n" + feeds.joined(),
                         to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        var lines: [String: LogLine] = [:]
        for line in run.stderr.split(separator: "\n").map({ LogLine(String($0)) }) where line["event"] == "fetch" {
            if let feed = line["feed"] { lines[feed] = line }
        }
        return (run, lines)
    }

    private func storedBodies() -> [String] {
        folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }
    }

    /// Round 64: `low_speed_time` counted the wait for the answer, so a feed slower to begin
    /// answering than it (20 s by default; a feed generated on demand) failed as "too slow"
    /// whatever `timeout:` said. The wait is the timeout's; the low-speed limit counts from the answer.
    @Test func aFeedSlowToBeginAnsweringIsWaitedForUpToItsTimeout() throws {
        let feeds = ["stall", "h1"].map { "  - url: \(server.url("/\($0).xml"))\n    name: \($0)\n" }
        try folder.write("store: ./out\ntimeout: 10s\nlow_speed_time: 1s\nhost_gap: 0s\nfeeds:\n" + feeds.joined(),
                         to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let stored = storedBodies()
        #expect(stored.contains { $0.contains("the body of stall") } && stored.contains { $0.contains("the body of h1") })
    }

    /// The first connection to a host stalls; the feeds started beside it must not be held in
    /// libcurl's own queue behind it (which spent their timeout before they had begun, and failed
    /// them with "Failed to resolve host '127.0.0.1' with timeout after 0 ms").
    @Test func feedsBesideAStalledOneOnTheSameHostAreNotFailedForItsTime() throws {
        let (run, lines) = try crawl(healthy: 8, settings: "per_host_concurrency: 4")
        #expect(run.status == 1)
        #expect(lines["stall"]?["error"]?.contains("imed out") == true, "\(run.stderr)")
        let stored = storedBodies()
        for index in 1...8 {
            #expect(lines["h\(index)"]?["status"] == "200", "h\(index): \(lines["h\(index)"]?.fields ?? [:])")
            #expect(stored.contains { $0.contains("the body of h\(index)") })
        }
        #expect(!run.stderr.contains("Failed to resolve"), "\(run.stderr)")
    }

    /// With one slot for the host, the healthy feeds wait for the stalled one's 2 s timeout in our
    /// queue: that wait is `wait_ms`, not part of `ms`, and costs none of their own timeout.
    @Test func timeWaitingForAHostSlotIsReportedApartFromTheTransfersOwn() throws {
        let (run, lines) = try crawl(healthy: 2, settings: "per_host_concurrency: 1")
        #expect(run.status == 1)
        let stored = storedBodies()
        for feed in ["h1", "h2"] {
            let line = lines[feed]
            #expect(line?["status"] == "200", "\(feed): \(run.stderr)")
            #expect(stored.contains { $0.contains("the body of \(feed)") })
            let waited = line?["wait_ms"].flatMap { Int($0) } ?? -1
            let took = line?["ms"].flatMap { Int($0) } ?? -1
            #expect(waited >= 1_900, "\(feed) waited \(waited) ms: \(line?.fields ?? [:])")
            #expect((0..<1_000).contains(took), "\(feed) took \(took) ms")
        }
        let stallWaited = lines["stall"]?["wait_ms"].flatMap { Int($0) } ?? -1
        #expect((0..<500).contains(stallWaited), "the first feed starts at once: \(lines["stall"]?.fields ?? [:])")
    }
}
