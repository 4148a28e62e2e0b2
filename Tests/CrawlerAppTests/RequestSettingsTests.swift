import CrawlerTestKit
import Foundation
import Testing

/// A feed's own request settings, as the server receives them from the real binary: headers,
/// cookies, basic auth (from the file or the environment, never logged), user agent, proxy,
/// ignored cache headers and 403 taken as throttling. A feed without them sits beside each and
/// must be stored, sending none of them.
@Suite struct RequestSettingsTests {
    let folder = TemporaryFolder()
    let server: LoopbackHTTPServer

    static func channel(_ name: String) -> String {
        """
        <rss version="2.0"><channel><title>\(name)</title><link>https://example.org/</link>
        <item><title>\(name) item</title><guid>\(name)</guid><description>the body of \(name)</description></item>
        </channel></rss>
        """
    }

    init() throws {
        server = try LoopbackHTTPServer { request in
            let name = String(request.path.split(separator: "/").last?.prefix { $0 != "." } ?? "")
            if name.hasPrefix("limited") { return ServedResponse(status: 403, headers: [("Retry-After", "120")]) }
            if name.hasPrefix("forever") { return ServedResponse(status: 503, headers: [("Retry-After", "99999999999")]) }
            if name.hasPrefix("busy") { return ServedResponse(status: 429, text: "") }
            // As a proxy: a login it asks for; and a server that answers 407 itself.
            if request.path.hasPrefix("http://needs-login.example/") || name == "self407" {
                return ServedResponse(status: 407, headers: [("Proxy-Authenticate", "Basic realm=\"proxy\"")])
            }
            if name == "locked", request.headers["authorization"] == nil { return ServedResponse(status: 401, text: "") }
            var response = ServedResponse(text: Self.channel(name))
            response.headers += [("ETag", "\"v1\""), ("Cache-Control", "max-age=86400")]
            return response
        }
    }

