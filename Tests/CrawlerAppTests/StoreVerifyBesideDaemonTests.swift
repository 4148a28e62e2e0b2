import CrawlerTestKit
import Foundation
import Synchronization
import Testing

/// Round 68: beside a daemon rewriting posts (each poll brings a new version of its feed's item,
/// written in place), `store verify` read the index, then the files, moments apart: posts the
/// daemon had just rewritten were "changed: its content differs from what was stored", with the
/// advice to forget them. A document written meanwhile is unsettled, not a problem.
@Suite struct StoreVerifyBesideDaemonTests {
    let folder = TemporaryFolder()

    @Test func verifyBesideARewritingDaemonCallsNoPostChanged() throws {
        let polls = Mutex(0)
        let server = try LoopbackHTTPServer { request in
            let poll = polls.withLock { $0 += 1; return $0 }
            let text = request.path == "/healthy" ? "Healthy text." : "Version \(poll) of the story, with some words."
            return ServedResponse(text: """
                <?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://e.example/</link>
                <item><title>Story</title><guid>g\(request.path)</guid><link>https://e.example\(request.path)</link>
                <description>\(text)</description></item></channel></rss>
                """)
        }
        var config = "store: ./store\ninterval: 1s\nmin_interval: 1s\nhost_gap: 0s\nconcurrency: 40\nper_host_concurrency: 40\n"
        config += "feeds:\n  - url: \(server.url("/healthy"))\n    name: healthy\n    interval: 1h\n"
        for index in 0..<40 { config += "  - url: \(server.url("/story\(index)"))\n    name: story\(index)\n" }
        try folder.write(config, to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        daemon.waitFor(41) { $0["event"] == "fetch" && $0["status"] == "200" }
        var reports: [String] = []
        let deadline = Date().addingTimeInterval(8)
        while Date() < deadline {
            let verify = try CrawlerProcess.run(["store", "verify"], in: folder.path)
            reports.append(verify.stdout + verify.stderr)
        }
        let changed = reports.filter { $0.contains("changed:") || $0.contains("corrupt:") }
        #expect(changed.isEmpty, "\(changed.count) of \(reports.count) runs: \(changed.first ?? "")")
        let fetches = daemon.logLines.filter { $0["event"] == "fetch" && $0["feed"] == "story0" }
        #expect(fetches.count >= 3, "\(fetches.map(\.fields))")
        #expect(daemon.terminate().status == 0)
        #expect(folder.documents().values.contains { $0.contains("Healthy text.") })
    }
}
