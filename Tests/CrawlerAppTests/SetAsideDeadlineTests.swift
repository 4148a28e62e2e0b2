import CrawlerTestKit
import Foundation
import Synchronization
import Testing

/// A feed's images and article pages are waited for at most five times `timeout` from when they
/// are asked for: a server that stalls every image (64 to a post, a post per item) held `once`,
/// and the store's lock with it, for as long as its images took one after another. Round 23.
@Suite struct SetAsideDeadlineTests {
    let folder = TemporaryFolder()

    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("quick".utf8)

    private func serve() throws -> LoopbackHTTPServer {
        let base = Mutex("")
        let server = try LoopbackHTTPServer { request in
            let base = base.withLock { $0 }
            let stalled = (0..<64).map { "<img src=\"\(base)/slow/\($0).png\">" }.joined()
            switch request.path {
            case "/healthy": return ServedResponse(text: ImageRetryTests.feed(base, [("healthy", "<p>Healthy text.</p>")]))
            case "/gallery": return ServedResponse(text: ImageRetryTests.feed(base, [
                ("quick", "<p>Quick</p><img src=\"\(base)/quick.png\">"), ("stalled", "<p>Stalled</p>" + stalled),
            ]))
            case "/articles":
                // Its pages on another host name: queued before the quick image on one host, they
                // held its slots past the deadline.
                let pages = base.replacingOccurrences(of: "127.0.0.1", with: "localhost")
                return ServedResponse(text: ImageRetryTests.feed(pages, (0..<40).map { ("paged-\($0)", "<p>Summary.</p>") }))
            case "/quick.png": return ServedResponse(headers: [("Content-Type", "image/png")], body: Self.png)
            case let path where path.hasPrefix("/p/paged-"):
                return ServedResponse(contentType: "text/html", text: "<html><body><article><p>Late page.</p></article></body></html>",
                                      delay: 60)
            default: return ServedResponse(headers: [("Content-Type", "image/png")], body: Self.png, delay: 60)
            }
        }
        base.withLock { $0 = "http://127.0.0.1:\(server.port)" }
        return server
    }

    @Test func imagesAndPagesThatStallAreGivenUpOnAndTheirItemsWait() throws {
        let server = try serve()
        try folder.write("""
            store: ./out
            host_gap: 0s
            timeout: 2s
            per_host_concurrency: 2
            images: local
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
                images: remote
              - url: \(server.url("/gallery"))
                name: gallery
              - url: \(server.url("/articles"))
                name: articles
                images: remote
                full_content: true
            """, to: "feeds.yaml")
        let started = Date()
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        let took = Date().timeIntervalSince(started)
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        // Without a deadline: 64 images and 40 pages two at a time, each cut by the 2 s timeout, ≥ 100 s.
        #expect(took < 40, "once took \(took) s")
        let texts = folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }
        #expect(texts.contains { $0.contains("Healthy text.") })
        #expect(texts.contains { $0.contains("Quick") && $0.contains("/assets/") }, "\(texts)")
        #expect(!texts.contains { $0.contains("Stalled") || $0.contains("Summary.") }, "both wait for the next fetch")
        let lines = run.stderr.split(separator: "\n").map { LogLine(String($0)) }
        let images = lines.first { $0["event"] == "images_overdue" }
        #expect(images?["feed"] == "gallery" && images?["waiting"] != nil, "\(run.stderr.suffix(3000))")
        let pages = lines.first { $0["event"] == "articles_overdue" }
        #expect(pages?["feed"] == "articles" && Int(pages?["waiting"] ?? "") ?? 0 > 0, "\(run.stderr.suffix(3000))")
    }
}
