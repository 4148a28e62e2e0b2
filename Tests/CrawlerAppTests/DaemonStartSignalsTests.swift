import CrawlerTestKit
import Foundation
import Testing

/// Round 68: a SIGHUP in the first milliseconds of `crawler run` (a deploy script's reload just
/// after a restart, `kill -HUP $(pidof crawler)` from a config manager) found its default action,
/// not the daemon's handler, and ended it with status 129 and no word; SIGUSR1 and SIGUSR2, which
/// the daemon ignores, did the same. The daemon must take them from its first instruction on.
@Suite struct DaemonStartSignalsTests {
    let folder = TemporaryFolder()
    static let feed = """
        <?xml version="1.0"?><rss version="2.0"><channel><title>H</title><link>https://h.example/</link>
        <item><title>Healthy</title><guid>h1</guid><description>Healthy text.</description></item></channel></rss>
        """

    @Test(arguments: [SIGHUP, SIGUSR1, SIGUSR2])
    func aSignalAtTheVeryStartDoesNotEndTheDaemon(_ number: Int32) throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: Self.feed) }
        try folder.write("store: ./store\ninterval: 1h\nfeeds:\n  - url: \(server.url("/feed"))\n    name: healthy\n",
                         to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        // As soon as the crawler's `main` runs: its first act that shows from outside is catching
        // SIGBUS (before it, the dynamic loader runs, which nothing in the process can guard).
        let pid = daemon.process.processIdentifier
        let deadline = Date().addingTimeInterval(10)
        while daemon.process.isRunning, !Self.catches(SIGBUS, pid: pid), Date() < deadline {}
        daemon.signal(number)
        let fetched = daemon.waitFor { $0["event"] == "fetch" && $0["feed"] == "healthy" }
        #expect(!fetched.isEmpty && daemon.process.isRunning, "signal \(number): \(daemon.logLines.map(\.fields))")
        let end = daemon.terminate()
        #expect(end.status == 0)
        #expect(FileManager.default.fileExists(atPath: folder.file("store/posts")))
    }

    /// Whether the process has a handler for `number`: its bit in the SigCgt mask of /proc/PID/status.
    static func catches(_ number: Int32, pid: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
              let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16) else { return false }
        return mask & (1 << UInt64(number - 1)) != 0
    }
}
