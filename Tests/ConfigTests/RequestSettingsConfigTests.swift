@testable import Config
import FeedModel
import Testing

/// headers, cookies, basic_auth, user_agent, proxy, ca_file, ignore_cache_headers, throttle_on_403.
@Suite struct RequestSettingsConfigTests: ParsesConfig {
    let parser = Self.testParser

    @Test func readsThemGloballyAndPerFeedTheFeedWinning() throws {
        let config = try parser.parse("""
            headers: {X-Global: g, Accept-Language: en}
            ca_file: certs/ca.pem
            throttle_on_403: true
            feeds:
              - url: https://a.example/feed
                headers: {Accept-Language: de}
                cookies: "a=1; b=2"
                basic_auth: {username: u, password_env: FEED_PASSWORD}
                user_agent: own/1
                proxy: http://proxy.example:3128
                ignore_cache_headers: true
              - url: https://b.example/feed
                ca_file: /etc/b.pem
                throttle_on_403: false
                cookies: {session: abc}
            """)
        let (a, b) = (config.feeds[0].request, config.feeds[1].request)
        #expect(a.headers.map { "\($0.name): \($0.value)" } == ["X-Global: g", "Accept-Language: de"])
        #expect(a.cookies == "a=1; b=2" && b.cookies == "session=abc")
        #expect(a.basicAuth == BasicAuth(username: "u", password: .environment("FEED_PASSWORD")))
        #expect(a.userAgent == "own/1" && a.proxy == "http://proxy.example:3128" && a.ignoreCacheHeaders)
        #expect(a.caFile == "/srv/crawler/certs/ca.pem" && b.caFile == "/etc/b.pem")
        #expect(a.throttleOn403 && !b.throttleOn403 && !b.ignoreCacheHeaders)
        #expect(b.headers.map(\.name) == ["X-Global", "Accept-Language"])
        #expect(a.basicAuth.map { "\($0)" } == "basic_auth(u:$FEED_PASSWORD)")
        let literal = try parser.parse("feeds:\n  - url: https://a.example/\n    basic_auth: {username: u, password: hunter2}\n")
        #expect(!"\(literal.feeds[0])".contains("hunter2"), "a printed feed shows no password")
    }

    /// A value with a line break would end its header and start another one.
    @Test func refusesValuesThatCouldSplitARequest() {
        let header = error("feeds:\n  - url: https://a.example/\n    headers: {X-A: \"one\\r\\nX-Injected: 1\"}\n")
        #expect(header?.key == "feeds[0].headers.X-A")
        #expect(header?.line == 3)
        #expect(error("feeds:\n  - url: https://a.example/\n    headers: {\"Bad Name\": x}\n")?.key == "feeds[0].headers")
        #expect(error("user_agent: \"a\\nb\"\nfeeds:\n  - url: https://a.example/\n")?.key == "user_agent")
        #expect(error("feeds:\n  - url: https://a.example/\n    cookies: {a: \"1;b=2\"}\n")?.key == "feeds[0].cookies.a")
    }

    @Test func basicAuthNeedsAUsernameAndExactlyOnePassword() {
        let both = error("feeds:\n  - url: https://a.example/\n    basic_auth: {username: u, password: p, password_env: P}\n")
        #expect(both?.key == "feeds[0].basic_auth")
        #expect(error("feeds:\n  - url: https://a.example/\n    basic_auth: {username: u}\n")?.key == "feeds[0].basic_auth")
        let user = error("feeds:\n  - url: https://a.example/\n    basic_auth: {password: p}\n")
        #expect(user?.key == "feeds[0].basic_auth.username")
        let typo = error("feeds:\n  - url: https://a.example/\n    basic_auth: {username: u, pasword: p}\n")
        #expect(typo?.message.contains("did you mean 'password'") == true)
    }

    /// Round 55: each header name was compared with every one before it (header names know no
    /// case), so a long `headers:` list took quadratic time at every `check`, start and reload.
    /// Four times the list, about four times the time; a repeated name is still named.
    @Test func aLongHeadersListIsCheckedInLinearTime() throws {
        func seconds(_ count: Int) throws -> Double {
            let yaml = "headers:\n" + (0..<count).map { "  X-H\($0): v\($0)\n" }.joined()
                + "feeds:\n  - url: https://example.org/feed\n"
            var best = Double.infinity
            for _ in 0..<3 {
                let start = ContinuousClock.now
                #expect(try parser.parse(yaml).feeds.first?.request.headers.count == count)
                let elapsed = ContinuousClock.now - start
                best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            }
            return best
        }
        let small = try seconds(2_000), large = try seconds(8_000)
        #expect(large / max(small, 0.002) < 8, "2,000 headers: \(small) s, 8,000: \(large) s")
        #expect(error("headers:\n  X-Key: a\n  x-key: b\nfeeds:\n  - url: https://example.org/feed\n")?.description
                    .contains("is the header X-Key again") == true)
    }
}
