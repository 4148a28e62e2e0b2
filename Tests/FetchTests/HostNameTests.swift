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

    /// The politeness key: the host, with the port when it is not the scheme's default.
    @Test(arguments: [
        ("http://Example.COM/feed", "example.com"),
        ("http://example.com:80/feed", "example.com"),
        ("https://example.com:443/feed", "example.com"),
        ("https://example.com:80/feed", "example.com:80"),
        ("http://example.com:0080/feed", "example.com"),
        ("https://user:pa:ss@Host.Example:8443/x?y=1", "host.example:8443"),
        ("http://[::1]:8080/feed", "[::1]:8080"),
        ("http://[::1]/feed", "[::1]"),
        ("http://127.0.0.1:45383/feeds/00001.xml", "127.0.0.1:45383"),
        ("http://host:/feed", "host"),
        ("http://host:99999999/feed", "host"),
        ("http://host?a:1", "host"),
        ("file:///var/feeds/a.xml", ""),
    ])
    func theServerIsTheHostAndAPortOtherThanTheDefault(url: String, server: String) {
        #expect(HostName.server(of: url) == server)
    }
}
