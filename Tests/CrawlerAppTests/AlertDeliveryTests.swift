import CrawlerTestKit
import Foundation
import Synchronization
import Testing

/// How digests get through when their receiver misbehaves: a command that leaves a child behind,
/// a webhook or command that fails once, a webhook that stalls while the daemon is told to stop.
@Suite struct AlertDeliveryTests {
    let folder = TemporaryFolder()

    /// Feeds (/good.xml, /gone.xml, /gone-later.xml: a 410 after 2 s) and a webhook (/hook) that
    /// gives `answers` to its POSTs in turn, the last one to every POST after.
    final class Servers: Sendable {
        let server: LoopbackHTTPServer

        init(hook answers: [ServedResponse] = [ServedResponse(status: 204, text: "")]) throws {
            let posts = Atomic<Int>(0)
            server = try LoopbackHTTPServer { request in
                switch request.path {
                case "/good.xml": return ServedResponse(text: AlertTests.rss(["g1"]))
                case "/gone.xml": return ServedResponse(status: 410, text: "")
                case "/gone-later.xml": return ServedResponse(status: 410, text: "", delay: 2)
                case "/hook":
                    let index = posts.add(1, ordering: .relaxed).oldValue
                    return answers[min(index, answers.count - 1)]
                default: return ServedResponse(status: 404, text: "")
                }
            }
        }

        /// The feeds named in each POSTed digest, in order.
        var digests: [[String]] {
            server.requests.filter { $0.path == "/hook" }.map { AlertDeliveryTests.feeds(in: String(decoding: $0.body, as: UTF8.self)) }
        }
    }

    static func feeds(in digest: String) -> [String] {
        let object = try? JSONSerialization.jsonObject(with: Data(digest.utf8)) as? [String: Any]
        return (object?["events"] as? [[String: Any]] ?? []).compactMap { $0["feed"] as? String }
    }

