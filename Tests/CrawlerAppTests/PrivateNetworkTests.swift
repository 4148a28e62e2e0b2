import CrawlerTestKit
import Foundation
import Testing

/// A feed cannot lead the crawler to loopback or private addresses, whatever the spelling, unless
/// feeds.yaml allows it; run as the real binary, each hostile feed beside a healthy one that must
/// be stored. Refused addresses need no server: the refusal comes before any connection (a missing
/// check would show as a connection error instead of the message).
@Suite struct PrivateNetworkTests {
    let folder = TemporaryFolder()

    static func channel(_ name: String) -> String {
        """
        <rss version="2.0"><channel><title>\(name)</title><link>https://example.org/</link>
        <item><title>\(name) item</title><guid>\(name)</guid><description>the body of \(name)</description></item>
        </channel></rss>
        """
    }

    /// The healthy feed and the redirect targets live here, a port of their own.
    let target: LoopbackHTTPServer
    /// Serves `/go?to=URL` as a 302 to URL.
    let redirector: LoopbackHTTPServer

    init() throws {
        target = try LoopbackHTTPServer { request in
            ServedResponse(text: Self.channel(request.path == "/healthy.xml" ? "healthy" : "target"))
        }
        redirector = try LoopbackHTTPServer { request in
            let query = request.path.split(separator: "=", maxSplits: 1)
            return query.count == 2 ? .redirect(302, to: String(query[1])) : ServedResponse(status: 404, text: "")
        }
    }

