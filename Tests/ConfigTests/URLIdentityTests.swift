import Config
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
    ])
    func differentFeedsStayDifferent(one: String, other: String) {
        #expect(URLIdentity.key(one) != URLIdentity.key(other))
    }
}
