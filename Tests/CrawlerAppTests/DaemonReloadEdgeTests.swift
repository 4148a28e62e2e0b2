import CrawlerTestKit
import Foundation
import Synchronization
import Testing

/// The daemon where a stranger broke it: a reload that changes or removes feeds while they are
/// being fetched, a log pipe that closes, a signal it has no use for, a server clock in the
/// far future. Through the real binary, each with a healthy feed that must be stored.
@Suite struct DaemonReloadEdgeTests {
    let folder = TemporaryFolder()

    static func channel(_ name: String) -> String {
        """
        <rss version="2.0"><channel><title>\(name)</title><link>https://example.org/</link>
        <item><title>\(name) item</title><guid>\(name)</guid><description>the body of \(name)</description></item>
        </channel></rss>
        """
    }

    /// `/paged.xml`: `items` items linking to `/article1`... on this server, each page answered
    /// after `pageDelay` seconds; any other `/NAME.xml` is a one-item channel.
    static func pagedServer(items: Int, pageDelay: Double) throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            if request.path.hasPrefix("/article") {
                return ServedResponse(status: 200, contentType: "text/html; charset=utf-8",
                                      text: "<html><body><article><p>the page of \(request.path)</p></article></body></html>",
                                      delay: pageDelay)
            }
            let name = String(request.path.dropFirst().prefix { $0 != "." })
            guard name == "paged" else { return ServedResponse(text: channel(name)) }
            let host = request.headers["host"].map { "http://\($0)" } ?? ""
            let entries = (1...items).map { "<item><title>\($0)</title><guid>\($0)</guid><link>\(host)/article\($0)</link></item>" }
            return ServedResponse(text: "<rss version=\"2.0\"><channel><title>paged</title>\(entries.joined())</channel></rss>")
        }
    }

    private func name(of request: ReceivedRequest) -> String {
        String(request.path.dropFirst().prefix { $0 != "." })
    }

    private func write(_ feeds: [(String, String)], interval: String = "1h", extra: String = "") throws {
        var lines = ["store: ./store", "interval: \(interval)", "timeout: 10s", "host_gap: 0s", extra, "feeds:"]
        for (name, url) in feeds { lines += ["  - url: \(url)", "    name: \(name)"] }
        try folder.write(lines.joined(separator: "\n") + "\n", to: "feeds.yaml")
    }

    /// A daemon over `slow` (its server answers in 3 s) and `healthy`, once `slow` has been asked for.
    private func daemonAskingASlowFeed() throws -> (LoopbackHTTPServer, [(String, String)], DaemonProcess) {
        let server = try LoopbackHTTPServer { request in
            ServedResponse(text: Self.channel(String(request.path.dropFirst().prefix { $0 != "." })),
                           delay: request.path == "/slow.xml" ? 3 : 0)
        }
        let feeds = [("slow", server.url("/slow.xml")), ("healthy", server.url("/healthy.xml"))]
        try write(feeds)
        let daemon = try DaemonProcess(in: folder.path)
        let deadline = Date().addingTimeInterval(10)
        while !server.requests.contains(where: { $0.path == "/slow.xml" }) && Date() < deadline { usleep(20_000) }
        return (server, feeds, daemon)
    }

    private func storedBodies() -> String {
        folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }.joined()
    }

    /// The old URL's answer came back after the reload (410 Gone, after 3 s) and was taken for the
    /// new URL's: `next=never`, and the new URL was not asked for until a restart.
    @Test func aURLChangedWhileItsFeedIsFetchedIsAskedForAtOnce() throws {
        let server = try LoopbackHTTPServer { request in
            if request.path == "/slowgone.xml" { return ServedResponse(status: 410, text: "", delay: 3) }
            return ServedResponse(text: Self.channel(String(request.path.dropFirst().prefix { $0 != "." })))
        }
        try write([("moved", server.url("/slowgone.xml")), ("healthy", server.url("/healthy.xml"))])
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        let deadline = Date().addingTimeInterval(10)
        while !server.requests.contains(where: { $0.path == "/slowgone.xml" }) && Date() < deadline { usleep(20_000) }
        try write([("moved", server.url("/goodnew.xml")), ("healthy", server.url("/healthy.xml"))])
        daemon.signal(SIGHUP)
        #expect(daemon.waitFor { $0["event"] == "config_reload" }.first?["status"] == "applied")
        let fetched = daemon.waitFor(timeout: 10) { $0["event"] == "fetch" && $0["feed"] == "moved" && $0["status"] == "200" }
        #expect(!fetched.isEmpty, "\(daemon.logLines.filter { $0["feed"] == "moved" }.map(\.fields))")
        #expect(server.requests.contains { $0.path == "/goodnew.xml" })
        #expect(storedBodies().contains("the body of healthy"))
    }

    /// Feeds removed by a reload went on being fetched, and stored, for as long as the engine's
    /// queue of them lasted (944 fetches in 7 s after removing 1,000 feeds).
    @Test func removedFeedsStillWaitingForASlotAreNotFetched() throws {
        let server = try LoopbackHTTPServer { request in
            ServedResponse(text: Self.channel(String(request.path.dropFirst().prefix { $0 != "." })), delay: 0.25)
        }
        let many = (0..<40).map { ("f\($0)", server.url("/f\($0).xml")) }
        try write([("healthy", server.url("/healthy.xml"))] + many, extra: "per_host_concurrency: 1")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        daemon.waitFor { $0["event"] == "fetch" }
        try write([("healthy", server.url("/healthy.xml"))], extra: "per_host_concurrency: 1")
        daemon.signal(SIGHUP)
        #expect(daemon.waitFor { $0["event"] == "config_reload" }.first?["status"] == "applied")
        let reloaded = Date().timeIntervalSince1970
        usleep(2_000_000)
        let after = server.requests.filter { $0.receivedAt > reloaded && self.name(of: $0).hasPrefix("f") }
        // The one transfer under way when the reload came may finish; no other starts.
        #expect(after.count <= 1, "\(after.map(\.path))")
        #expect(storedBodies().contains("the body of healthy"))
    }

    /// A stalled feed removed by a reload kept its transfer, and with it its host's one slot, until
    /// its timeout: the healthy feed of the same host waited those seconds for nothing.
    @Test func aStalledFeedRemovedByAReloadGivesUpItsHostsSlotAtOnce() throws {
        let server = try LoopbackHTTPServer { request in
            if request.path == "/stalled.xml" { return ServedResponse(text: Self.channel("stalled"), delay: 30) }
            return ServedResponse(text: Self.channel(String(request.path.dropFirst().prefix { $0 != "." })))
        }
        let healthy = ("healthy", server.url("/healthy.xml"))
        // The timeout is 10 s: the old build asked the healthy feed only then.
        try write([("stalled", server.url("/stalled.xml")), healthy], extra: "per_host_concurrency: 1")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        let deadline = Date().addingTimeInterval(10)
        while !server.requests.contains(where: { $0.path == "/stalled.xml" }) && Date() < deadline { usleep(20_000) }
        usleep(300_000)
        #expect(!server.requests.contains { $0.path == "/healthy.xml" }, "the host's one slot should be the stalled feed's")
        try write([healthy], extra: "per_host_concurrency: 1")
        daemon.signal(SIGHUP)
        #expect(daemon.waitFor { $0["event"] == "config_reload" }.first?["status"] == "applied")
        let stored = daemon.waitFor(timeout: 5) { $0["event"] == "fetch" && $0["feed"] == "healthy" && $0["new"] == "1" }
        #expect(!stored.isEmpty, "\(daemon.logLines.filter { $0["feed"] != nil }.map(\.fields))")
        #expect(daemon.logLines.contains { $0["event"] == "fetch_discarded" && $0["feed"] == "stalled" })
        #expect(!daemon.logLines.contains { $0["event"] == "fetch" && $0["feed"] == "stalled" })
        #expect(server.requests.filter { $0.path == "/stalled.xml" }.count == 1)
        #expect(storedBodies().contains("the body of healthy"))
    }

    /// Round 68: a reload that changed a setting every feed inherits (`interval:`) stopped every
    /// transfer under way and asked each feed again: every server asked twice, for nothing a
    /// request carries. A change that leaves a feed's request as it was keeps its transfer, and
    /// its answer is read under the new settings (here a category the new file gives it).
    @Test func aReloadThatLeavesARequestAsItWasKeepsItsTransfer() throws {
        let (server, feeds, daemon) = try daemonAskingASlowFeed()
        defer { _ = daemon.terminate() }
        try folder.write("""
            store: ./store
            interval: 2h
            timeout: 10s
            host_gap: 0s
            feeds:
              - url: \(feeds[0].1)
                name: slow
                categories: [kept]
              - url: \(feeds[1].1)
                name: healthy

            """, to: "feeds.yaml")
        daemon.signal(SIGHUP)
        #expect(daemon.waitFor { $0["event"] == "config_reload" }.first?["status"] == "applied")
        let fetched = daemon.waitFor(timeout: 8) { $0["event"] == "fetch" && $0["feed"] == "slow" }
        #expect(fetched.first?["new"] == "1", "\(daemon.logLines.filter { $0["feed"] == "slow" }.map(\.fields))")
        #expect(!daemon.logLines.contains { $0["event"] == "fetch_discarded" })
        usleep(500_000)
        #expect(server.requests.filter { $0.path == "/slow.xml" }.count == 1)
        let slowPost = folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
            .first { $0.contains("the body of slow") }
        #expect(slowPost?.contains("- kept") == true, "\(slowPost ?? "no post")")
        #expect(storedBodies().contains("the body of healthy"))
    }

    /// A feed removed and added back, or renamed, while its server took 3 s to answer was asked
    /// for again at once: two requests for one feed at the same time, and the old one's answer,
    /// stored under the old name, credited a feed that was no more. Now the old transfer stops at
    /// the reload (`aStalledFeedRemovedByAReloadGivesUpItsHostsSlotAtOnce`) and its answer is
    /// never taken; the new one is asked for after it, once.
    @Test(arguments: [["removed", "back"], ["renamed"]])
    func aFeedIsNeverAskedForTwiceAtOnceAcrossReloads(_ steps: [String]) throws {
        let server = try LoopbackHTTPServer { request in
            ServedResponse(text: Self.channel(String(request.path.dropFirst().prefix { $0 != "." })),
                           delay: request.path == "/slow.xml" ? 3 : 0)
        }
        let healthy = ("healthy", server.url("/healthy.xml"))
        try write([("slow", server.url("/slow.xml")), healthy])
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        let deadline = Date().addingTimeInterval(10)
        while !server.requests.contains(where: { $0.path == "/slow.xml" }) && Date() < deadline { usleep(20_000) }
        for (index, step) in steps.enumerated() {
            switch step {
            case "removed": try write([healthy])
            case "back": try write([("slow", server.url("/slow.xml")), healthy])
            default: try write([("slow-renamed", server.url("/slow.xml")), healthy])
            }
            daemon.signal(SIGHUP)
            daemon.waitFor(index + 1) { $0["event"] == "config_reload" && $0["status"] == "applied" }
        }
        let reloaded = Date().timeIntervalSince1970
        let name = steps == ["renamed"] ? "slow-renamed" : "slow"
        #expect(daemon.waitFor { $0["event"] == "fetch" && $0["feed"] == name && $0["new"] == "1" }.count == 1,
                "\(daemon.logLines.filter { $0["event"] == "fetch" }.map(\.fields))")
        usleep(3_500_000)  // the old transfer's answer, had it been read, would be in by now
        let asked = server.requests.filter { $0.path == "/slow.xml" }.map(\.receivedAt)
        #expect(asked.count == 2, "\(asked)")
        if asked.count == 2 { #expect(asked[1] >= reloaded - 0.5, "asked again before the last reload") }
        #expect(daemon.logLines.count { $0["event"] == "fetch" && $0["feed"]?.hasPrefix("slow") == true } == 1)
        #expect(daemon.logLines.contains { $0["event"] == "fetch_discarded" && $0["feed"] == "slow" })
        #expect(storedBodies().contains("the body of healthy"))
    }

    /// A feed's entry moved down a line (a comment added above it) counted as a changed feed: its
    /// answer, 3 s under way, was thrown away and it was asked for again.
    @Test func aFeedMovedInTheFileIsNoChangedFeed() throws {
        let (server, feeds, daemon) = try daemonAskingASlowFeed()
        defer { _ = daemon.terminate() }
        try write(feeds, extra: "# a note above the feeds\n# and another: the feeds move down a line")
        daemon.signal(SIGHUP)
        let reload = daemon.waitFor { $0["event"] == "config_reload" }.first
        #expect(reload?["status"] == "applied" && reload?["changed"] == "0", "\(reload?.fields ?? [:])")
        #expect(daemon.waitFor(timeout: 8) { $0["event"] == "fetch" && $0["feed"] == "slow" }.first?["new"] == "1")
        #expect(server.requests.filter { $0.path == "/slow.xml" }.count == 1)
        #expect(storedBodies().contains("the body of healthy"))
    }

    /// Round 14: a rename (same URL, new name) was logged as `feed_renamed`, then counted as one
    /// feed added and one removed by the reload's own line.
    @Test func aRenameIsCountedAsARenameNotAnAdditionAndARemoval() throws {
        let server = try LoopbackHTTPServer { request in
            ServedResponse(text: Self.channel(String(request.path.dropFirst().prefix { $0 != "." })))
        }
        try write([("alpha", server.url("/alpha.xml")), ("healthy", server.url("/healthy.xml"))])
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        #expect(!daemon.waitFor { $0["event"] == "fetch" && $0["feed"] == "alpha" }.isEmpty)
        try write([("alpha2", server.url("/alpha.xml")), ("healthy", server.url("/healthy.xml")),
                   ("delta", server.url("/delta.xml"))])
        daemon.signal(SIGHUP)
        let reload = daemon.waitFor { $0["event"] == "config_reload" }.first
        #expect(reload?["added"] == "1" && reload?["removed"] == "0" && reload?["renamed"] == "1", "\(reload?.fields ?? [:])")
        #expect(!daemon.waitFor { $0["event"] == "fetch" && $0["feed"] == "delta" }.isEmpty)
        #expect(daemon.terminate().status == 0)
        #expect(storedBodies().contains("the body of healthy"))
    }

    /// A feed renamed at each of six reloads while its fetches were under way left the index
    /// malformed ("database disk image is malformed" in `store verify`): the renames were written
    /// beside the writer's batches on another thread. Its state also stayed behind under an old
    /// name, a feed `status` listed as removed.
    @Test func renamesAtReloadsDuringFetchesKeepTheIndexWhole() throws {
        let server = try LoopbackHTTPServer { request in
            let name = String(request.path.dropFirst().prefix { $0 != "." })
            guard name == "renamed" else { return ServedResponse(text: Self.channel(name)) }
            let items = (1...3).map { "<item><title>r\($0)</title><guid>r\($0)</guid><description>renamed body \($0)</description></item>" }
            return ServedResponse(text: "<rss version=\"2.0\"><channel><title>r</title>\(items.joined())</channel></rss>", delay: 0.4)
        }
        try write([("n0", server.url("/renamed.xml")), ("healthy", server.url("/healthy.xml"))], interval: "1s")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        #expect(!daemon.waitFor { $0["event"] == "fetch" && $0["feed"] == "n0" }.isEmpty)
        for step in 1...6 {
            try write([("n\(step)", server.url("/renamed.xml")), ("healthy", server.url("/healthy.xml"))], interval: "1s")
            daemon.signal(SIGHUP)
            usleep(1_300_000)
        }
        #expect(daemon.terminate().status == 0)
        let verify = try CrawlerProcess.run(["store", "verify"], in: folder.path)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let status = try CrawlerProcess.run(["status"], in: folder.path)
        #expect(!(0...5).contains { status.stdout.contains("n\($0) ") }, "\(status.stdout)")
        #expect(storedBodies().contains("the body of healthy"))
        #expect(storedBodies().components(separatedBy: "renamed body 1").count == 2)
    }

    /// Renamed while its items' pages were being fetched (`full_content`), a feed's documents were
    /// stored and reported under the old name, and the new name's count stayed at 0.
    @Test func aFeedRenamedWhileItsPagesAreFetchedIsStoredUnderItsNewName() throws {
        let server = try Self.pagedServer(items: 1, pageDelay: 2)
        func feeds(_ name: String) -> String {
            """
            store: ./store
            interval: 1h
            host_gap: 0s
            feeds:
              - url: \(server.url("/paged.xml"))
                name: \(name)
                full_content: true
              - url: \(server.url("/healthy.xml"))
                name: healthy

            """
        }
        try folder.write(feeds("before"), to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        let deadline = Date().addingTimeInterval(10)
        while !server.requests.contains(where: { $0.path == "/article1" }) && Date() < deadline { usleep(20_000) }
        try folder.write(feeds("after"), to: "feeds.yaml")
        daemon.signal(SIGHUP)
        #expect(daemon.waitFor { $0["event"] == "config_reload" }.first?["status"] == "applied")
        #expect(!daemon.waitFor(timeout: 8) { $0["event"] == "fetch" && $0["feed"] == "after" && $0["new"] == "1" }.isEmpty,
                "\(daemon.logLines.filter { $0["event"] == "fetch" }.map(\.fields))")
        #expect(!daemon.logLines.contains { $0["event"] == "fetch" && $0["feed"] == "before" })
        let status = try CrawlerProcess.run(["status", "--json"], in: folder.path).stdout
        #expect(status.contains("\"documents\":1,\"feed\":\"after\""), "\(status)")
        #expect(storedBodies().contains("the body of healthy"))
    }

    /// A feed removed while its items' pages waited for the host's one slot: every page was still
    /// asked for, one after another, and what came back thrown away.
    @Test func aRemovedFeedsWaitingPagesAreNotAskedFor() throws {
        let server = try Self.pagedServer(items: 5, pageDelay: 1.5)
        let healthy = ("healthy", server.url("/healthy.xml"))
        try folder.write("""
            store: ./store
            interval: 1h
            host_gap: 0s
            per_host_concurrency: 1
            feeds:
              - url: \(server.url("/healthy.xml"))
                name: healthy
              - url: \(server.url("/paged.xml"))
                name: paged
                full_content: true

            """, to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        let deadline = Date().addingTimeInterval(10)
        while !server.requests.contains(where: { $0.path.hasPrefix("/article") }) && Date() < deadline { usleep(20_000) }
        try write([healthy])
        daemon.signal(SIGHUP)
        #expect(daemon.waitFor { $0["event"] == "config_reload" }.first?["status"] == "applied")
        usleep(4_000_000)
        let pages = server.requests.filter { $0.path.hasPrefix("/article") }.map(\.path)
        #expect(pages.count == 1, "\(pages)")
        #expect(daemon.logLines.contains { $0["event"] == "fetch_discarded" && $0["feed"] == "paged" })
        #expect(daemon.terminate().status == 0)
        #expect(folder.files(under: "store/posts").count == 1)
        #expect(storedBodies().contains("the body of healthy"))
    }

    /// Removed while its images were being fetched (`images: local`), a feed's images were kept
    /// all the same: assets no document uses, which `store verify` then listed.
    @Test func aFeedRemovedWhileItsImagesAreFetchedKeepsNoAssets() throws {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 64)
        let server = try LoopbackHTTPServer { request in
            if request.path.hasPrefix("/img") {
                return ServedResponse(status: 200, headers: [("Content-Type", "image/png")], body: png, delay: 2)
            }
            let name = String(request.path.dropFirst().prefix { $0 != "." })
            guard name == "pictured" else { return ServedResponse(text: Self.channel(name)) }
            let host = request.headers["host"].map { "http://\($0)" } ?? ""
            return ServedResponse(text: """
                <rss version="2.0"><channel><title>pictured</title><link>https://example.org/</link>
                <item><title>one</title><guid>one</guid>
                <description><![CDATA[<img src="\(host)/img1.png">]]></description></item>
                </channel></rss>
                """)
        }
        let healthy = ("healthy", server.url("/healthy.xml"))
        try folder.write("""
            store: ./store
            interval: 1h
            host_gap: 0s
            feeds:
              - url: \(server.url("/pictured.xml"))
                name: pictured
                images: local
              - url: \(server.url("/healthy.xml"))
                name: healthy

            """, to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        let deadline = Date().addingTimeInterval(10)
        while !server.requests.contains(where: { $0.path == "/img1.png" }) && Date() < deadline { usleep(20_000) }
        try write([healthy])
        daemon.signal(SIGHUP)
        #expect(daemon.waitFor { $0["event"] == "config_reload" }.first?["status"] == "applied")
        usleep(3_000_000)
        #expect(daemon.terminate().status == 0)
        #expect(folder.files(under: "store/assets").isEmpty, "\(folder.files(under: "store/assets"))")
        let verify = try CrawlerProcess.run(["store", "verify"], in: folder.path)
        #expect(verify.status == 0 && !verify.stdout.contains("unreferenced"), "\(verify.stdout)")
        #expect(storedBodies().contains("the body of healthy"))
    }

    /// SIGPIPE (the log's reader gone: `crawler run | tee`, tee killed) and SIGUSR1/SIGUSR2 ended
    /// the daemon at once, without a shutdown line and with its runtime file left behind.
    @Test func aClosedLogPipeOrAUserSignalDoesNotEndTheDaemon() throws {
        let server = try LoopbackHTTPServer { request in
            ServedResponse(text: Self.channel(String(request.path.dropFirst().prefix { $0 != "." })))
        }
        try write([("healthy", server.url("/healthy.xml"))], interval: "1s")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CrawlerProcess.binary)
        process.arguments = ["run", "--log-level", "debug", "--startup-spread", "0s"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        let log = Pipe()
        process.standardError = log
        process.standardOutput = log
        try process.run()
        try log.fileHandleForReading.close()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // Running: it has asked for the feed (and written log lines into the closed pipe).
        let deadline = Date().addingTimeInterval(10)
        while server.requests.isEmpty && Date() < deadline { usleep(20_000) }
        kill(process.processIdentifier, SIGUSR1)
        kill(process.processIdentifier, SIGUSR2)
        let before = server.requests.count
        usleep(2_500_000)
        #expect(process.isRunning)
        #expect(server.requests.count > before, "polling stopped")
        #expect(storedBodies().contains("the body of healthy"))
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
    }

    /// A Last-Modified in year 9999, once: sent back as If-Modified-Since on every poll after,
    /// it made a server that compares dates answer 304 to every change, and the feed looked ok.
    @Test func aLastModifiedFarAheadIsNoValidator() throws {
        let served = Atomic<Int>(0)
        let server = try LoopbackHTTPServer { request in
            var response = ServedResponse(text: Self.channel(String(request.path.dropFirst().prefix { $0 != "." })))
            if request.path == "/future.xml", served.add(1, ordering: .relaxed).oldValue == 0 {
                response.headers.append(("Last-Modified", "Fri, 31 Dec 9999 23:59:59 GMT"))
            }
            return response
        }
        try write([("future", server.url("/future.xml")), ("healthy", server.url("/healthy.xml"))])
        let first = try CrawlerProcess.run(["once"], in: folder.path)
        _ = try CrawlerProcess.run(["once"], in: folder.path)
        let asked = server.requests.filter { $0.path == "/future.xml" }
        #expect(asked.count == 2)
        #expect(asked.last?.headers["if-modified-since"] == nil, "\(asked.map(\.headers))")
        // Round 64: it was dropped without a word; the operator saw full downloads and no reason.
        let line = first.stderr.split(separator: "\n").map { LogLine(String($0)) }
            .first { $0["event"] == "fetch" && $0["feed"] == "future" }
        #expect(line?["last_modified_ignored"] == "Fri, 31 Dec 9999 23:59:59 GMT (more than a day ahead of this clock: "
                + "sent back, it would make later changes look unmodified)", "\(first.stderr)")
        #expect(storedBodies().contains("the body of healthy"))
    }

    /// Round 66: a Retry-After that is neither seconds nor an HTTP date was dropped without a
    /// word; the operator saw the feed retried on its own back-off and no reason.
    /// r68 too: one over 1 KB was dropped without a word, as if the server had sent none.
    @Test(arguments: ["soon", String(repeating: "x", count: 1_100)])
    func anUnreadableRetryAfterIsSaid(_ written: String) throws {
        let server = try LoopbackHTTPServer { request in
            guard request.path == "/busy.xml" else {
                return ServedResponse(text: Self.channel(String(request.path.dropFirst().prefix { $0 != "." })))
            }
            var response = ServedResponse(status: 503, text: "busy")
            response.headers.append(("Retry-After", written))
            return response
        }
        try write([("busy", server.url("/busy.xml")), ("healthy", server.url("/healthy.xml"))])
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        let line = run.stderr.split(separator: "\n").map { LogLine(String($0)) }
            .first { $0["event"] == "fetch" && $0["feed"] == "busy" }
        #expect(line?["retry_after_ignored"] == written + " (neither a number of seconds nor an HTTP date)", "\(run.stderr.suffix(600))")
        #expect(storedBodies().contains("the body of healthy"))
    }
}
