import CrawlerTestKit
import Foundation
import Synchronization
import Testing

/// An image that fails for now (a 503) holds its item back, unstored, for the feed's next fetch,
/// which keeps the image and stores the post pointing at it; the other posts and a healthy feed
/// are stored at once.
@Suite struct ImageRetryTests {
    let folder = TemporaryFolder()

    final class Site: Sendable {
        let base = Mutex("")
        let failuresLeft = Mutex(1)
    }

    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("flaky".utf8)

    static func feed(_ base: String, _ items: [(String, String)]) -> String {
        let date = FullContentTests.rfc1123(Date())
        return "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><link>\(base)/</link>\n"
            + items.map { "<item><title>\($0.0)</title><link>\(base)/p/\($0.0)</link><pubDate>\(date)</pubDate>"
                + "<description><![CDATA[\($0.1)]]></description></item>\n" }.joined()
            + "</channel></rss>\n"
    }

    @Test func anImageThatFailedForNowIsKeptOnTheNextFetch() throws {
        let site = Site()
        let server = try LoopbackHTTPServer { request in
            let base = site.base.withLock { $0 }
            switch request.path {
            case "/healthy": return ServedResponse(text: Self.feed(base, [("healthy", "<p>Healthy text.</p>")]))
            case "/news": return ServedResponse(text: Self.feed(base, [
                ("flaky", "<p>Flaky</p><img src=\"\(base)/flaky.png\">"), ("plain", "<p>No picture here.</p>"),
            ]))
            case "/flaky.png":
                if site.failuresLeft.withLock({ left in defer { left -= 1 }; return left > 0 }) {
                    return ServedResponse(status: 503, body: [])
                }
                return ServedResponse(headers: [("Content-Type", "image/png")], body: Self.png)
            default: return ServedResponse(status: 404, body: [])
            }
        }
        site.base.withLock { $0 = "http://127.0.0.1:\(server.port)" }
        try folder.write("""
            store: ./out
            host_gap: 0s
            images: local
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
                images: remote
              - url: \(server.url("/news"))
                name: news
            """, to: "feeds.yaml")
        let first = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(first.status == 0, "\(first.stderr.suffix(2000))")
        func texts() -> [String] { folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) } }
        #expect(texts().contains { $0.contains("Healthy text.") })
        #expect(texts().contains { $0.contains("No picture here.") })
        #expect(!texts().contains { $0.contains("Flaky") })
        let failed = first.stderr.split(separator: "\n").map { LogLine(String($0)) }.first { $0["event"] == "image_failed" }
        #expect(failed?["feed"] == "news" && failed?["url"]?.hasSuffix("/flaky.png") == true, "\(first.stderr.suffix(2000))")

        let second = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(second.status == 0)
        let flaky = try #require(texts().first { $0.contains("Flaky") }, "\(second.stderr.suffix(2000))")
        let name = try #require(folder.files(under: "out/assets").first)
        #expect(flaky.contains("src=\"/assets/\(name)\""), "\(flaky)")
        #expect(FileManager.default.contents(atPath: folder.file("out/assets/" + name)) == Data(Self.png))
        #expect(texts().count == 3)
    }

    /// `keep:` forgets a post past the bound, and with it the image only that post used.
    @Test func retentionRemovesTheImagesOfForgottenPosts() throws {
        let site = Site()
        let older: [UInt8] = Array("GIF89a older".utf8), newer: [UInt8] = Array("GIF89a newer".utf8)
        let server = try LoopbackHTTPServer { request in
            let base = site.base.withLock { $0 }
            switch request.path {
            case "/healthy": return ServedResponse(text: Self.feed(base, [("healthy", "<p>Healthy text.</p>")]))
            case "/news":
                return ServedResponse(text: """
                    <?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>\(base)/</link>
                    <item><title>Older</title><link>\(base)/p/1</link><pubDate>Sun, 01 Nov 2026 10:00:00 +0000</pubDate>
                    <description><![CDATA[<p>Older</p><img src="\(base)/older.gif">]]></description></item>
                    <item><title>Newer</title><link>\(base)/p/2</link><pubDate>Mon, 02 Nov 2026 10:00:00 +0000</pubDate>
                    <description><![CDATA[<p>Newer</p><img src="\(base)/newer.gif">]]></description></item>
                    </channel></rss>
                    """)
            case "/older.gif": return ServedResponse(headers: [("Content-Type", "image/gif")], body: older)
            case "/newer.gif": return ServedResponse(headers: [("Content-Type", "image/gif")], body: newer)
            default: return ServedResponse(status: 404, body: [])
            }
        }
        site.base.withLock { $0 = "http://127.0.0.1:\(server.port)" }
        try folder.write("""
            store: ./out
            host_gap: 0s
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(server.url("/news"))
                name: news
                images: local
                keep: 1
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr.suffix(2000))")
        let texts = folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }
        #expect(texts.contains { $0.contains("Healthy text.") })
        #expect(texts.contains { $0.contains("Newer") } && !texts.contains { $0.contains("Older") })
        let assets = folder.files(under: "out/assets")
        #expect(assets.count == 1, "\(assets)")
        #expect(assets.first.flatMap { FileManager.default.contents(atPath: folder.file("out/assets/" + $0)) } == Data(newer))
        #expect(try CrawlerProcess.run(["store", "verify"], in: folder.path).status == 0)
    }
}
