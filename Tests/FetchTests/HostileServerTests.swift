import CrawlerTestKit
import FeedModel
import Fetch
import Testing

/// Servers that stall, trickle, flood or hang up: each is dropped with its reason, and the
/// healthy feed in the same batch still arrives.
@Suite struct HostileServerTests {
    @Test func aServerStallingBeforeItsHeadersTimesOut() async throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: "late", delay: 6) }
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "stall", url: server.url("/s"))])
        let problem = try #require(failure(results["stall"]))
        #expect(problem.kind == .timeout)
        #expect(problem.message.contains(server.url("/s")))
    }

    @Test func aServerTricklingItsBodyIsDroppedByTheLowSpeedLimit() async throws {
        let body = [UInt8](repeating: 0x41, count: 100)
        let server = try LoopbackHTTPServer { _ in ServedResponse(body: body, delivery: .trickle(interval: 0.5)) }
        var settings = testSettings
        settings.timeout = 20  // so only the low-speed limit can stop it: curl names it "too slow"
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "drip", url: server.url("/d"))],
                                                         settings: settings)
        let problem = try #require(failure(results["drip"]))
        #expect(problem.kind == .timeout)
        #expect(problem.message.lowercased().contains("too slow"))
    }

    /// Round 64: the low-speed limit counted the wait for the answer too, so a server slower to
    /// begin than `low_speed_time` (a feed generated on demand) failed whatever `timeout:` said.
    @Test func aServerSlowToBeginIsWaitedForUpToTheTimeout() async throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: healthyFeed, delay: 2) }
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "late", url: server.url("/l"))])
        #expect(response(results["late"])?.status == 200, "\(String(describing: results["late"]?.outcome))")
    }

    /// And after a redirect: the wait for the new place's answer is the timeout's too.
    @Test func aServerSlowToBeginAfterARedirectIsWaitedFor() async throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/moved" ? ServedResponse(status: 301, headers: [("Location", "/late")], body: [])
                : ServedResponse(text: healthyFeed, delay: 2)
        }
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "moved", url: server.url("/moved"))])
        #expect(response(results["moved"])?.status == 200, "\(String(describing: results["moved"]?.outcome))")
    }

    @Test func anOversizedBodyIsCutAndReported() async throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(body: [UInt8](repeating: 65, count: 600 * 1024)) }
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "big", url: server.url("/big"))])
        let problem = try #require(failure(results["big"]))
        #expect(problem.kind == .tooLarge)
        #expect(problem.message.contains(server.url("/big")))
    }

    @Test func aGzipBombIsCutAtTheDecodedLimit() async throws {
        let bomb = try ServedResponse.gzipped([UInt8](repeating: 0, count: 8 << 20))
        let server = try LoopbackHTTPServer { _ in bomb }
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "bomb", url: server.url("/bomb"))])
        #expect(bomb.body.count < testSettings.maxBodyBytes)
        #expect(failure(results["bomb"])?.kind == .tooLarge)
    }

    @Test func anEndlessBodyIsCutAndReported() async throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(delivery: .endless) }
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "endless", url: server.url("/e"))])
        #expect(failure(results["endless"])?.kind == .tooLarge)
    }

    @Test func aConnectionClosedMidBodyIsAProtocolError() async throws {
        let server = try LoopbackHTTPServer { _ in
            ServedResponse(body: [UInt8](repeating: 66, count: 10_000), delivery: .cut(after: 3000))
        }
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "cut", url: server.url("/c"))])
        let problem = try #require(failure(results["cut"]))
        #expect(problem.kind == .protocolError)
    }
}
