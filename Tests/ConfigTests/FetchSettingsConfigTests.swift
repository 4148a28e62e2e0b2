@testable import Config
import FeedModel
import Testing

/// The feeds.yaml keys that shape fetching: politeness per host, limits, proxy, TLS opt-out.
@Suite struct FetchSettingsConfigTests {
    let parser = ConfigParser(fileName: "feeds.yaml", baseDirectory: "/srv/crawler")

    @Test func readsHostRulesLimitsProxyAndTLSOptOut() throws {
        let config = try parser.parse("""
            host_gap: 0
            hosts:
              - match: "*.tumblr.com"
                concurrency: 2
                gap: 1s
                burst: 3
              - match: rsshub.example
            low_speed_limit: 1KB
            low_speed_time: 10s
            max_redirects: 3
            proxy: socks5h://127.0.0.1:9050
            revalidate_after: 12h
            adopt_redirect_after: 4
            host_backoff_feeds: 5
            feeds:
              - url: https://self-signed.example/feed
                tls_verify: false
              - url: https://example.org/feed
            """)
        #expect(config.hostGap == 0)
        #expect(config.hostRules == [HostRule(pattern: "*.tumblr.com", concurrency: 2, gap: 1, burst: 3),
                                     HostRule(pattern: "rsshub.example", concurrency: config.perHostConcurrency, gap: 0)])
        #expect(config.hostRules[0].matches("staff.tumblr.com") && config.hostRules[0].matches("tumblr.com"))
        #expect(!config.hostRules[0].matches("nottumblr.com"))
        #expect(config.lowSpeedBytesPerSecond == 1024 && config.lowSpeedTime == 10)
        #expect(config.maxRedirects == 3 && config.proxy == "socks5h://127.0.0.1:9050")
        #expect(config.revalidateAfter == 43200 && config.adoptRedirectAfter == 4 && config.hostBackoffFeeds == 5)
        #expect(config.feeds.map(\.verifyTLS) == [false, true])
    }

    @Test func namesLineAndKeyOfABadHostPattern() {
        do {
            _ = try parser.parse("hosts:\n  - match: \"*.*.example\"\nfeeds: []\n")
            Issue.record("a pattern with two wildcards must be refused")
        } catch {
            #expect(error.line == 2)
            #expect(error.key == "hosts[0].match")
        }
    }

    @Test func suggestsTheHostRuleKeyAMisspeltOneMeant() {
        do {
            _ = try parser.parse("hosts:\n  - match: a.example\n    concurrncy: 2\nfeeds: []\n")
            Issue.record("an unknown key must be refused")
        } catch {
            #expect(error.line == 3)
            #expect(error.message.contains("did you mean 'concurrency'"))
        }
    }
}
