@testable import FeedModel
import Testing

@Suite struct NetworkAccessTests {
    /// Every spelling libcurl and inet_aton accept for an address, and some they refuse.
    @Test(arguments: [
        ("127.0.0.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"), ("127.1", "127.0.0.1"), ("0x7F000001", "127.0.0.1"), ("127.0.0.1.", "127.0.0.1"),
        ("10.0.258", "10.0.1.2"), ("0", "0.0.0.0"), ("0xa9fea9fe", "169.254.169.254"),
        ("[::1]", "::1"), ("::1", "::1"), ("[::ffff:127.0.0.1]", "::ffff:7f00:1"), ("fe80::1%eth0", "fe80::1"),
        ("2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("::", "::"), ("1::", "1::"),
        ("64:ff9b::10.0.0.1", "64:ff9b::a00:1"),
    ])
    func readsAnAddressLiteral(text: String, expected: String) {
        #expect(IPAddress(literal: text)?.description == expected)
    }

    @Test(arguments: ["example.org", "localhost", "256.0.0.1", "1.2.3.4.5", "08.0.0.1", "0x", "1.2.3.0x100",
                      "4294967296", "1..2", "::1::", "1:2:3:4:5:6:7:8:9", "[::1", "12345::", "::1.2.3", "", "1.2.3.-4"])
    func refusesWhatIsNotAnAddress(text: String) {
        #expect(IPAddress(literal: text) == nil)
    }

    @Test(arguments: [
        ("0.0.0.0", SpecialAddress.unspecified), ("0.1.2.3", .unspecified), ("10.20.30.40", .privateNetwork),
        ("100.64.0.1", .sharedNAT), ("100.127.255.255", .sharedNAT), ("127.0.0.2", .loopback),
        ("127.255.255.254", .loopback), ("169.254.169.254", .linkLocal), ("172.16.0.1", .privateNetwork),
        ("172.31.255.255", .privateNetwork), ("192.0.0.8", .reserved), ("192.0.2.1", .documentation),
        ("192.168.1.1", .privateNetwork), ("198.18.0.1", .benchmarking), ("198.19.255.255", .benchmarking),
        ("224.0.0.1", .multicast), ("239.255.255.250", .multicast), ("240.0.0.1", .reserved),
        ("255.255.255.255", .broadcast),
        ("::", .unspecified), ("::1", .loopback), ("::ffff:127.0.0.1", .loopback), ("::ffff:10.1.2.3", .privateNetwork),
        ("::ffff:169.254.169.254", .linkLocal), ("64:ff9b::192.168.0.1", .privateNetwork),
        ("64:ff9b:1::1", .privateNetwork), ("2002:7f00:1::", .loopback), ("2001:0:0:0:0:0:80ff:fffe", .loopback),
        ("::127.0.0.1", .reserved), ("fc00::1", .uniqueLocal), ("fdff::1", .uniqueLocal), ("fe80::1", .linkLocal),
        ("febf::1", .linkLocal), ("fec0::1", .siteLocal), ("ff02::1", .multicast), ("2001:db8::1", .documentation),
        ("100::1", .reserved),
    ])
    func classifiesASpecialAddress(text: String, expected: SpecialAddress) throws {
        let address = try #require(IPAddress(literal: text))
        #expect(SpecialAddress.range(of: address) == expected)
    }

    @Test(arguments: ["8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0",
                      "169.253.255.255", "192.167.255.255", "198.17.255.255", "198.20.0.0", "223.255.255.255",
                      "11.0.0.0", "126.255.255.255", "128.0.0.0",
                      "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:808:808::", "fbff::1",
                      "fe7f::1"])
    func aPublicAddressIsNotSpecial(text: String) throws {
        let address = try #require(IPAddress(literal: text))
        #expect(SpecialAddress.range(of: address) == nil)
    }

    @Test func theOperatorsOwnAddressAndPortAreTrustedAndNothingElse() throws {
        let access = NetworkAccess.operatorURL("http://127.0.0.1:8080/feed.xml", allowsPrivateNetworks: false)
        let loopback = try #require(IPAddress(literal: "127.0.0.1"))
        #expect(access.refusal(address: loopback, port: 8080) == nil)
        #expect(access.refusal(address: loopback, port: 6379) == .loopback)
        #expect(access.refusal(address: try #require(IPAddress(literal: "127.0.0.2")), port: 8080) == .loopback)
        #expect(access.refusal(address: try #require(IPAddress(literal: "93.184.216.34")), port: 25) == nil)
        #expect(access.allowsFiles)
    }

    @Test func localhostTrustsBothLoopbackAddressesAndAHostNameTrustsNone() throws {
        let local = NetworkAccess.operatorURL("https://localhost/feed", allowsPrivateNetworks: false)
        #expect(local.trustedEndpoints.map { "\($0.address):\($0.port)" } == ["127.0.0.1:443", "::1:443"])
        let named = NetworkAccess.operatorURL("http://feeds.localhost:80/", allowsPrivateNetworks: false)
        #expect(named.trustedEndpoints.isEmpty)
        let decimal = NetworkAccess.operatorURL("http://user:pw@2130706433:81/", allowsPrivateNetworks: false)
        #expect(decimal.trustedEndpoints.map { "\($0.address):\($0.port)" } == ["127.0.0.1:81"])
        let ipv6 = NetworkAccess.operatorURL("http://[::1]:9/", allowsPrivateNetworks: false)
        #expect(ipv6.trustedEndpoints.map { "\($0.address):\($0.port)" } == ["::1:9"])
    }

    @Test func theAllowanceAllowsEveryAddressAndADiscoveredURLTrustsNothing() throws {
        let metadata = try #require(IPAddress(literal: "169.254.169.254"))
        #expect(NetworkAccess.discovered(allowsPrivateNetworks: true, hint: "").refusal(address: metadata, port: 80) == nil)
        let discovered = NetworkAccess.discovered(allowsPrivateNetworks: false, hint: "pass --x")
        #expect(discovered.refusal(address: metadata, port: 80) == .linkLocal)
        #expect(!discovered.allowsFiles)
        let onThePage = NetworkAccess.discovered(from: "http://127.0.0.1:8080/blog/", allowsPrivateNetworks: false, hint: "")
        #expect(onThePage.refusal(address: try #require(IPAddress(literal: "127.0.0.1")), port: 8080) == nil)
        #expect(onThePage.refusal(address: try #require(IPAddress(literal: "127.0.0.2")), port: 8080) == .loopback)
        #expect(!onThePage.allowsFiles)
        #expect(discovered.refusalMessage(url: "http://169.254.169.254/", address: metadata, range: .linkLocal)
            == "refused: http://169.254.169.254/ resolves to 169.254.169.254, a private address (link-local; pass --x)")
    }

