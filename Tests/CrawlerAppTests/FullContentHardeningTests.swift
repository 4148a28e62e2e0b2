import CrawlerTestKit
import Foundation
import Synchronization
import Testing

/// `full_content` pages that are huge, never answer, or are not there, under `crawler run` and
/// `once`: a healthy feed beside keeps its schedule, shutdown is prompt and stores no feed by
/// halves, and `once` always finishes.
@Suite struct FullContentHardeningTests {
    let folder = TemporaryFolder()

    /// About 20 MB of article: well under `max_body_size`, long to read.
    static let hugePage: [UInt8] = {
        let paragraph = "<p>" + String(repeating: "Words of a long story, with clauses, and more words to read. ", count: 8) + "</p>\n"
        let page = "<html><head><title>Huge</title></head><body><div class=\"story\">"
            + String(repeating: paragraph, count: 40_000) + "</div></body></html>"
        return Array(page.utf8)
    }()

    static func server() throws -> LoopbackHTTPServer {
        let base = Mutex("")
        let server = try LoopbackHTTPServer { request in
            let base = base.withLock { $0 }
            switch request.path {
            case "/healthy":
                return ServedResponse(text: FullContentTests.feed("healthy", base: base, items: [("Healthy item", "/h", true)]))
            case "/huge":
                return ServedResponse(text: FullContentTests.feed("huge", base: base, items: [("Huge story", "/huge-page", true)]))
            case "/huge-page":
                return ServedResponse(headers: [("Content-Type", "text/html; charset=utf-8")], body: hugePage)
            case "/broken":
                return ServedResponse(text: FullContentTests.feed("broken", base: base, items: [
                    ("Missing story", "/nowhere", true), ("Stalled story", "/stall", false),
                ]))
            case "/stall":
                return ServedResponse(contentType: "text/html", text: "<p>late</p>", delay: 30)
            case "/twins":
                // Two different stories under one guid: told apart by their links.
                return ServedResponse(text: """
                    <?xml version="1.0"?><rss version="2.0"><channel><title>twins</title><link>\(base)/</link>
                    <item><title>First twin</title><guid isPermaLink="false">same</guid><link>\(base)/twin/1</link><description>Only a summary.</description></item>
                    <item><title>Second twin</title><guid isPermaLink="false">same</guid><link>\(base)/twin/2</link><description>Only another summary.</description></item>
                    </channel></rss>
                    """)
            case "/twin/1", "/twin/2":
                return ServedResponse(contentType: "text/html; charset=utf-8", text: FullContentTests.page(
                    "Twin \(request.path.suffix(1))", paragraphs: FullContentTests.paragraphs.map { "Twin \(request.path.suffix(1)): " + $0 }))
            case "/linkless":
                return ServedResponse(text: """
                    <?xml version="1.0"?><rss version="2.0"><channel><title>linkless</title>
                    <item><title>No link here</title><guid isPermaLink="false">a1</guid><description>Only a summary.</description></item>
                    </channel></rss>
                    """)
            case "/stored":
                return ServedResponse(text: FullContentTests.feed("stored", base: base, items: [("Stored story", "/stored-page", true)]))
            case "/stored-page":
                return ServedResponse(contentType: "text/html; charset=utf-8",
                                      text: FullContentTests.page("Stored story", paragraphs: FullContentTests.paragraphs))
            default:
                return ServedResponse(status: 404, body: [])
            }
        }
        base.withLock { $0 = "http://127.0.0.1:\(server.port)" }
        return server
    }

    private func stored(_ title: String) -> String? {
        folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
            .first { $0.contains("title: '\(title)'") }
    }

    /// `once` as a child process, stopped (and failed) if it does not end within `timeout`.
    private func once(timeout: Double = 60) throws -> (status: Int32, finished: Bool, log: [LogLine]) {
        let process = try DaemonProcess(arguments: ["once", "--log-level", "debug"], in: folder.path)
        let deadline = Date().addingTimeInterval(timeout)
        while process.process.isRunning && Date() < deadline { usleep(20_000) }
        let finished = !process.process.isRunning
        if !finished { process.signal(SIGKILL) }
        process.process.waitUntilExit()
        return (process.process.terminationStatus, finished, process.logLines)
    }

