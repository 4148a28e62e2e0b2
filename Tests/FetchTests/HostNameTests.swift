@testable import Fetch
import Testing

/// The politeness key of a URL: its host, lower-cased, without user info or port.
@Suite struct HostNameTests {
    @Test(arguments: [
        ("http://Example.COM/feed", "example.com"),
        ("https://user:secret@Host.Example:8443/x?y=1", "host.example"),
        ("http://a@b@Last.example/", "last.example"),
        ("http://[::1]:8080/feed", "[::1]"),
        ("http://[FE80::1]/feed", "[fe80::1]"),
        ("http://127.0.0.1:45383/feeds/00001.xml", "127.0.0.1"),
        ("http://host?query", "host"),
        ("http://host#fragment", "host"),
        ("http://host", "host"),
        ("https://BÜCHER.example/feed", "bücher.example"),
        ("file:///var/feeds/a.xml", ""),
        ("not a url", ""),
        ("", ""),
    ])
    func isTheLowerCasedHost(url: String, host: String) {
        #expect(HostName.of(url) == host)
    }
}