    @Test func readsTheAuthorityOfAURL() {
        #expect(URLAuthority("http://example.org/feed").map { "\($0.host) \($0.port)" } == "example.org 80")
        #expect(URLAuthority("HTTPS://a:b@Example.org:8443?x").map { "\($0.scheme) \($0.host) \($0.port)" }
            == "https Example.org 8443")
        #expect(URLAuthority("http://[::1]:8080/").map { "\($0.host) \($0.port)" } == "[::1] 8080")
        #expect(URLAuthority("http://[::1]/").map { "\($0.host) \($0.port)" } == "[::1] 80")
        #expect(URLAuthority("http://[fe80::1%25eth0]:81/").map { "\($0.host) \($0.port)" } == "[fe80::1%25eth0] 81")
        #expect(URLAuthority("http://[::ffff:127.0.0.1]/").map(\.host) == "[::ffff:127.0.0.1]")
        // Round 66: an IPv6 literal never closed, or not one at all, passed `check`.
        for broken in ["http://u:pw@[zz/x", "http://[zz]/", "http://[]/", "http://[::1]x/", "http://[::1/"] {
            #expect(URLAuthority(broken) == nil, "\(broken)")
        }
        #expect(URLAuthority("ftp://example.org/") == nil)
        #expect(URLAuthority("http://example.org:99999/") == nil)
        #expect(URLAuthority.isWeb("https://example.org/feed"))
        #expect(!URLAuthority.isWeb("file:///etc/passwd"))
        #expect(!URLAuthority.isWeb("javascript:alert(1)"))
        #expect(!URLAuthority.isWeb("http:///nohost"))
    }
}