    /// Runs `crawler once` over the healthy feed and `hostile` (its YAML lines, indented under `- url:`).
    private func crawl(_ hostile: String, global: String = "") throws -> (CrawlerProcess.Run, [String]) {
        try folder.write("""
            store: ./out
            \(global)
            feeds:
              - url: \(target.url("/healthy.xml"))
                name: healthy
            \(hostile)
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        let stored = folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }
        #expect(stored.contains { $0.contains("the body of healthy") }, "the healthy feed was not stored: \(run.stderr)")
        return (run, stored)
    }

    private func redirecting(to url: String, allow: Bool? = nil) -> String {
        "  - url: \(redirector.url("/go?to=" + url))\n    name: hostile\n"
            + (allow.map { "    allow_private_networks: \($0)\n" } ?? "")
    }

    @Test func aRedirectToAnotherLoopbackAddressIsRefusedWithTheReason() throws {
        let hop = "http://127.0.0.2:\(target.port)/feed.xml"
        let (run, stored) = try crawl(redirecting(to: hop))
        #expect(run.status == 1)
        #expect(run.stderr.contains("refused: \(hop) resolves to 127.0.0.2, a private address (loopback; "
            + "set allow_private_networks: true for this feed to allow it)"), "\(run.stderr)")
        #expect(run.stderr.contains("feed=hostile"))
        #expect(!stored.contains { $0.contains("the body of target") })
    }

    /// The same address spelled the ways a naive host check misses, on a port the feed's own URL
    /// does not name (so nothing the operator wrote covers it).
    @Test(arguments: ["http://2130706433:PORT/feed.xml", "http://0177.0.0.1:PORT/feed.xml",
                      "http://0x7f.1:PORT/feed.xml", "http://localhost:PORT/feed.xml", "http://[::1]:PORT/feed.xml",
                      "http://[::ffff:127.0.0.1]:PORT/feed.xml", "http://feeds.localhost:PORT/feed.xml"])
    func aRedirectToLoopbackInDisguiseIsRefused(spelling: String) throws {
        let hop = spelling.replacingOccurrences(of: "PORT", with: "\(target.port)")
        let (run, stored) = try crawl(redirecting(to: hop))
        #expect(run.status == 1)
        #expect(run.stderr.contains("a private address (loopback; set allow_private_networks: true"), "\(run.stderr)")
        #expect(!stored.contains { $0.contains("the body of target") })
    }

    @Test(arguments: ["http://2130706433:PORT/feed.xml", "http://localhost:PORT/feed.xml"])
    func theFeedsAllowanceLetsTheRedirectThrough(spelling: String) throws {
        let hop = spelling.replacingOccurrences(of: "PORT", with: "\(target.port)")
        let (run, stored) = try crawl(redirecting(to: hop, allow: true))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(stored.contains { $0.contains("the body of target") })
    }

    @Test func theGlobalAllowanceLetsTheRedirectThroughAndAFeedMayStillRefuse() throws {
        let hop = "http://localhost:\(target.port)/feed.xml"
        let (allowed, stored) = try crawl(redirecting(to: hop), global: "allow_private_networks: true")
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(stored.contains { $0.contains("the body of target") })
        try FileManager.default.removeItem(atPath: folder.file("out"))
        let (refused, _) = try crawl(redirecting(to: hop, allow: false), global: "allow_private_networks: true")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("refused: \(hop) resolves to"), "\(refused.stderr)")
    }

    /// Only feeds.yaml may name a file; a server's redirect to one is not followed, allowed or not.
    @Test(arguments: [false, true])
    func aRedirectToAFileIsNotFollowed(allow: Bool) throws {
        let (run, stored) = try crawl(redirecting(to: "file:///etc/passwd", allow: allow))
        #expect(run.status == 1)
        #expect(run.stderr.contains("feed=hostile status=error"), "\(run.stderr)")
        #expect(!stored.contains { $0.contains("root:") })
    }

    /// `*.localhost` resolves to loopback (libcurl answers it itself, as RFC 6761 asks), so it stands
    /// for any host name a DNS server (or a rebinding attack) points at a private address.
    @Test func aConfiguredHostNameThatResolvesToLoopbackIsRefusedUnlessAllowed() throws {
        let url = "http://feeds.localhost:\(target.port)/feed.xml"
        let (run, stored) = try crawl("  - url: \(url)\n    name: named\n")
        #expect(run.status == 1)
        #expect(run.stderr.contains("refused: \(url) resolves to"), "\(run.stderr)")
        #expect(run.stderr.contains("a private address (loopback;"))
        #expect(!stored.contains { $0.contains("the body of target") })

        try FileManager.default.removeItem(atPath: folder.file("out"))
        let (allowed, storedNow) = try crawl("  - url: \(url)\n    name: named\n    allow_private_networks: true\n")
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(storedNow.contains { $0.contains("the body of target") })
    }

    @Test func checkProbeAndParseUseTheSameRule() throws {
        let hop = "http://127.0.0.2:\(target.port)/feed.xml"
        try folder.write("feeds:\n  - url: \(target.url("/healthy.xml"))\n    name: healthy\n" + redirecting(to: hop),
                         to: "feeds.yaml")
        let probe = try CrawlerProcess.run(["check", "--probe"], in: folder.path)
        #expect(probe.status == 1)
        #expect(probe.stdout.contains("ok    healthy"), "\(probe.stdout)")
        #expect(probe.stdout.contains("FAIL  hostile"))
        #expect(probe.stdout.contains("resolves to 127.0.0.2, a private address"), "\(probe.stdout)")

        let parse = try CrawlerProcess.run(["parse", redirector.url("/go?to=" + hop)], in: folder.path)
        #expect(parse.status == 1)
        #expect(parse.stderr.contains("resolves to 127.0.0.2, a private address (loopback; pass --allow-private-networks"),
                "\(parse.stderr)")
        let healthy = try CrawlerProcess.run(["parse", target.url("/healthy.xml")], in: folder.path)
        #expect(healthy.status == 0)
        #expect(healthy.stdout.contains("healthy item"))
        let allowed = try CrawlerProcess.run(["parse", "--allow-private-networks",
                                              redirector.url("/go?to=http://localhost:\(target.port)/x.xml")],
                                             in: folder.path)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout.contains("target item"))
    }
}
