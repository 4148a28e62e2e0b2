import CrawlerTestKit
import Foundation
import Testing

/// `full_content` under `crawler run`: the pages are fetched in the daemon's passes too, and a
/// page that is slow to answer neither stops the daemon nor keeps it from shutting down.
@Suite struct FullContentDaemonTests {
    let folder = TemporaryFolder()

    @Test func theDaemonStoresFullArticlesAndStopsCleanlyWhileAPageIsSlow() throws {
        let base = try FullContentTests.server()
        // A second site whose one page takes far longer than the test waits.
        let slowSite = FullContentTests.Site()
        let slow = try LoopbackHTTPServer { request in
            guard request.path == "/feed" else {
                return ServedResponse(status: 200, headers: [("Content-Type", "text/html")], body: Array("<p>late</p>".utf8), delay: 60)
            }
            return ServedResponse(text: FullContentTests.feed("slow", base: slowSite.base.withLock { $0 },
                                                              items: [("Slow story", "/page", true)]))
        }
        slowSite.base.withLock { $0 = "http://127.0.0.1:\(slow.port)" }
        try folder.write("""
            store: ./store
            interval: 1h
            timeout: 20s
            feeds:
              - url: \(base.url("/healthy"))
                name: healthy
              - url: \(base.url("/summaries"))
                name: summaries
                full_content: true
              - url: \(slow.url("/feed"))
                name: slow
                full_content: true
            """, to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        // The feeds whose pages are back are stored while the slow page is still awaited.
        let fetched = daemon.waitFor(2, timeout: 30) { $0["event"] == "fetch" }
        #expect(Set(fetched.compactMap { $0["feed"] }) == ["healthy", "summaries"], "\(daemon.logLines.map(\.fields))")
        let storm = folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
            .first { $0.contains("title: 'Storm story'") }
        #expect(storm?.contains(FullContentTests.paragraphs[2]) == true)
        let exit = daemon.terminate()
        #expect(exit.status == 0)
        #expect(exit.seconds < 5)
        #expect(!daemon.logLines.contains { $0["event"] == "fetch" && $0["feed"] == "slow" })
        #expect(!(folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }.contains { $0.contains("Slow story") }))
    }
}
