import CrawlerTestKit
import Foundation
import Testing

/// SIGHUP with a file that changes how documents are written and where the store is, at once:
/// the reload is refused as a whole, its reason naming both keys (a new store needs no
/// rerender, only a restart); once the output is put back, the store change alone is a
/// `restart_needed` and the rest of the file applies. The healthy feed is stored throughout.
@Suite struct ReloadProfileTests {
    let folder = TemporaryFolder()

    private func config(_ server: LoopbackHTTPServer, feeds: [String], extra: [String]) -> String {
        var lines = ["user_agent: test (ops@example.org)", "interval: 1h"] + extra + ["feeds:"]
        for name in feeds { lines += ["  - url: \(server.url("/\(name).xml"))", "    name: \(name)"] }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func aReloadChangingOutputAndStoreIsRefusedNamingBothThenTheStoreAloneNeedsARestart() throws {
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/a.xml": return ServedResponse(text: AlertTests.rss(["a1", "a2"]))
            case "/b.xml": return ServedResponse(text: AlertTests.rss(["b1"]))
            default: return ServedResponse(status: 404, text: "")
            }
        }
        try folder.write(config(server, feeds: ["a"], extra: ["store: ./store"]), to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        daemon.waitFor { $0["event"] == "fetch" && $0["feed"] == "a" }

        try folder.write(config(server, feeds: ["a", "b"], extra: ["store: ./elsewhere", "output: jekyll"]), to: "feeds.yaml")
        daemon.signal(SIGHUP)
        let rejected = daemon.waitFor { $0["event"] == "config_reload" }
        #expect(rejected.first?["status"] == "rejected")
        #expect(rejected.first?["error"] == "output: (hexo → jekyll) changed; so did store:, which takes a restart too: "
                + "stop the crawler and start it again; nothing was applied", "\(rejected.map(\.fields))")
        #expect(!daemon.logLines.contains { $0["event"] == "restart_needed" })

        try folder.write(config(server, feeds: ["a", "b"], extra: ["store: ./elsewhere"]), to: "feeds.yaml")
        daemon.signal(SIGHUP)
        let applied = daemon.waitFor(2) { $0["event"] == "config_reload" }
        #expect(applied.last?["status"] == "applied")
        #expect(daemon.logLines.filter { $0["event"] == "restart_needed" }.map { $0["key"] } == ["store"])
        #expect(daemon.waitFor { $0["event"] == "fetch" && $0["feed"] == "b" }.first?["new"] == "1")
        #expect(daemon.terminate().status == 0)
        #expect(folder.files(under: "store/posts").count == 3)
        #expect(!FileManager.default.fileExists(atPath: folder.file("elsewhere")))
    }

    /// Whether `status` comes to say `line` (nil: no restart pending) within a few seconds: the
    /// daemon writes what status reads every two.
    private func statusSays(_ line: String?) -> Bool {
        for _ in 0..<50 {
            let said = (try? CrawlerProcess.run(["status"], in: folder.path).stdout) ?? ""
            if let line, said.contains(line) { return true }
            if line == nil, said.contains("transfers:"), !said.contains("take a restart") { return true }
            usleep(100_000)
        }
        return false
    }

    /// Round 38: a reload that changed the user agent said a restart was needed; the next reload,
    /// which put the one the daemon started with back, said so again, though the running engine
    /// already sends it. The engine's settings are judged against what it runs with.
    @Test func aReloadThatPutsTheRunningEngineSettingsBackNeedsNoRestart() throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: AlertTests.rss(["a1"])) }
        try folder.write(config(server, feeds: ["a"], extra: ["store: ./store"]), to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        daemon.waitFor { $0["event"] == "fetch" && $0["feed"] == "a" }
        try folder.write(config(server, feeds: ["a"], extra: ["store: ./store", "timeout: 7s", "max_body_size: 1MB"]), to: "feeds.yaml")
        daemon.signal(SIGHUP)
        let changed = daemon.waitFor { $0["event"] == "config_reload" }
        // Round 60: the same list whatever changed, without max_body_size; and status said nothing.
        #expect(changed.first?["restart_needed"]?.hasPrefix("timeout, max_body_size: changed; the running fetch engine keeps") == true,
                "\(changed.map(\.fields))")
        #expect(statusSays("config:    timeout, max_body_size changed in feeds.yaml since the daemon started and take a restart"))
        try folder.write(config(server, feeds: ["a"], extra: ["store: ./store"]), to: "feeds.yaml")
        daemon.signal(SIGHUP)
        let reverted = daemon.waitFor(2) { $0["event"] == "config_reload" }
        #expect(reverted.count == 2 && reverted.last?["restart_needed"] == nil, "\(reverted.map(\.fields))")
        #expect(reverted.last?["level"] == "info", "\(reverted.map(\.fields))")
        #expect(statusSays(nil))
        #expect(daemon.terminate().status == 0)
    }

}
