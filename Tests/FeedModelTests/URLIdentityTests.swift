@testable import FeedModel
import Testing

@Suite struct URLIdentityTests {
    @Test(arguments: [
        ("HTTP://Example.ORG/feed.xml", "http://example.org/feed.xml"),
        ("http://example.org:80/feed.xml", "http://example.org/feed.xml"),
        ("https://example.org:443/feed.xml", "https://example.org/feed.xml"),
        ("http://example.org/feed.xml#latest", "http://example.org/feed.xml"),
        ("http://example.org", "http://example.org/"),
        ("http://example.org?q=1", "http://example.org/?q=1"),
        ("http://User@Example.org:80/f", "http://User@example.org/f"),
        ("http://[::1]:80/f", "http://[::1]/f"),
        ("HTTP://127.0.0.1:8080/f", "http://127.0.0.1:8080/f"),
        ("http://Example.org:8080", "http://example.org:8080/"),
        // libcurl reads the port as a number: `:080` asks port 80 (its Host header says `:80`).
        ("http://example.org:080/f", "http://example.org/f"),
        ("https://example.org:0443/f", "https://example.org/f"),
        ("https://example.org:/f", "https://example.org/f"),
        ("https://example.org/f?", "https://example.org/f"),
        ("https://example.org/f?#top", "https://example.org/f"),
        ("http://User@Example.org:/f", "http://User@example.org/f"),
        ("http://example.org:08080/f", "http://example.org:8080/f"),
        ("https://example.org./f", "https://example.org/f"),
        ("https://exa%6Dple.org/f", "https://example.org/f"),
        ("https://example.org/a/./b/../f?x=/../y", "https://example.org/a/f?x=/../y"),
        ("https://example.org/a/..", "https://example.org/"),
    ])
    func spellingsOfOneFeedCompareEqual(written: String, same: String) {
        #expect(URLIdentity.key(written) == URLIdentity.key(same))
    }

    @Test(arguments: [
        ("http://example.org/Feed.xml", "http://example.org/feed.xml"),
        ("https://example.org/feed.xml", "http://example.org/feed.xml"),
        ("http://example.org:8080/feed.xml", "http://example.org/feed.xml"),
        ("https://example.org:80/feed.xml", "https://example.org/feed.xml"),
        ("http://example.org/feed.xml?a=1", "http://example.org/feed.xml?a=2"),
        ("http://127.0.0.1:8080/f", "http://127.0.0.1:8081/f"),
        // libcurl sends `%2e%2e` as written, not as `..`.
        ("https://example.org/a/%2e%2e/f", "https://example.org/f"),
    ])
    func differentFeedsStayDifferent(one: String, other: String) {
        #expect(URLIdentity.key(one) != URLIdentity.key(other))
    }

    /// The byte scan that skips the general case must never skip a URL the general case changes.
    @Test(arguments: [
        "http://example.org/f", "http://example.org:80/f", "https://example.org:80/f", "http://example.org:443/f",
        "https://example.org:443/f", "http://example.org:8080/f", "http://example.org:080/f", "http://example.org:/f",
        "http://example.org:8o/f", "http://example.org:123456/f", "http://u:p@example.org:8080/f",
        "http://[::1]:8080/f", "http://example.org:8080?x=1", "http://example.org:8080/f#x", "ftp://example.org:21/f",
        "http://EXAMPLE.org:8080/f", "Http://example.org:80/f", "http://example.org:8080/F?Q#",
        "http://example.org:0/f", "http://example.org./f", "http://example.org.:8080/f", "http://ex%41mple.org/f",
        "http://example.org/./f", "http://example.org/a/../f", "http://example.org/.well-known/f", "http://example.org/a/..",
    ])
    func theFastPathAgreesWithTheGeneralCase(url: String) {
        #expect(URLIdentity.key(url) == URLIdentity.normalized(url))
    }
}
