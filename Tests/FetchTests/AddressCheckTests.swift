import CrawlerTestKit
import FeedModel
import Fetch
import Testing

/// The engine checks the address of every socket libcurl opens and of every request it sends,
/// against each request's `NetworkAccess`.
@Suite struct AddressCheckTests {
    @Test func aRedirectToAnotherLoopbackPortIsRefusedBeforeConnecting() async throws {
        let target = try LoopbackHTTPServer { _ in ServedResponse(text: "<rss/>") }
        let hop = target.url("/secret")
        let hostile = try LoopbackHTTPServer { _ in .redirect(302, to: hop) }
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "r", url: hostile.url("/feed"))])
        let problem = try #require(failure(results["r"]))
        #expect(problem.kind == .refused)
        #expect(problem.message == "\(hostile.url("/feed")): refused: \(hop) resolves to 127.0.0.1, a private address "
            + "(loopback; set allow_private_networks: true for this feed to allow it)")
        #expect(target.requests.isEmpty)
    }

    @Test func theAllowanceFollowsTheSameRedirect() async throws {
        let target = try LoopbackHTTPServer { _ in ServedResponse(text: "<rss/>") }
        let hostile = try LoopbackHTTPServer { _ in .redirect(302, to: target.url("/feed")) }
        let allowed = NetworkAccess(allowsPrivateNetworks: true)
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "r", url: hostile.url("/"), access: allowed)])
        #expect(response(results["r"])?.status == 200)
        #expect(target.requests.count == 1)
    }

    /// A connection opened for a feed allowed to reach a private address stays in libcurl's pool;
    /// another feed redirected to the same host must not ride on it (no socket is opened then, so
    /// only the check before each request sees it).
    @Test func aKeptConnectionOfAnAllowedFeedIsNotReusedByAnotherFeed() async throws {
        let intranet = try LoopbackHTTPServer { _ in ServedResponse(text: "<rss><channel><title>internal</title></channel></rss>") }
        let hop = "http://feeds.localhost:\(intranet.port)/admin"
        // The redirect waits, so the allowed feed's connection is idle in the pool by then.
        let hostile = try LoopbackHTTPServer { _ in ServedResponse(status: 302, headers: [("Location", hop)], delay: 0.5) }
        let allowed = FetchRequest(feed: "allowed", url: "http://feeds.localhost:\(intranet.port)/feed",
                                   access: NetworkAccess(allowsPrivateNetworks: true))
        let results = try await fetchBesideAHealthyFeed([allowed, FetchRequest(feed: "hostile", url: hostile.url("/"))])
        #expect(response(results["allowed"])?.status == 200)
        let problem = try #require(failure(results["hostile"]))
        #expect(problem.kind == .refused)
        #expect(problem.message.contains("refused: \(hop) resolves to 127.0.0.1, a private address"))
        #expect(intranet.requests.map(\.path) == ["/feed"])
    }

    @Test func aDiscoveredURLMayNotReadAFile() async throws {
        let discovered = NetworkAccess.discovered(allowsPrivateNetworks: true, hint: "")
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "f", url: "file:///etc/hostname", access: discovered),
                                                         FetchRequest(feed: "own", url: "file:///etc/hostname")])
        #expect(failure(results["f"])?.kind == .badURL)
        #expect(response(results["own"])?.status == 200)
    }
}
