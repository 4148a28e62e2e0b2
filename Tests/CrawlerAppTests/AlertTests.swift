import CrawlerApp
import CrawlerTestKit
import FeedModel
import Foundation
import Store
import Synchronization
import Testing

/// `notify:`: digests of feed_failing, feed_recovered, feed_gone and feed_silent, sent to a command's
/// stdin and POSTed to a webhook, by the real binary.
@Suite struct AlertTests {
    let folder = TemporaryFolder()

    static func rss(_ titles: [String]) -> String {
        let items = titles.map { "<item><title>\($0)</title><link>https://example.org/\($0)</link><guid>\($0)</guid></item>" }
        return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><link>https://example.org/</link>"
            + items.joined() + "</channel></rss>"
    }

    /// A feed server: /good.xml always works, /bad.xml answers 500 while `broken` is set, /gone.xml 410;
    /// /hook records the POSTed bodies.
    final class Servers: Sendable {
        final class Shared: Sendable {
            let broken = Atomic<Bool>(true)
            let hooks = Mutex<[String]>([])
        }

        let shared: Shared
        let server: LoopbackHTTPServer

        init() throws {
            let shared = Shared()
            self.shared = shared
            server = try LoopbackHTTPServer { request in
                switch request.path {
                case "/good.xml": return ServedResponse(text: AlertTests.rss(["g1", "g2"]))
                case "/bad.xml":
                    return shared.broken.load(ordering: .relaxed) ? ServedResponse(status: 500, text: "oops")
                        : ServedResponse(text: AlertTests.rss(["b1"]))
                case "/gone.xml": return ServedResponse(status: 410, text: "")
                case "/elsewhere":
                    // A webhook that sends the crawler on to another loopback address.
                    let port = request.headers["host"]?.split(separator: ":").last ?? "80"
                    return ServedResponse(status: 307, headers: [("Location", "http://127.0.0.2:\(port)/hook")], body: [])
                case "/moved-hook", "/found-hook":
                    // A webhook moved (http to https, a new path): 301 and 302 turn a POST into a GET.
                    return ServedResponse(status: request.path == "/moved-hook" ? 301 : 302,
                                          headers: [("Location", "/hook")], body: [])
                case "/hook":
                    shared.hooks.withLock { $0.append(String(decoding: request.body, as: UTF8.self)) }
                    return ServedResponse(status: 204, text: "")
                case "/chatty-hook":
                    // Takes the digest, answers 200, then sends its reply a byte a second.
                    shared.hooks.withLock { $0.append(String(decoding: request.body, as: UTF8.self)) }
                    return ServedResponse(status: 200, headers: [("Content-Length", "100")],
                                          body: Array(repeating: UInt8(ascii: "x"), count: 100), delivery: .trickle(interval: 1))
                case "/huge-hook":
                    // Takes the digest, answers 200 with a reply larger than any body a feed may have.
                    shared.hooks.withLock { $0.append(String(decoding: request.body, as: UTF8.self)) }
                    return ServedResponse(status: 200, headers: [("Content-Length", "209715200")], body: Array("x".utf8),
                                          delivery: .cut(after: 1))
                default: return ServedResponse(status: 404, text: "")
                }
            }
        }

        var posted: [String] { shared.hooks.withLock { $0 } }
    }

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    private func events(in json: String) throws -> [[String: Any]] {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return try #require(object?["events"] as? [[String: Any]])
    }