    private func crawl(_ yaml: String, shellPrefix: String? = nil) throws -> CrawlerProcess.Run {
        try folder.write("store: ./out\nhost_gap: 0s\n" + yaml, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path, shellPrefix: shellPrefix)
        let stored = folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }
        #expect(stored.contains { $0.contains("the body of healthy") }, "the healthy feed was not stored: \(run.stderr)")
        return run
    }

    private func request(_ name: String) -> ReceivedRequest? {
        server.requests.last { $0.path.hasSuffix("/\(name).xml") }
    }

    private func fetchLine(_ run: CrawlerProcess.Run, feed: String) -> LogLine? {
        run.stderr.split(separator: "\n").map { LogLine(String($0)) }.last { $0["event"] == "fetch" && $0["feed"] == feed }
    }

    @Test func aFeedsHeadersCookiesCredentialsAndUserAgentReachItsServerOnly() throws {
        let run = try crawl("""
            headers: {X-Global: everyone}
            feeds:
              - url: \(server.url("/custom.xml"))
                name: custom
                headers: {X-Api-Key: key-1, X-Global: mine}
                cookies: {session: abc, lang: en}
                user_agent: custom-agent/2
                basic_auth: {username: reader, password_env: CRAWLER_TEST_FEED_PASSWORD}
              - url: \(server.url("/healthy.xml"))
                name: healthy
            """, shellPrefix: "export CRAWLER_TEST_FEED_PASSWORD='s3cret-from-env';")
        #expect(run.status == 0, "\(run.stderr)")
        let custom = request("custom")?.headers ?? [:]
        #expect(custom["x-api-key"] == "key-1")
        #expect(custom["x-global"] == "mine")
        #expect(custom["cookie"] == "session=abc; lang=en")
        #expect(custom["user-agent"] == "custom-agent/2")
        #expect(custom["authorization"] == "Basic " + Data("reader:s3cret-from-env".utf8).base64EncodedString())
        let healthy = request("healthy")?.headers ?? [:]
        #expect(healthy["x-global"] == "everyone")
        #expect(healthy["x-api-key"] == nil && healthy["cookie"] == nil && healthy["authorization"] == nil)
        #expect(healthy["user-agent"]?.hasPrefix("crawler/") == true)
        #expect(!(run.stderr + run.stdout).contains("s3cret"))
    }

    /// A refused password (401) is a failure naming the feed; the password is in no output.
    @Test func aPasswordNeverReachesTheLogOrSummary() throws {
        let run = try crawl("""
            feeds:
              - url: \(server.url("/locked.xml"))
                name: locked
                basic_auth: {username: reader, password: "pa55-in-the-file"}
              - url: \(server.url("/unset.xml"))
                name: unset
                basic_auth: {username: reader, password_env: CRAWLER_TEST_UNSET_PASSWORD}
              - url: \(server.url("/healthy.xml"))
                name: healthy
            """)
        #expect(request("locked")?.headers["authorization"] != nil)
        #expect(!(run.stderr + run.stdout).contains("pa55"), "\(run.stderr)")
        let unset = fetchLine(run, feed: "unset")?["error"] ?? ""
        #expect(unset.contains("CRAWLER_TEST_UNSET_PASSWORD") && unset.contains("not set"), "\(run.stderr)")
        #expect(request("unset") == nil, "nothing is sent without the password")
    }

    /// A variable holding Latin-1 bytes was sent as U+FFFD (the server saw another password, the
    /// operator a 401), and an empty one as an empty password. Each fails its feed as an unset one
    /// does, naming the variable and not its value; the feed beside goes on.
    @Test func aPasswordVariableThatIsNotUTF8OrIsEmptyFailsItsFeed() throws {
        let run = try crawl("""
            feeds:
              - url: \(server.url("/latin.xml"))
                name: latin
                basic_auth: {username: reader, password_env: CRAWLER_TEST_LATIN1_PASSWORD}
              - url: \(server.url("/empty.xml"))
                name: empty
                basic_auth: {username: reader, password_env: CRAWLER_TEST_EMPTY_PASSWORD}
              - url: \(server.url("/healthy.xml"))
                name: healthy
            """, shellPrefix: "export CRAWLER_TEST_LATIN1_PASSWORD=$'pa55\\xff\\xfe'; export CRAWLER_TEST_EMPTY_PASSWORD=;")
        #expect(run.status == 1, "\(run.stderr)")
        let latin = fetchLine(run, feed: "latin")?["error"] ?? ""
        #expect(latin.contains("basic_auth: the environment variable CRAWLER_TEST_LATIN1_PASSWORD (password_env) is not UTF-8 text"),
                "\(run.stderr)")
        let empty = fetchLine(run, feed: "empty")?["error"] ?? ""
        #expect(empty.contains("basic_auth: the environment variable CRAWLER_TEST_EMPTY_PASSWORD (password_env) is empty"),
                "\(run.stderr)")
        #expect(request("latin") == nil && request("empty") == nil, "nothing is sent without the password")
        #expect(!(run.stderr + run.stdout).contains("pa55"))
    }

    /// The server's ETag and max-age are not believed: the second pass asks afresh (and the next
    /// check is the configured interval, not the server's day); the feed beside sends its validator.
    @Test func ignoredCacheHeadersAreNeitherSentBackNorBelieved() throws {
        let yaml = """
            feeds:
              - url: \(server.url("/liar.xml"))
                name: liar
                ignore_cache_headers: true
                interval: 10m
              - url: \(server.url("/healthy.xml"))
                name: healthy
                interval: 10m
            """
        let first = try crawl(yaml)
        #expect(fetchLine(first, feed: "liar")?["why"] == "configured interval 10m", "\(first.stderr)")
        #expect(fetchLine(first, feed: "healthy")?["why"]?.contains("max-age") == true, "\(first.stderr)")
        _ = try crawl(yaml)
        #expect(request("liar")?.headers["if-none-match"] == nil)
        #expect(request("healthy")?.headers["if-none-match"] == "\"v1\"")
    }

    /// Three feeds of a host that answers its rate limit with 403: with `throttle_on_403` the
    /// second one makes the host wait (host_backoff_feeds: 2), so the third is not asked.
    @Test(arguments: [true, false])
    func a403IsThrottlingOnlyWhenTheFeedSaysSo(throttle: Bool) throws {
        let feeds = (1...3).map { "  - url: \(server.url("/limited\($0).xml"))\n    name: limited\($0)\n" }
        let run = try crawl("throttle_on_403: \(throttle)\nhost_backoff_feeds: 2\nper_host_concurrency: 1\ninterval: 1m\n"
                                + "feeds:\n" + feeds.joined()
                                + "  - url: http://localhost:\(server.port)/healthy.xml\n    name: healthy\n")
        #expect(run.status == 1)
        let asked = server.requests.filter { $0.path.contains("/limited") }.count
        #expect(asked == (throttle ? 2 : 3), "\(run.stderr)")
        let third = fetchLine(run, feed: "limited3").flatMap { $0["reason"] ?? $0["error"] } ?? ""
        #expect(third.contains("throttled several feeds") == throttle, "\(third)")
        let first = fetchLine(run, feed: "limited1")?["error"] ?? ""
        #expect(first.contains("asked to retry after 120 s") == throttle, "\(first)")
        // Round 38: without `throttle_on_403` the 403's Retry-After still set the next poll, which
        // the error never said. A plain 403 is a failure; its Retry-After is not believed.
        let why = fetchLine(run, feed: "limited1")?["why"] ?? ""
        #expect(why.contains("asked to retry after") == throttle, "\(why)")
    }

    /// A host that throttles several feeds makes its other feeds wait too, but no longer than
    /// `max_backoff`: a Retry-After of years from the throttled ones held feeds the server never
    /// throttled for ten years, across restarts.
    @Test func aHostsPauseOfItsOtherFeedsIsCappedAtMaxBackoff() throws {
        let feeds = (1...3).map { "  - url: \(server.url("/forever\($0).xml"))\n    name: forever\($0)\n" }
        let run = try crawl("host_backoff_feeds: 2\nper_host_concurrency: 1\nmax_backoff: 1h\nfeeds:\n" + feeds.joined()
                                + "  - url: http://localhost:\(server.port)/healthy.xml\n    name: healthy\n")
        let third = fetchLine(run, feed: "forever3")
        #expect(third?["reason"]?.contains("asked to wait 3600 s") == true, "\(run.stderr)")
        // Round 19: `retry_after` is what a feed's own server asked; the deferred feed's line
        // says its host's wait (retry_after feed=forever3 read as if its server had said so).
        let own = run.stderr.split(separator: "\n").map { LogLine(String($0)) }.filter { $0["event"] == "retry_after" }
        #expect(!own.contains { $0["feed"] == "forever3" }, "\(run.stderr)")
        let next = try #require(third?["next"].flatMap { ISO8601DateFormatter().date(from: $0) })
        #expect(next.timeIntervalSinceNow < 3700, "\(third?["next"] ?? "")")
        // Round 40: the next `once` named the held server without its port, as if the whole
        // address had asked to wait.
        let again = try CrawlerProcess.run(["once"], in: folder.path)
        let skipped = again.stdout.split(separator: "\n").first { $0.hasPrefix("skip  forever3") }.map(String.init) ?? ""
        #expect(skipped.contains("127.0.0.1:\(server.port) asked every client to wait"), "\(again.stdout)")
    }

    /// The feed's own Retry-After is held to `max_backoff` too: one answer of `99999999999` kept
    /// the feed unpolled for ten years, across restarts, and `explain` said so.
    @Test func aFeedsOwnRetryAfterIsCappedAtMaxBackoff() throws {
        let run = try crawl("max_backoff: 1h\nfeeds:\n  - url: \(server.url("/forever.xml"))\n    name: forever\n"
                                + "  - url: \(server.url("/healthy.xml"))\n    name: healthy\n")
        let line = try #require(fetchLine(run, feed: "forever"), "\(run.stderr)")
        let next = try #require(line["next"].flatMap { ISO8601DateFormatter().date(from: $0) }, "\(line)")
        #expect(next.timeIntervalSinceNow < 3700 && next.timeIntervalSinceNow > 3000, "\(line)")
        #expect(line["why"]?.contains("capped at max_backoff 1h") == true, "\(line)")
        let explain = try CrawlerProcess.run(["explain", "forever"], in: folder.path)
        #expect(!explain.stdout.contains("year"), "\(explain.stdout)")
        #expect(explain.stdout.contains("asked to retry after 3600 s") || explain.stdout.contains("1h"), "\(explain.stdout)")
    }

    /// A feed held back because its host asked every client to wait was never fetched: it is not
    /// a failure of its own (no failure in a row, no `failing` alert later, no exit status 1), its
    /// last fetch is not now, and it waits for the host, with that as the reason.
    @Test func aFeedItsHostHeldBackIsNotCountedAsFailing() throws {
        let feeds = (1...2).map { "  - url: \(server.url("/forever\($0).xml"))\n    name: forever\($0)\n" }
        let run = try crawl("host_backoff_feeds: 2\nper_host_concurrency: 1\nmax_backoff: 1h\nfeeds:\n" + feeds.joined()
                                + "  - url: \(server.url("/calm.xml"))\n    name: calm\n"
                                + "  - url: http://localhost:\(server.port)/healthy.xml\n    name: healthy\n")
        #expect(request("calm") == nil, "the held-back feed was fetched")
        let line = try #require(fetchLine(run, feed: "calm"), "\(run.stderr)")
        #expect(line["level"] == "notice" && line["status"] == "deferred", "\(line)")
        #expect(line["why"]?.contains("asked every client to wait") == true, "\(line)")
        #expect(line["why"]?.contains("failure") == false, "\(line)")
        let row = run.stdout.split(separator: "\n").first { $0.contains(" calm ") }
        #expect(row?.hasPrefix("wait  ") == true, "\(run.stdout)")
        #expect(run.stdout.contains("2 failed, 1 deferred"), "\(run.stdout)")
        let status = try CrawlerProcess.run(["status"], in: folder.path)
        let calm = status.stdout.split(separator: "\n").first { $0.hasPrefix("calm ") }.map(String.init) ?? ""
        #expect(calm.contains("never fetched") && !calm.contains("retrying"), "\(status.stdout)")
        // The throttled ones did fail, in a row.
        #expect(fetchLine(run, feed: "forever2")?["why"]?.contains("failure 1 in a row") == true)
    }

    /// Held back behind feeds that throttle its host (429, no Retry-After), a feed goes first on
    /// the next pass, stalest first, instead of behind them again on every pass.
    @Test func aFeedItsHostHeldBackGoesFirstNextTime() throws {
        let yaml = "host_backoff_feeds: 2\nper_host_concurrency: 1\nfeeds:\n"
            + (1...2).map { "  - url: \(server.url("/busy\($0).xml"))\n    name: busy\($0)\n" }.joined()
            + "  - url: \(server.url("/calm.xml"))\n    name: calm\n"
            + "  - url: http://localhost:\(server.port)/healthy.xml\n    name: healthy\n"
        let first = try crawl(yaml)
        #expect(fetchLine(first, feed: "calm")?["status"] == "deferred", "\(first.stderr)")
        #expect(request("calm") == nil)
        let second = try crawl(yaml)
        #expect(fetchLine(second, feed: "calm")?["status"] == "200", "\(second.stderr)")
        #expect(request("calm") != nil)
    }

    /// Round 38: `headers: {X-Empty: ""}` was taken and never sent (libcurl reads `Name:` with
    /// nothing after it as "leave this header out"). An empty value is sent empty.
    @Test func aHeaderWithAnEmptyValueIsSentEmpty() throws {
        let run = try crawl("feeds:\n  - url: \(server.url("/custom.xml"))\n    name: custom\n"
                                + "    headers: {X-Empty: \"\", X-Full: yes}\n"
                                + "  - url: \(server.url("/healthy.xml"))\n    name: healthy\n")
        #expect(run.status == 0, "\(run.stderr)")
        let custom = request("custom")?.headers ?? [:]
        #expect(custom["x-empty"] == "", "\(custom)")
        #expect(custom["x-full"] == "yes")
    }

    /// Round 38: three feeds of one server answering 429 held back a feed of another server on the
    /// same address (another port: another service of an intranet box, an RSSHub beside a blog),
    /// for as long as their Retry-After said. Budgets and holds are a server's: host and port.
    @Test func aServerThatThrottlesHoldsNoOtherServerOfItsHostBack() throws {
        let other = try LoopbackHTTPServer { _ in ServedResponse(text: Self.channel("other")) }
        let run = try crawl("host_backoff_feeds: 2\nper_host_concurrency: 1\nfeeds:\n"
                                + (1...3).map { "  - url: \(server.url("/busy\($0).xml"))\n    name: busy\($0)\n" }.joined()
                                + "  - url: \(other.url("/other.xml"))\n    name: other\n"
                                + "  - url: http://localhost:\(server.port)/healthy.xml\n    name: healthy\n")
        #expect(fetchLine(run, feed: "other")?["status"] == "200", "\(run.stderr)")
        #expect(other.requests.count == 1)
        let third = fetchLine(run, feed: "busy3").flatMap { $0["reason"] ?? $0["error"] } ?? ""
        #expect(third.contains("127.0.0.1:\(server.port) throttled several feeds"), "\(third)")
    }

    /// A redirect to another host (here another port) takes neither the credentials nor the cookies along.
    @Test func credentialsAndCookiesStayWithTheFeedsOwnHost() throws {
        let elsewhere = try LoopbackHTTPServer { _ in ServedResponse(text: Self.channel("moved")) }
        let redirector = try LoopbackHTTPServer { _ in .redirect(302, to: elsewhere.url("/moved.xml")) }
        let run = try crawl("""
            feeds:
              - url: \(redirector.url("/start.xml"))
                name: moved
                allow_private_networks: true
                cookies: {session: abc}
                basic_auth: {username: reader, password: secret}
              - url: \(server.url("/healthy.xml"))
                name: healthy
            """)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(redirector.requests.first?.headers["authorization"] != nil)
        #expect(redirector.requests.first?.headers["cookie"] == "session=abc")
        let moved = elsewhere.requests.first?.headers ?? [:]
        #expect(elsewhere.requests.count == 1)
        #expect(moved["authorization"] == nil && moved["cookie"] == nil, "\(moved)")
    }

    /// The proxy is a loopback server that answers for any URL it is asked for.
    @Test func aFeedsOwnProxyCarriesItsRequests() throws {
        let run = try crawl("""
            feeds:
              - url: http://feeds.proxied.example/proxied.xml
                name: proxied
                proxy: http://127.0.0.1:\(server.port)
              - url: \(server.url("/healthy.xml"))
                name: healthy
            """)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(server.requests.contains { $0.path == "http://feeds.proxied.example/proxied.xml" }, "\(server.requests.map(\.path))")
        #expect(request("healthy")?.path == "/healthy.xml", "the feed beside goes direct")
    }

    /// A proxy asking for a login was reported as the feed's own "HTTP 407 client error" (round 29).
    @Test func aProxyAskingForALoginIsNamedAsTheProxy() throws {
        let run = try crawl("""
            feeds:
              - url: http://needs-login.example/feed.xml
                name: behind
                proxy: http://127.0.0.1:\(server.port)
              - url: \(server.url("/self407.xml"))
                name: direct
              - url: \(server.url("/healthy.xml"))
                name: healthy
            """)
        let error = fetchLine(run, feed: "behind")?["error"] ?? ""
        #expect(error.contains("HTTP 407 Proxy Authentication Required: the proxy asks for a user and password"), "\(run.stderr)")
        // Without a proxy, a 407 is the server's own (round 30: it was blamed on a proxy).
        #expect(fetchLine(run, feed: "direct")?["error"] == "HTTP 407 Proxy Authentication Required", "\(run.stderr)")
    }

    /// A proxy that cannot be reached was reported as the feed's own server refusing
    /// ("Failed to connect to 127.0.0.1 port 9"), which sent the operator to the wrong machine.
    /// A server refusing without a proxy is still reported as itself.
    @Test func anUnreachableProxyIsNamedAsTheProxy() throws {
        let run = try crawl("""
            feeds:
              - url: \(server.url("/behind.xml"))
                name: behind
                proxy: http://127.0.0.1:9
              - url: http://127.0.0.1:9/direct.xml
                name: direct
              - url: \(server.url("/healthy.xml"))
                name: healthy
            """)
        let behind = fetchLine(run, feed: "behind")?["error"] ?? ""
        #expect(behind.contains("cannot reach the proxy at 127.0.0.1 port 9"), "\(run.stderr)")
        #expect(behind.contains("the feed's server was not asked"))
        let direct = fetchLine(run, feed: "direct")?["error"] ?? ""
        #expect(direct.contains("Failed to connect to 127.0.0.1 port 9") && !direct.contains("proxy"), "\(direct)")
        #expect(request("behind") == nil)
    }
}