    private func config(_ servers: Servers, notify: [String], feeds: [String], settings: [String] = []) -> String {
        var lines = ["store: ./store", "user_agent: test (ops@example.org)", "interval: 2s"] + settings + ["notify:"]
        lines += notify.map { "  " + $0 }
        lines.append("feeds:")
        for name in feeds { lines += ["  - url: \(servers.server.url("/\(name).xml"))", "    name: \(name)"] }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A mailer that forks its delivery: the shell exits 0 at once, its child delivers later.
    /// It was reported as `still running after 2s; stopped`, and the child was killed.
    @Test func aCommandThatLeavesABackgroundChildIsDoneWhenItsShellExits() throws {
        let servers = try Servers()
        try folder.write(config(servers, notify: [#"command: "cat > alert.json; (sleep 3; echo delivered > delivered) & exit 0""#],
                                feeds: ["good", "gone"], settings: ["timeout: 2s"]), to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        let lines = run.stderr.split(separator: "\n").filter { $0.contains("event=notify_") }
        #expect(lines.count == 1 && lines[0].contains("event=notify_sent") && lines[0].contains("to=command"), "\(run.stderr)")
        #expect(Self.feeds(in: folder.read("alert.json") ?? "") == ["gone"])
        // The child goes on after the crawler is done with the command.
        let deadline = Date().addingTimeInterval(10)
        while folder.read("delivered") == nil && Date() < deadline { usleep(50_000) }
        #expect(folder.read("delivered") == "delivered\n")
    }

    /// A webhook whose path is its secret (Slack's `/services/T…/B…/TOKEN`, Discord's
    /// `/api/webhooks/ID/TOKEN`) was logged whole on every notify line: only its origin is named.
    @Test func aWebhooksPathIsNotLogged() throws {
        let hook = try LoopbackHTTPServer { _ in ServedResponse(status: 503, text: "busy") }
        let servers = try Servers()
        let urls = [hook.url("/services/T01/B02/HOOK-PATH-SECRET?x=HOOK-QUERY"), "http://127.0.0.1:1/api/webhooks/1/HOOK-PATH-SECRET"]
        for url in urls {
            try? FileManager.default.removeItem(atPath: folder.file("store"))  // a new store: `gone` is told again
            try folder.write(config(servers, notify: ["webhook: \(url)", "allow_private_networks: true"], feeds: ["good", "gone"]),
                             to: "feeds.yaml")
            let run = try CrawlerProcess.run(["once"], in: folder.path)
            let failed = run.stderr.split(separator: "\n").first { $0.contains("event=notify_failed") }
            #expect(failed.map { $0.contains("to=") && $0.contains("http://127.0.0.1:") } == true, "\(run.stderr)")
            #expect(!run.stderr.contains("HOOK-PATH-SECRET") && !run.stderr.contains("HOOK-QUERY"), "\(run.stderr)")
        }
    }

    /// Round 32: a webhook refused as no http(s) URL was printed path and all by every command.
    @Test func aRefusedWebhooksPathIsNotPrinted() throws {
        let servers = try Servers()
        try folder.write(config(servers, notify: ["webhook: ftp://127.0.0.1/services/T01/B02/HOOK-PATH-SECRET"], feeds: ["good"]),
                         to: "feeds.yaml")
        for command in [["check"], ["list"], ["once"]] {
            let run = try CrawlerProcess.run(command, in: folder.path)
            #expect(run.status == 2, "\(command): \(run.stderr)")
            #expect(run.stderr.contains("'ftp://127.0.0.1/…' is not an http(s) URL"), "\(command): \(run.stderr)")
            #expect(!(run.stdout + run.stderr).contains("HOOK-PATH-SECRET"), "\(command): \(run.stderr)")
        }
    }

    /// feed_gone is told once: a digest lost to one 503 was never told at all.
    @Test func aDigestTheWebhookRefusedGoesToItAgainWithTheNextDigestAndNotToTheCommandThatTookIt() throws {
        let servers = try Servers(hook: [ServedResponse(status: 503, text: "busy"), ServedResponse(status: 204, text: "")])
        try folder.write(config(servers, notify: ["command: cat >> sent.jsonl", "webhook: \(servers.server.url("/hook"))",
                                                  "allow_private_networks: true", "interval: 1s"],
                                feeds: ["good", "gone"]), to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        daemon.waitFor(timeout: 20) { $0["event"] == "notify_sent" && $0["to"] == "http://127.0.0.1:\(servers.server.port)/…" }
        #expect(daemon.terminate().status == 0)
        #expect(servers.digests == [["gone"], ["gone"]], "\(daemon.logLines.filter { $0["event"]?.hasPrefix("notify") == true }.map(\.fields))")
        let told = (folder.read("sent.jsonl") ?? "").split(separator: "\n").map { Self.feeds(in: String($0)) }
        #expect(told == [["gone"]])
    }

    /// The same for a command that fails; with a long interval, the retry is the shutdown's digest.
    @Test func aDigestTheCommandFailedGoesToItAgainAtShutdown() throws {
        let servers = try Servers()
        try folder.write(config(servers, notify: [#"command: "[ -e tried ] || { touch tried; exit 1; }; cat > alert.json""#,
                                                  "interval: 1h"],
                                feeds: ["good", "gone"]), to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        let failed = daemon.waitFor(timeout: 20) { $0["event"] == "notify_failed" }
        #expect(failed.first?["error"]?.contains("exited with status 1") == true, "\(failed.map(\.fields))")
        #expect(folder.read("alert.json") == nil)
        #expect(daemon.terminate().status == 0)
        #expect(Self.feeds(in: folder.read("alert.json") ?? "") == ["gone"])
        #expect(daemon.logLines.last { $0["event"] == "notify_sent" }?["events"] == "1")
    }

    /// SIGTERM waited for a stalled webhook until `timeout:` (30 s by default), then gave the
    /// shutdown's digest as long again: past crawler.service's TimeoutStopSec=15s, so systemd
    /// killed it, and the digest and its log line were lost.
    /// `once`'s last digest to a stalled webhook: SIGTERM and Ctrl-C were ignored until the
    /// webhook's timeout, twice over (round 29). A signal cuts it short as at `run`'s shutdown.
    @Test func aSignalCutsOncesStalledLastDigestShort() throws {
        let servers = try Servers(hook: [ServedResponse(status: 204, text: "", delay: 120)])
        try folder.write(config(servers, notify: ["webhook: \(servers.server.url("/hook"))", "allow_private_networks: true"],
                                feeds: ["good", "gone"]), to: "feeds.yaml")
        let once = try DaemonProcess(arguments: ["once"], in: folder.path)
        defer { _ = once.terminate() }
        for _ in 0..<200 where servers.digests.isEmpty { usleep(50_000) }
        #expect(servers.digests == [["gone"]])
        let stop = once.terminate(timeout: 40)
        #expect(stop.seconds < 8, "once took \(stop.seconds) s after SIGTERM")
        #expect(once.logLines.contains { $0["event"] == "notify_failed" }, "\(once.logLines.map(\.fields))")
    }

    @Test func aStalledWebhookHoldsUpAShutdownForSecondsOnlyAndWhatWasNotSentIsLogged() throws {
        let servers = try Servers(hook: [ServedResponse(status: 204, text: "", delay: 120)])
        try folder.write(config(servers, notify: ["webhook: \(servers.server.url("/hook"))", "allow_private_networks: true"],
                                feeds: ["gone", "gone-later"]), to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        // The first digest (gone) stalls; gone-later's event waits for the next one.
        daemon.waitFor(timeout: 20) { $0["event"] == "fetch" && $0["feed"] == "gone-later" }
        #expect(servers.digests == [["gone"]])
        let stop = daemon.terminate(timeout: 25)
        #expect(stop.status == 0)
        #expect(stop.seconds < 10, "shutdown took \(stop.seconds) s")
        let failed = daemon.logLines.filter { $0["event"] == "notify_failed" }
        #expect(failed.map { $0["events"] } == ["1", "2"], "\(failed.map(\.fields))")
        // The digest in flight was cut; its event went along with the shutdown's.
        #expect(servers.digests == [["gone"], ["gone", "gone-later"]])
    }
}