    private func config(_ servers: Servers, notify: [String], feeds: [String] = ["good", "bad"]) -> String {
        var lines = ["store: ./store", "user_agent: test (ops@example.org)", "notify:"] + notify.map { "  " + $0 }
        lines.append("feeds:")
        for name in feeds { lines += ["  - url: \(servers.server.url("/\(name).xml"))", "    name: \(name)"] }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func aFailingFeedIsReportedOnceToTheCommandAndTheWebhookAndItsRecoveryToo() throws {
        let servers = try Servers()
        try folder.write(config(servers, notify: ["command: cat > alert.json",
                                                  "webhook: \(servers.server.url("/hook"))",
                                                  "allow_private_networks: true"]), to: "feeds.yaml")
        for _ in 1...4 { #expect(try crawler(["once"]).status == 1) }
        #expect(folder.read("alert.json") == nil)
        #expect(servers.posted.isEmpty)
        #expect(try crawler(["once"]).status == 1)
        let sent = try #require(folder.read("alert.json"))
        let failing = try events(in: sent)
        #expect(failing.count == 1)
        #expect(failing.first?["event"] as? String == "feed_failing")
        #expect(failing.first?["feed"] as? String == "bad")
        #expect(failing.first?["errors"] as? Int == 5)
        #expect(try JSONSerialization.jsonObject(with: Data(sent.utf8)) as? [String: Any] != nil)
        #expect(sent.contains("\"crawler\":\"\(ProcessInfo.processInfo.hostName.split(separator: ".").first ?? "")"))
        #expect((failing.first?["error"] as? String)?.contains("HTTP 500") == true)
        #expect(servers.posted == [sent])
        // The healthy feed beside it was stored all along.
        #expect(folder.files(under: "store/posts").count == 2)

        try FileManager.default.removeItem(atPath: folder.file("alert.json"))
        #expect(try crawler(["once"]).status == 1)
        #expect(folder.read("alert.json") == nil)  // still failing: nothing new to say
        servers.shared.broken.store(false, ordering: .relaxed)
        #expect(try crawler(["once"]).status == 0)
        let recovered = try events(in: try #require(folder.read("alert.json")))
        #expect(recovered.map { $0["event"] as? String } == ["feed_recovered"])
        #expect(recovered.first?["after"] as? Int == 6)
        #expect(servers.posted.count == 2)
    }

    /// Round 64: the usual fix for a failing feed, a corrected `url:`, never sent `feed_recovered`:
    /// the new URL's first success started from a state of no failures, and the alert stayed open.
    @Test func aFailingFeedFixedByANewURLIsRecovered() throws {
        let servers = try Servers()
        try folder.write(config(servers, notify: ["command: cat > alert.json"]), to: "feeds.yaml")
        for _ in 1...5 { #expect(try crawler(["once"]).status == 1) }
        #expect(try events(in: try #require(folder.read("alert.json"))).map { $0["event"] as? String } == ["feed_failing"])
        try FileManager.default.removeItem(atPath: folder.file("alert.json"))
        let fixed = config(servers, notify: ["command: cat > alert.json"])
            .replacingOccurrences(of: servers.server.url("/bad.xml"),
                                  with: servers.server.url("/good.xml").replacingOccurrences(of: "127.0.0.1", with: "localhost"))
        try folder.write(fixed, to: "feeds.yaml")
        let run = try crawler(["once"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("event=feed_recovered feed=bad"), "\(run.stderr)")
        let recovered = try events(in: try #require(folder.read("alert.json"), "\(run.stderr)"))
        #expect(recovered.map { $0["event"] as? String } == ["feed_recovered"])
        #expect(recovered.first?["feed"] as? String == "bad")
    }

    /// Round 54: a feed's name with a C1 control (U+009B, a terminal's CSI in one character) went
    /// raw into the digest's JSON, the one output that did not write it as `\u009b`.
    @Test func theDigestWritesControlsEscapedAsEveryOtherOutputDoes() throws {
        let servers = try Servers()
        try folder.write("store: ./store\nnotify:\n  command: cat > alert.json\nfeeds:\n"
                         + "  - url: \(servers.server.url("/gone.xml"))\n    name: \"gone \\u009b31m\"\n"
                         + "  - url: \(servers.server.url("/good.xml"))\n    name: good\n", to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 1)
        let sent = try #require(folder.read("alert.json"))
        #expect(!sent.unicodeScalars.contains { $0.value == 0x9B }, "\(sent)")
        #expect(sent.contains("gone \\u009b31m"), "\(sent)")
        #expect(try events(in: sent).first?["feed"] as? String == "gone \u{9B}31m")
        #expect(folder.files(under: "store/posts").count == 2)
    }

    /// Round 54: a webhook that answered 200 but sent its reply slowly, or announced a large one,
    /// counted as failed (timeout, max_body_size), and `run` sent the same events again at every
    /// interval. Its status says the digest was taken; its reply is not read.
    @Test(arguments: ["/chatty-hook", "/huge-hook"])
    func aWebhookThatAnswered200IsSentToWhateverItsReply(path: String) throws {
        let servers = try Servers()
        try folder.write(config(servers, notify: ["webhook: \(servers.server.url(path))", "allow_private_networks: true"],
                                feeds: ["good", "gone"]).replacingOccurrences(of: "notify:", with: "timeout: 3s\nnotify:"),
                         to: "feeds.yaml")
        let run = try crawler(["once"])
        #expect(run.status == 1)
        #expect(servers.posted.count == 1)
        #expect(run.stderr.contains("event=notify_sent"), "\(run.stderr)")
        #expect(!run.stderr.contains("event=notify_failed"), "\(run.stderr)")
    }

    /// A webhook that answered 301 or 302 was asked again with a GET and no body (libcurl's
    /// default, as browsers do), and `notify_sent` was logged: the digest was lost for good.
    @Test(arguments: ["/moved-hook", "/found-hook"])
    func aWebhookThatMovedStillGetsTheDigest(_ path: String) throws {
        let servers = try Servers()
        try folder.write(config(servers, notify: ["webhook: \(servers.server.url(path))", "allow_private_networks: true"],
                                feeds: ["good", "gone"]), to: "feeds.yaml")
        let run = try crawler(["once"])
        #expect(run.stderr.contains("event=notify_sent"), "\(run.stderr)")
        let posted = try #require(servers.posted.first)
        #expect(try events(in: posted).first?["event"] as? String == "feed_gone", "\(servers.posted)")
        #expect(folder.files(under: "store/posts").count == 2)
    }

    @Test func aWebhookLeadingToAPrivateAddressIsRefusedAndTheCommandStillRuns() throws {
        let servers = try Servers()
        try folder.write(config(servers, notify: ["command: cat > alert.json", "webhook: \(servers.server.url("/elsewhere"))"],
                                feeds: ["good", "gone"]), to: "feeds.yaml")
        let run = try crawler(["once"])
        #expect(run.status == 1)
        #expect(servers.posted.isEmpty)
        #expect(run.stderr.contains("event=notify_failed"))
        #expect(run.stderr.contains("refused: http://127.0.0.2:\(servers.server.port)/hook resolves to 127.0.0.2, a private address"))
        #expect(run.stderr.contains("set allow_private_networks: true under notify: to allow it"))
        let events = try events(in: try #require(folder.read("alert.json")))
        #expect(events.map { $0["event"] as? String } == ["feed_gone"])
        #expect(events.first?["feed"] as? String == "gone")
        #expect(folder.files(under: "store/posts").count == 2)
    }

    @Test func aCommandThatFailsOrHangsIsLoggedAndTheCrawlGoesOn() throws {
        let servers = try Servers()
        try folder.write(config(servers, notify: ["command: cat > /dev/null; exit 3"], feeds: ["good", "gone"]),
                         to: "feeds.yaml")
        let failed = try crawler(["once"])
        #expect(failed.status == 1)
        let line = failed.stderr.split(separator: "\n").first { $0.contains("event=notify_failed") }
        #expect(line?.contains("exited with status 3") == true, "\(failed.stderr)")
        #expect(line?.contains("to=command") == true)
        // Round 59: a command not installed said only "status 127".
        try folder.write(config(servers, notify: ["command: crawler-no-such-notifier --to ops"], feeds: ["good", "gone"]),
                         to: "feeds.yaml")
        let missing = try crawler(["once", "--force"])
        let missingLine = missing.stderr.split(separator: "\n").first { $0.contains("event=notify_failed") }
        #expect(missingLine?.contains("status 127 (the shell found no such command: not installed, or not on PATH?)") == true,
                "\(missing.stderr)")
        try folder.write(config(servers, notify: ["command: sleep 30"], feeds: ["good", "gone"])
            .replacingOccurrences(of: "store: ./store", with: "store: ./store\ntimeout: 1s"), to: "feeds.yaml")
        let hung = try crawler(["once", "--force"])
        #expect(hung.stderr.contains("the command was still running after 1s; stopped"), "\(hung.stderr)")
        #expect(!hung.stderr.contains("sleep 30"), "the command is not quoted: it may hold a password")
        #expect(folder.files(under: "store/posts").count == 2)
    }

    /// Round 59: with the store failing to write a feed's documents, `status` said `ok` and
    /// `status --failing` exited 0; and a `once` (under a timer) that could not open its store sent
    /// no `store_error`, where `run` does.
    @Test func aStoreThatFailsOrCannotBeOpenedIsToldByStatusAndByOnce() throws {
        let servers = try Servers()
        try folder.write(config(servers, notify: ["command: cat > alert.json"], feeds: ["good"]), to: "feeds.yaml")
        let failed = try CrawlerProcess.run(["once"], in: folder.path, shellPrefix: "CRAWLER_FAULT=link:EIO:1+")
        #expect(failed.status == 1, "\(failed.stderr)")
        let status = try crawler(["status", "--failing"])
        #expect(status.status == 1, "\(status.stdout)")
        #expect(status.stdout.split(separator: "\n").contains { $0.hasPrefix("good") && $0.contains("store failing") }, "\(status.stdout)")
        #expect(try crawler(["once", "--force"]).status == 0)
        #expect(try crawler(["status", "--failing"]).status == 0)
        try FileManager.default.removeItem(atPath: folder.file("alert.json"))
        try FileManager.default.removeItem(atPath: folder.file("store/lock"))
        try FileManager.default.createSymbolicLink(atPath: folder.file("store/lock"), withDestinationPath: folder.file("elsewhere"))
        let unopenable = try crawler(["once"])
        #expect(unopenable.status == 3, "\(unopenable.stderr)")
        let events = try events(in: try #require(folder.read("alert.json"), "\(unopenable.stderr)"))
        #expect(events.map { $0["event"] as? String } == ["store_error"], "\(events)")
    }

    /// Round 60: a store whose posts folder is a file refused every document of every feed, each
    /// taken for "one document the store cannot name" (the feed's own problem): `status` said
    /// "no failing feeds", /healthz "store writable", and no `store_error` was sent.
    @Test func aPostsFolderThatIsAFileIsTheStoreFailingNotTheFeeds() throws {
        let servers = try Servers()
        try folder.write(config(servers, notify: ["command: cat > alert.json"], feeds: ["good"]), to: "feeds.yaml")
        try FileManager.default.createDirectory(atPath: folder.file("store"), withIntermediateDirectories: true)
        try folder.write("not a folder", to: "store/posts")
        let failed = try crawler(["once"])
        #expect(failed.status == 1, "\(failed.stderr)")
        let line = failed.stderr.split(separator: "\n").first { $0.contains("event=fetch") }.map { LogLine(String($0)) }
        #expect(line?["error"] == "store: open folder \(folder.file("store/posts")): Not a directory", "\(failed.stderr)")
        #expect(line?["why"]?.contains("name one of its documents") == false, "\(failed.stderr)")
        let status = try crawler(["status", "--failing"])
        #expect(status.status == 1, "\(status.stdout)")
        #expect(status.stdout.split(separator: "\n").contains { $0.hasPrefix("good") && $0.contains("store failing") }, "\(status.stdout)")
        let events = try events(in: try #require(folder.read("alert.json"), "\(failed.stderr)"))
        #expect(events.map { $0["event"] as? String } == ["store_error"], "\(events)")
        // Mended, the next pass stores the feed.
        try FileManager.default.removeItem(atPath: folder.file("store/posts"))
        #expect(try crawler(["once"]).status == 0)
        #expect(!folder.files(under: "store/posts").isEmpty)
    }

    /// Round 53: the command's stderr joined the crawler's as it was written: a line of it could
    /// pass for the crawler's own (`--log-format json` got lines that were no JSON). It is now
    /// said with the send's own line, escaped like any value.
    @Test func whatTheCommandSaysOnStderrIsLoggedAsAValueOfTheSendsLine() throws {
        let servers = try Servers()
        let forged = #"printf 'ts=2026-01-01T00:00:00Z level=info event=fetch feed=forged status=200\n{"event":"x"}\n' >&2"#
        try folder.write(config(servers, notify: ["command: \(forged); cat > /dev/null; exit 2"], feeds: ["good", "gone"]),
                         to: "feeds.yaml")
        let failed = try crawler(["once"])
        let lines = failed.stderr.split(separator: "\n")
        #expect(!lines.contains { $0.hasPrefix("ts=2026-01-01") || $0.hasPrefix("{\"event\"") }, "\(failed.stderr)")
        let line = lines.first { $0.contains("event=notify_failed") }.map { LogLine(String($0)) }
        #expect(line?["stderr"] == "ts=2026-01-01T00:00:00Z level=info event=fetch feed=forged status=200\n{\"event\":\"x\"}",
                "\(failed.stderr)")
        let json = try crawler(["once", "--force", "--log-format", "json"])
        for line in json.stderr.split(separator: "\n") {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "\(line)")
        }
        #expect(folder.files(under: "store/posts").count == 2)
    }

    /// Round 68: a long stderr was cut at 2,000 bytes of its own, inside a character (a U+FFFD
    /// logged), and its escapes made a 7 KB value with no word of the cut. It is cut as every
    /// value is: whole characters, 4 KB as printed, with its length.
    @Test func aLongStderrIsCutAsEveryValueIs() throws {
        let servers = try Servers()
        let noisy = #"printf 'ab'; i=0; while [ $i -lt 1000 ]; do printf '\033'; printf '中'; i=$((i+1)); done; exit 1"#
        try folder.write(config(servers, notify: ["command: (\(noisy)) >&2; cat > /dev/null; exit 1"], feeds: ["good", "gone"]),
                         to: "feeds.yaml")
        let failed = try crawler(["once"])
        let raw = try #require(failed.stderr.split(separator: "\n").first { $0.contains("event=notify_failed") })
        #expect(raw.utf8.count < 4600, "\(raw.utf8.count)")
        let stderr = try #require(LogLine(String(raw))["stderr"])
        #expect(!stderr.contains("\u{FFFD}") && stderr.hasSuffix("… (4002 bytes in all)"), "\(stderr.suffix(80))")
        #expect(folder.files(under: "store/posts").count == 2)
    }

    @Test func aFeedQuietForFarLongerThanItsRhythmIsSilentInTheDigestAndInStatus() throws {
        let servers = try Servers()
        servers.shared.broken.store(false, ordering: .relaxed)
        try folder.write(config(servers, notify: ["command: cat > alert.json"], feeds: ["good", "bad"]), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        #expect(folder.read("alert.json") == nil)
        // Months of history: new items every day until 30 days ago, then nothing.
        let now = WallClock.now()
        do {
            let store = try DocumentStore(config: CrawlerConfig(storePath: folder.file("store")))
            var state = try #require(try store.feedState("good"))
            state.lastNew = now.adding(-30 * 86_400)
            state.lastFetch = now.adding(-25 * 86_400)  // quiet for 5 days then: not yet silent
            state.newItemGaps = [86_400, 86_400, 90_000, 80_000]
            try store.save(state)
        }
        #expect(try crawler(["once"]).status == 0)
        let events = try events(in: try #require(folder.read("alert.json")))
        #expect(events.map { $0["event"] as? String } == ["feed_silent"])
        #expect(events.first?["feed"] as? String == "good")
        #expect(events.first?["usual_gap_seconds"] as? Int == 86_400)
        #expect(events.first?["quiet_seconds"] as? Int ?? 0 >= 30 * 86_400)
        // Told once: the next run finds it as silent as the last one did.
        try FileManager.default.removeItem(atPath: folder.file("alert.json"))
        #expect(try crawler(["once"]).status == 0)
        #expect(folder.read("alert.json") == nil)
        let status = try crawler(["status"])
        #expect(status.status == 0)
        let good = status.stdout.split(separator: "\n").first { $0.hasPrefix("good ") }
        #expect(good?.contains("silent 30d") == true)
        let bad = status.stdout.split(separator: "\n").first { $0.hasPrefix("bad ") }
        #expect(bad?.contains(" ok ") == true)
    }

    @Test func theDaemonSendsOneDigestPerIntervalWithTheEventsOfItsPasses() throws {
        let servers = try Servers()
        try folder.write(config(servers, notify: ["webhook: \(servers.server.url("/hook"))",
                                                  "allow_private_networks: true", "interval: 2s"],
                                feeds: ["good", "gone"]), to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        let sent = daemon.waitFor { $0["event"] == "notify_sent" }
        #expect(sent.first?["events"] == "1")
        #expect(servers.posted.count == 1)
        let events = try events(in: try #require(servers.posted.first))
        #expect(events.map { $0["event"] as? String } == ["feed_gone"])
        #expect(daemon.terminate().status == 0)
        #expect(folder.files(under: "store/posts").count == 2)
    }

    @Test func notifySettingsAreCheckedWithLineNumbers() throws {
        try folder.write("notify:\n  webhook: ftp://example.org/x\nfeeds: []\n", to: "feeds.yaml")
        let bad = try crawler(["check"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("feeds.yaml:2: notify.webhook: 'ftp://example.org/…' is not an http(s) URL"))
        try folder.write("notify:\n  interval: 1h\nfeeds: []\n", to: "feeds.yaml")
        let empty = try crawler(["check"])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("feeds.yaml:2: notify: needs a command: or a webhook: to send alerts to"))
        // Round 54: an empty webhook was "'the webhook' is not an http(s) URL".
        try folder.write("notify:\n  webhook: \"\"\nfeeds: []\n", to: "feeds.yaml")
        #expect(try crawler(["check"]).stderr.contains("feeds.yaml:2: notify.webhook: is empty: give an http(s) URL, or leave webhook: out"))
        try folder.write("notify:\n  comand: x\nfeeds: []\n", to: "feeds.yaml")
        #expect(try crawler(["check"]).stderr.contains("feeds.yaml:2: notify.comand: unknown key 'comand' (did you mean 'command'?)"))
    }
}

/// A fleet node sends the alerts of the feeds it crawled, as a single machine does.
@Suite(.serialized) struct FleetAlertTests {
    let folder = TemporaryFolder()

    @Test func aFleetNodeSendsTheDigestOfItsPass() throws {
        let servers = try AlertTests.Servers()
        defer { servers.server.stop() }
        let database = try PostgresServer.shared().makeDatabase()
        try folder.write("""
            store: ./store
            database: \(database)
            user_agent: test (ops@example.org)
            notify:
              command: cat > alert.json
            feeds:
              - url: \(servers.server.url("/good.xml"))
                name: good
              - url: \(servers.server.url("/gone.xml"))
                name: gone
            """, to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        let once = try CrawlerProcess.run(["once", "--node", "n1"], in: folder.path)
        #expect(once.status == 1, "\(once.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(try #require(folder.read("alert.json")).utf8)) as? [String: Any]
        let events = try #require(object?["events"] as? [[String: Any]])
        #expect(events.map { $0["event"] as? String } == ["feed_gone"])
        #expect(once.stdout.contains("good"))
        // The fleet's status is a monitoring check too.
        let status = try CrawlerProcess.run(["status", "--failing"], in: folder.path)
        #expect(status.status == 1)
        let rows = status.stdout.split(separator: "\n").filter { !$0.hasPrefix("node ") && !$0.isEmpty }
        #expect(rows.count == 2 && rows[1].hasPrefix("gone "), "\(status.stdout)")
    }
}