    @Test func aHugePageDoesNotHoldUpAHealthyFeedsPolls() throws {
        let server = try Self.server()
        try folder.write("""
            store: ./store
            interval: 1h
            timeout: 20s
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
                interval: 2s
              - url: \(server.url("/huge"))
                name: huge
                full_content: true
            """, to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        let huge = daemon.waitFor(timeout: 120) { $0["event"] == "fetch" && $0["feed"] == "huge" }
        #expect(huge.count == 1)
        let healthyPolls = daemon.waitFor(3, timeout: 10) { $0["event"] == "fetch" && $0["feed"] == "healthy" }
        #expect(daemon.terminate().status == 0)
        #expect(healthyPolls.count >= 3)
        let times = server.requests.filter { $0.path == "/healthy" }.map(\.receivedAt).sorted()
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        // Every 2 s: the page being read must not stop the flow for its length (tens of seconds here).
        #expect((gaps.max() ?? .infinity) < 6, "healthy poll gaps \(gaps)")
        #expect(stored("Huge story")?.contains("Words of a long story") == true)
    }

    @Test func shutdownWhileAHugePageIsReadExitsPromptlyAndStoresNoHalfFeed() throws {
        let server = try Self.server()
        try folder.write("""
            store: ./store
            interval: 1h
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/huge"))
                name: huge
                full_content: true
            """, to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        #expect(daemon.waitFor(timeout: 30) { $0["event"] == "fetch" && $0["feed"] == "healthy" }.count == 1)
        for _ in 0..<300 where !server.requests.contains(where: { $0.path == "/huge-page" }) { usleep(100_000) }
        #expect(server.requests.contains { $0.path == "/huge-page" })
        usleep(1_500_000)
        let exit = daemon.terminate(timeout: 30)
        #expect(exit.status == 0)
        #expect(exit.seconds < 5, "shutdown took \(exit.seconds) s while a page was being read")
        #expect(!daemon.logLines.contains { $0["event"] == "fetch" && $0["feed"] == "huge" })
        #expect(stored("Huge story") == nil)
        #expect(stored("Healthy item") != nil)
    }

    @Test func onceInterruptedWhileAHugePageIsReadStopsPromptlyAndStoresNoHalfFeed() throws {
        let server = try Self.server()
        try folder.write("""
            store: ./store
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/huge"))
                name: huge
                full_content: true
            """, to: "feeds.yaml")
        // Through a shell only to keep the summary: `exec` leaves the signal to the crawler itself.
        let once = try DaemonProcess(arguments: ["-c", "exec '\(CrawlerProcess.binary)' once --log-level debug > summary.txt"],
                                     in: folder.path, executable: "/bin/sh")
        defer { _ = once.terminate() }
        for _ in 0..<300 where !server.requests.contains(where: { $0.path == "/huge-page" }) { usleep(100_000) }
        #expect(server.requests.contains { $0.path == "/huge-page" })
        usleep(1_500_000)
        once.signal(SIGINT)
        let start = Date()
        while once.process.isRunning && Date().timeIntervalSince(start) < 30 { usleep(20_000) }
        #expect(Date().timeIntervalSince(start) < 5, "once took \(Date().timeIntervalSince(start)) s to stop")
        #expect(!once.process.isRunning)
        #expect(stored("Huge story") == nil)
        // The summary says which feed the shutdown cut, and the exit status that the pass is not whole.
        #expect(once.process.terminationStatus == 1)
        let summary = folder.read("summary.txt") ?? ""
        #expect(summary.contains("stop  huge"), "\(summary)")
        #expect(summary.contains("1 interrupted"), "\(summary)")
        // And the log, which is all there is under a timer: the pass did not just end.
        #expect(once.logLines.contains { $0["event"] == "interrupted" && $0["feeds"] == "huge" && $0["stopped"] == "1" },
                "\(once.logLines)")
    }

    @Test func itemsSharingAGuidKeepTheirOwnIdentityWithTheirArticles() throws {
        let server = try Self.server()
        try folder.write("""
            store: ./store
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/twins"))
                name: twins
                full_content: true
            """, to: "feeds.yaml")
        let first = try once()
        #expect(first.finished && first.status == 0, "\(first.log.suffix(5).map(\.fields))")
        #expect(stored("First twin")?.contains("Twin 1: " + FullContentTests.paragraphs[0]) == true)
        #expect(stored("Second twin")?.contains("Twin 2: " + FullContentTests.paragraphs[0]) == true)
        #expect(stored("Healthy item") != nil)
        // Read again, neither is new nor a revision of the other.
        let second = try once()
        #expect(second.finished && second.status == 0)
        #expect(!second.log.contains { $0["event"] == "revision" || $0["event"] == "revised" }, "\(second.log.map(\.fields))")
        #expect(folder.files(under: "store/posts").count == 3)
        #expect(stored("First twin") != nil && stored("Second twin") != nil)
        #expect(try CrawlerProcess.run(["store", "verify"], in: folder.path).status == 0)
    }

    @Test func onceFinishesWhenEveryPageFailsAFeedHasNoLinksOrEveryItemIsStored() throws {
        let server = try Self.server()
        try folder.write("""
            store: ./store
            timeout: 3s
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/broken"))
                name: broken
                full_content: true
              - url: \(server.url("/linkless"))
                name: linkless
                full_content: true
              - url: \(server.url("/stored"))
                name: stored
                full_content: true
            """, to: "feeds.yaml")
        let first = try once()
        #expect(first.finished && first.status == 0, "\(first.log.suffix(5).map(\.fields))")
        #expect(stored("Healthy item") != nil)
        #expect(stored("No link here")?.contains("Only a summary.") == true)
        #expect(stored("Stored story")?.contains(FullContentTests.paragraphs[1]) == true)
        // Dated today: retried later. Undated: its summary instead.
        #expect(stored("Missing story") == nil)
        #expect(stored("Stalled story")?.contains("Only a summary of Stalled story") == true)
        let failed = first.log.filter { $0["event"] == "article_failed" && $0["feed"] == "broken" }
        #expect(failed.count == 2, "\(failed.map(\.fields))")
        // The page's URL once, then why.
        #expect(failed.first { $0["url"] == server.url("/nowhere") }?["error"] == server.url("/nowhere") + ": HTTP 404")
        #expect(failed.first { $0["url"] == server.url("/stall") }?["error"]?.hasPrefix(server.url("/stall") + ": Operation timed out") == true)
        // Again: the stored items ask for no page, the missing one is tried again.
        let pagesBefore = server.requests.filter { $0.path == "/stored-page" }.count
        let second = try once()
        #expect(second.finished && second.status == 0, "\(second.log.suffix(5).map(\.fields))")
        #expect(server.requests.filter { $0.path == "/stored-page" }.count == pagesBefore)
        #expect(server.requests.filter { $0.path == "/nowhere" }.count == 2)
    }
}
