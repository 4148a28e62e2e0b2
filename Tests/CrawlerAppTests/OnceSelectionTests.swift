import CrawlerTestKit
import Foundation
import Synchronization
import Testing

/// `crawler once --feed`, held-back feeds and `--force`, through the real binary.
@Suite struct OnceSelectionTests {
    let folder = TemporaryFolder()

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    private func config(_ server: LoopbackHTTPServer, names: [String]) -> String {
        "store: ./store\nfeeds:\n" + names.map { "  - url: \(server.url("/" + $0))\n    name: \($0)\n" }.joined()
    }

    /// A mistyped `--feed` listed every configured name (a wall of text at a thousand feeds) and
    /// left the reader to spot the right one.
    @Test func aMistypedFeedNameGetsAGuessNotAWallOfNames() throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: GoldenDocument.rssFeed(items: [])) }
        try folder.write(config(server, names: ["good"] + (0..<20).map { "feed-\($0)" }), to: "feeds.yaml")
        let run = try crawler(["once", "--feed", "goood"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("no feed named or at 'goood' in feeds.yaml; did you mean 'good'? (`crawler list` shows all 21)"),
                "\(run.stderr)")
        #expect(!run.stderr.contains("feed-19"))
    }

    @Test func twoFeedOptionsFetchBothFeedsAndNoOther() throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: GoldenDocument.rssFeed(items: [])) }
        try folder.write(config(server, names: ["a", "b", "c"]), to: "feeds.yaml")
        let run = try crawler(["once", "--feed", "a", "--feed", "b"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("ok    a  200"))
        #expect(run.stdout.contains("ok    b  200"))
        #expect(run.stdout.contains("total: 2 feeds, 2 ok, 0 failed; 0 new documents"))
        #expect(Set(server.requests.map(\.path)) == ["/a", "/b"])
        let byURL = try crawler(["once", "--feed", server.url("/c").replacingOccurrences(of: "http:", with: "HTTP:") + "#top"])
        #expect(byURL.stdout.contains("ok    c  200"), "\(byURL.stderr)")
        let unknown = try crawler(["once", "--feed", "a", "--feed", "nosuch"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("crawler: no feed named or at 'nosuch' in feeds.yaml (feeds: a, b, c)"))
    }

    /// A feed its host held back (two other feeds of the host answered 429) never heard from its
    /// server: its skip line said "the server asked us to wait" all the same. It names the host.
    @Test func aFeedItsHostHeldBackSaysItWasTheHostThatAsked() throws {
        let feed = GoldenDocument.rssFeed(items: [])
        let server = try LoopbackHTTPServer { request in
            request.path == "/quiet" ? ServedResponse(text: feed) : .throttled(429, retryAfter: "3600")
        }
        try folder.write("host_backoff_feeds: 2\nper_host_concurrency: 1\n"
                         + config(server, names: ["busy1", "busy2", "quiet"]), to: "feeds.yaml")
        let first = try crawler(["once"])
        #expect(first.status == 1)
        #expect(!server.requests.contains { $0.path == "/quiet" }, "\(first.stderr)")

        let asked = try crawler(["once", "--feed", "quiet"])
        #expect(asked.stdout.contains(/skip  quiet  127\.0\.0\.1:\d+ asked every client to wait \(Retry-After, to another of its feeds\) until \d{4}-/),
                "\(asked.stdout)")
        let own = try crawler(["once", "--feed", "busy1"])
        #expect(own.stdout.contains("skip  busy1  the server asked us to wait (Retry-After) until "), "\(own.stdout)")
    }

    /// A Retry-After of ten years read "retry after 315360000 s" while the feed was held back only
    /// to `max_backoff` (6 h by default): the message says what is done.
    @Test func aRetryAfterBeyondMaxBackoffSaysItIsHeldToIt() throws {
        let feed = GoldenDocument.rssFeed(items: [])
        let server = try LoopbackHTTPServer { request in
            request.path == "/slow" ? .throttled(503, retryAfter: "315360000") : ServedResponse(text: feed)
        }
        try folder.write(config(server, names: ["slow", "healthy"]), to: "feeds.yaml")
        let first = try crawler(["once"])
        #expect(first.status == 1)
        #expect(first.stdout.contains("HTTP 503 Service Unavailable; asked to retry after 315360000 s, held to max_backoff 6h"),
                "\(first.stdout)")
        #expect(first.stdout.contains("ok    healthy  200"))
    }

    /// A 429 with Retry-After holds the feed back for an hour: `once --feed` says so, with the
    /// time, instead of `total: 0 feeds`; a plain `once` lists it; `--force` fetches it.
    @Test func aFeedHeldBackByRetryAfterIsSkippedWithItsReasonAndForceFetchesIt() throws {
        let slowHits = Mutex(0)
        let feed = GoldenDocument.rssFeed(items: [])
        let server = try LoopbackHTTPServer { request in
            guard request.path == "/slow" else { return ServedResponse(text: feed) }
            let hits = slowHits.withLock { $0 += 1; return $0 }
            return hits == 1 ? .throttled(429, retryAfter: "3600") : ServedResponse(text: feed)
        }
        try folder.write(config(server, names: ["slow", "healthy"]), to: "feeds.yaml")
        let first = try crawler(["once"])
        #expect(first.status == 1)
        #expect(first.stdout.contains("FAIL  slow     HTTP 429 Too Many Requests; asked to retry after 3600 s"), "\(first.stdout)")
        #expect(first.stdout.contains("ok    healthy  200"))
        // r66: `once` named the hold and `explain` showed only the daemon's next due time.
        let explained = try crawler(["explain", "slow"])
        #expect(explained.stdout.contains(/held:        the server asked us to wait \(Retry-After\) until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ; `crawler once` leaves it out until then \(--force fetches it\)/),
                "\(explained.stdout)")
        #expect(try crawler(["explain", "healthy"]).stdout.contains("held:") == false)

        let asked = try crawler(["once", "--feed", "slow"])
        #expect(asked.status == 0, "\(asked.stderr)")
        #expect(asked.stdout.contains(/skip  slow  the server asked us to wait \(Retry-After\) until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ; --force fetches it now/),
                "\(asked.stdout)")
        #expect(asked.stdout.contains("total: 1 feed, 0 ok, 0 failed, 1 skipped; "))
        #expect(slowHits.withLock { $0 } == 1)

        let plain = try crawler(["once"])
        #expect(plain.status == 0)
        #expect(plain.stdout.contains("ok    healthy  200"))
        #expect(plain.stdout.contains("skip  slow     the server asked us to wait (Retry-After) until "))
        #expect(plain.stdout.contains("total: 2 feeds, 1 ok, 0 failed, 1 skipped; "))

        let forced = try crawler(["once", "--feed", "slow", "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout.contains("ok    slow  200"), "\(forced.stdout)")
        #expect(forced.stdout.contains("total: 1 feed, 1 ok, 0 failed; "))
        #expect(slowHits.withLock { $0 } == 2)
        // The hold is gone with the answer that replaced it.
        #expect(try crawler(["once"]).stdout.contains("total: 2 feeds, 2 ok, 0 failed; "))
    }

    @Test func aGoneFeedIsListedAsSkippedOnLaterPasses() throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/gone" ? ServedResponse(status: 410, text: "gone") : ServedResponse(text: GoldenDocument.rssFeed(items: []))
        }
        try folder.write(config(server, names: ["gone", "healthy"]), to: "feeds.yaml")
        #expect(try crawler(["once"]).stdout.contains("FAIL  gone     HTTP 410 Gone"))
        let later = try crawler(["once"])
        #expect(later.status == 0)
        #expect(later.stdout.contains(/skip  gone     the server answered 410 Gone at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ; change its url in the configuration to poll it again; --force fetches it now/),
                "\(later.stdout)")
        #expect(later.stdout.contains("ok    healthy  200"))
        #expect(server.requests.filter { $0.path == "/gone" }.count == 1)
    }
}
