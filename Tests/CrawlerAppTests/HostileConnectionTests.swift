import CrawlerTestKit
import Foundation
import Testing

/// Servers that misbehave on the connection itself, not in what they say: the harm must stay
/// with their own feed, never reach the next feed that shares the connection or the host.
@Suite struct HostileConnectionTests {
    let folder = TemporaryFolder()

    /// Round 38: a server sent more bytes than its Content-Length announced, a moment after the
    /// body. The connection went back to libcurl's cache with those bytes waiting, and the next
    /// feed of the host read them as its answer: "did not answer with HTTP", a backoff, while the
    /// liar's own fetch was ok.
    @Test func bytesPastAContentLengthFailNoOtherFeedOfTheHost() throws {
        let server = try LoopbackHTTPServer { request in
            let feed = AlertTests.rss([String(request.path.dropFirst())])
            guard request.path == "/liar" else { return ServedResponse(text: feed) }
            return ServedResponse(headers: [("Content-Type", "application/rss+xml")], body: Array(feed.utf8),
                                  delivery: .overrun(extra: "TRAILING-GARBAGE", after: 0.2))
        }
        // One connection at a time, and a second between request starts: the liar's extra bytes
        // are there before the next feed's request goes out on the same connection.
        var yaml = "store: ./store\nper_host_concurrency: 1\nhost_gap: 1s\nfeeds:\n"
        for name in ["liar", "first", "second"] { yaml += "  - url: \(server.url("/" + name))\n    name: \(name)\n" }
        try folder.write(yaml, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        for name in ["liar", "first", "second"] {
            #expect(run.stdout.contains("ok    \(name) "), "\(name): \(run.stdout)")
        }
        #expect(!run.stdout.contains("did not answer with HTTP"), "\(run.stdout)")
    }

    /// Round 40 on the fix above: the bytes past the body were a whole second answer, with a
    /// status line and a feed of the server's choosing. The next feed's request went out on the
    /// kept connection, libcurl read that answer as its own, and every later feed on the
    /// connection got the one before it's: three feeds stored, two of them with another's items.
    @Test func aSecondAnswerSlippedOntoAKeptConnectionIsNoFeedsAnswer() throws {
        let fake = AlertTests.rss(["FAKE planted"])
        let server = try LoopbackHTTPServer { request in
            let feed = AlertTests.rss(["own " + String(request.path.dropFirst())])
            guard request.path == "/liar" else { return ServedResponse(text: feed) }
            let planted = "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: \(fake.utf8.count)\r\n\r\n" + fake
            return ServedResponse(headers: [("Content-Type", "application/rss+xml")], body: Array(feed.utf8),
                                  delivery: .overrun(extra: planted, after: 0.2))
        }
        var yaml = "store: ./store\nper_host_concurrency: 1\nhost_gap: 1s\nfeeds:\n"
        for name in ["liar", "first", "second"] { yaml += "  - url: \(server.url("/" + name))\n    name: \(name)\n" }
        try folder.write(yaml, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let stored = folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
        #expect(!stored.contains { $0.contains("FAKE planted") }, "\(run.stdout)")
        for name in ["liar", "first", "second"] {
            #expect(stored.contains { $0.contains("own \(name)") }, "\(name): \(run.stdout)")
        }
    }

}
