import CrawlerTestKit
import FeedModel
import Fetch
import Testing

@Suite struct RedirectTests {
    private func server() throws -> LoopbackHTTPServer {
        try LoopbackHTTPServer { request in
            switch request.path {
            case "/moved": .redirect(301, to: "/new")
            case "/kept": .redirect(308, to: "/new")
            case "/found": .redirect(302, to: "/new")
            case "/temporary": .redirect(307, to: "/moved")
            case "/loop-a": .redirect(301, to: "/loop-b")
            case "/loop-b": .redirect(301, to: "/loop-a")
            case "/to-file": .redirect(301, to: "file:///etc/passwd")
            case "/to-ftp": .redirect(302, to: "ftp://127.0.0.1/feed")
            default: ServedResponse(text: "<rss/>")
            }
        }
    }

    @Test(arguments: [("/moved", 301), ("/kept", 308)])
    func aPermanentRedirectIsFollowedAndRecorded(path: String, status: Int) async throws {
        let server = try server()
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "r", url: server.url(path))])
        let answer = try #require(response(results["r"]))
        #expect(answer.status == 200)
        #expect(answer.finalURL == server.url("/new"))
        #expect(answer.redirects == [Redirect(status: status, from: server.url(path), to: server.url("/new"))])
        #expect(answer.redirects.allSatisfy { $0.isPermanent })
    }

    @Test func aChainWithATemporaryHopIsNotPermanent() async throws {
        let server = try server()
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "r", url: server.url("/temporary"))])
        let answer = try #require(response(results["r"]))
        #expect(answer.redirects.map(\.status) == [307, 301])
        #expect(!answer.redirects.allSatisfy { $0.isPermanent })
        #expect(answer.finalURL == server.url("/new"))
    }

    @Test func a302IsFollowedButNotPermanent() async throws {
        let server = try server()
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "r", url: server.url("/found"))])
        let answer = try #require(response(results["r"]))
        #expect(answer.redirects.map(\.status) == [302])
        #expect(answer.redirects.first?.isPermanent == false)
    }

    @Test func aRedirectLoopStopsAtTheCap() async throws {
        let server = try server()
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "loop", url: server.url("/loop-a"))])
        let problem = try #require(failure(results["loop"]))
        #expect(problem.kind == .protocolError)
        #expect(problem.message.contains("redirect loop: \(server.url("/loop-a")) → \(server.url("/loop-b")) → \(server.url("/loop-a"))"),
                "\(problem.message)")
        #expect(server.requests.count <= testSettings.maxRedirects + 2)
    }

    @Test(arguments: ["/to-file", "/to-ftp"])
    func neverFollowsToANonWebScheme(path: String) async throws {
        let server = try server()
        let results = try await fetchBesideAHealthyFeed([FetchRequest(feed: "evil", url: server.url(path))])
        #expect(failure(results["evil"])?.kind == .badURL)
    }
}
