import CrawlerTestKit
import Foundation
import Testing

/// Feeds over HTTPS from Debian's nginx on 127.0.0.1, with a CA and certificate the test makes,
/// fetched by the real binary: HTTP/2 with one connection per host, a private CA trusted through
/// `ca_file:`, an untrusted certificate named in a clear error, HTTP/1.1-only and TLS 1.2/1.3 servers.
@Suite(.serialized) struct HTTPSTests {
    let folder = TemporaryFolder()

    static func channel(_ name: String) -> String {
        """
        <rss version="2.0"><channel><title>\(name)</title><link>https://example.org/</link>
        <item><title>\(name) item</title><guid>\(name)</guid><description>the body of \(name)</description></item>
        </channel></rss>
        """
    }

    /// An nginx serving `/NAME.xml` for each name.
    private func nginx(_ options: NginxServer.Options = .init(), serving names: [String]) throws -> NginxServer {
        let server = try NginxServer(options)
        for name in names { try server.serve(Self.channel(name), at: "/\(name).xml") }
        return server
    }

    private func crawl(_ text: String) throws -> (CrawlerProcess.Run, [String]) {
        try folder.write("store: ./out\nhost_gap: 0s\n" + text, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        return (run, folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) })
    }

    private func feed(_ server: NginxServer, _ name: String, extra: String = "") -> String {
        "  - url: \(server.url("/\(name).xml"))\n    name: \(name)\n" + extra
    }

    @Test func feedsOfOneHostAreFetchedOverHTTP2OnOneConnection() throws {
        let names = ["one", "two", "three"]
        let server = try nginx(serving: names)
        let (run, stored) = try crawl("ca_file: \(server.certificates.caFile)\nfeeds:\n"
                                          + names.map { feed(server, $0) }.joined())
        #expect(run.status == 0, "\(run.stderr)")
        for name in names { #expect(stored.contains { $0.contains("the body of \(name)") }, "\(name): \(run.stderr)") }
        let log = server.accessLog
        #expect(log.count == 3)
        #expect(log.allSatisfy { $0.serverProtocol == "HTTP/2.0" && $0.status == 200 }, "\(log)")
        #expect(Set(log.map(\.connection)).count == 1, "one connection for the host: \(log)")
        #expect(log.map(\.connectionRequests).sorted() == [1, 2, 3], "\(log)")
    }

    /// The untrusted feed's CA is another one: its failure says why and names the feed, the feed
    /// whose own `ca_file:` names its CA is stored.
    @Test func anUntrustedCertificateIsAClearErrorNamingTheFeed() throws {
        let trusted = try nginx(serving: ["trusted"])
        let untrusted = try nginx(serving: ["untrusted"])
        let (run, stored) = try crawl("feeds:\n" + feed(trusted, "trusted", extra: "    ca_file: \(trusted.certificates.caFile)\n")
                                          + feed(untrusted, "untrusted"))
        #expect(run.status == 1)
        #expect(stored.contains { $0.contains("the body of trusted") }, "\(run.stderr)")
        #expect(!stored.contains { $0.contains("the body of untrusted") })
        let line = run.stderr.split(separator: "\n").map { LogLine(String($0)) }
            .first { $0["event"] == "fetch" && $0["feed"] == "untrusted" }
        let error = line?["error"] ?? ""
        #expect(error.contains(untrusted.url("/untrusted.xml")), "\(run.stderr)")
        #expect(error.contains("certificate is not trusted"), "\(error)")
        #expect(error.contains("ca_file"), "\(error)")
        #expect(untrusted.accessLog.isEmpty, "no request reaches a server whose certificate failed")
    }

    /// A certificate for another host name read as "not trusted; name the CA in ca_file:" when
    /// `ca_file:` was right (round 29): it says the name is wrong.
    @Test func aCertificateForAnotherNameSaysSo() throws {
        let server = try nginx(serving: ["named", "elsewhere"])
        // libcurl resolves any name under localhost to 127.0.0.1; the certificate names localhost only.
        let other = server.url("/elsewhere.xml").replacingOccurrences(of: "127.0.0.1", with: "other.localhost")
        let (run, stored) = try crawl("ca_file: \(server.certificates.caFile)\nallow_private_networks: true\nfeeds:\n"
                                          + feed(server, "named") + "  - url: \(other)\n    name: elsewhere\n")
        #expect(stored.contains { $0.contains("the body of named") }, "\(run.stderr)")
        let errors = Dictionary(run.stderr.split(separator: "\n").map { LogLine(String($0)) }
            .filter { $0["event"] == "fetch" }.compactMap { line in line["feed"].map { ($0, line["error"] ?? "") } },
                                uniquingKeysWith: { first, _ in first })
        #expect(errors["elsewhere"]?.contains("certificate is for another host name") == true, "\(errors)")
    }

    /// An expired or not yet valid certificate, and a plain port asked for TLS, each read as
    /// "not trusted; name the CA in ca_file:" (or OpenSSL's "wrong version number"), sending an
    /// operator whose `ca_file:` was right to look at it.
    @Test func anExpiredOrNotYetValidCertificateAndAPlainPortSaySo() throws {
        let certificates = TemporaryFolder(prefix: "crawler-certs")
        let expired = try NginxServer(certificates: TestCertificates(in: certificates.path, name: "expired",
                                                                     validity: ("20200101000000Z", "20200102000000Z")))
        let early = try NginxServer(certificates: TestCertificates(in: certificates.path, name: "early",
                                                                   validity: ("20900101000000Z", "20910101000000Z")))
        let plain = try NginxServer(.init(plainListener: true))
        for server in [expired, early, plain] { try server.serve(Self.channel("x"), at: "/x.xml") }
        let plainAsTLS = "https://127.0.0.1:\(plain.plainPort ?? 0)/x.xml"
        let (run, stored) = try crawl("""
            feeds:
              - url: \(expired.url("/x.xml"))
                name: expired
                ca_file: \(expired.certificates.caFile)
              - url: \(early.url("/x.xml"))
                name: early
                ca_file: \(early.certificates.caFile)
              - url: \(plainAsTLS)
                name: plain
              - url: \(plain.url("/x.xml"))
                name: healthy
                ca_file: \(plain.certificates.caFile)

            """)
        #expect(stored.count == 1, "the healthy feed alone: \(run.stderr)")
        let errors = Dictionary(run.stderr.split(separator: "\n").map { LogLine(String($0)) }
            .filter { $0["event"] == "fetch" }.compactMap { line in line["feed"].map { ($0, line["error"] ?? "") } },
                                uniquingKeysWith: { first, _ in first })
        #expect(errors["expired"]?.contains("certificate has expired") == true, "\(errors)")
        #expect(errors["early"]?.contains("certificate is not valid yet") == true, "\(errors)")
        #expect(errors["plain"]?.contains("did not answer in TLS") == true, "\(errors)")
        #expect(!errors.values.contains { $0.contains("ca_file") }, "\(errors)")
    }

    @Test func aServerWithoutHTTP2IsFetchedOverHTTP11() throws {
        let server = try nginx(.init(http2: false), serving: ["old", "older"])
        let (run, stored) = try crawl("ca_file: \(server.certificates.caFile)\nfeeds:\n"
                                          + feed(server, "old") + feed(server, "older"))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(stored.count == 2, "\(run.stderr)")
        #expect(server.accessLog.map(\.serverProtocol) == ["HTTP/1.1", "HTTP/1.1"], "\(server.accessLog)")
    }

    @Test(arguments: ["TLSv1.2", "TLSv1.3"])
    func aServerSpeakingOneTLSVersionIsFetched(version: String) throws {
        let server = try nginx(.init(tlsProtocols: version), serving: ["only"])
        let (run, stored) = try crawl("ca_file: \(server.certificates.caFile)\nfeeds:\n" + feed(server, "only"))
        #expect(run.status == 0, "\(run.stderr)")
        #expect(stored.contains { $0.contains("the body of only") })
        #expect(server.accessLog.map(\.tlsProtocol) == [version], "\(server.accessLog)")
    }

    /// Round 52: a TLS 1.0-only server failed with OpenSSL's own words (`error:0A00014D:SSL
    /// routines::legacy sigalg disallowed or unsupported`), and one that takes the connection and
    /// never answers the handshake with `SSL connection timeout`. Each says what the server does.
    @Test func anObsoleteOrSilentTLSServerIsNamedForWhatItDoes() throws {
        var obsolete = NginxServer.Options(tlsProtocols: "TLSv1")
        obsolete.ciphers = "DEFAULT:@SECLEVEL=0"
        let old = try nginx(obsolete, serving: ["old"])
        let healthy = try nginx(serving: ["healthy"])
        let silent = try LoopbackHTTPServer { _ in ServedResponse(text: "never", delay: 30) }
        defer { silent.stop() }
        let (run, stored) = try crawl("connect_timeout: 2s\nfeeds:\n"
                                          + feed(old, "old", extra: "    ca_file: \(old.certificates.caFile)\n")
                                          + feed(healthy, "healthy", extra: "    ca_file: \(healthy.certificates.caFile)\n")
                                          + "  - url: https://127.0.0.1:\(silent.port)/silent.xml\n    name: silent\n")
        #expect(stored.contains { $0.contains("the body of healthy") }, "\(run.stderr)")
        let lines = run.stderr.split(separator: "\n").map { LogLine(String($0)) }
        func error(_ feed: String) -> String { lines.first { $0["event"] == "fetch" && $0["feed"] == feed }?["error"] ?? "" }
        #expect(error("old").contains("TLS: the server offers only an obsolete TLS version"), "\(error("old"))")
        #expect(error("silent").contains("TLS: the server took the connection and did not complete the TLS handshake"),
                "\(error("silent"))")
    }

    /// A missing CA file is a mistake in feeds.yaml, reported with its line before anything is fetched.
    @Test func anUnreadableCAFileIsAConfigurationError() throws {
        try folder.write("store: ./out\nfeeds:\n  - url: https://127.0.0.1:1/feed.xml\n    ca_file: certs/missing.pem\n",
                         to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 2)
        // At its own line, with the reason (round 58: at the feed's `- url:` line, and no reason).
        #expect(run.stderr.contains("feeds.yaml:4") && run.stderr.contains("feeds[0].ca_file"), "\(run.stderr)")
        #expect(run.stderr.contains("cannot read the CA file \(folder.path)/certs/missing.pem (a PEM file of certificate "
                                    + "authorities): No such file or directory"), "\(run.stderr)")
        // Round 58: a global one was blamed on `feeds[0].ca_file`, at the first feed's line.
        try folder.write("store: ./out\nca_file: certs/missing.pem\nfeeds:\n  - url: https://127.0.0.1:1/feed.xml\n",
                         to: "feeds.yaml")
        let global = try CrawlerProcess.run(["check"], in: folder.path)
        #expect(global.status == 2 && global.stderr.contains("feeds.yaml:2: ca_file: cannot read the CA file"), "\(global.stderr)")
        // And a template: named at its line, with the reason.
        try folder.write("store: ./out\noutput: template\ntemplate: nope.mustache\nfeeds: []\n", to: "feeds.yaml")
        let template = try CrawlerProcess.run(["check"], in: folder.path)
        #expect(template.status == 2 && template.stderr.contains(
            "feeds.yaml:3: template: cannot read the template \(folder.path)/nope.mustache: No such file or directory"),
                "\(template.stderr)")
    }

    /// Round 52: a CA file that is a FIFO (or on a hung mount) blocked the fetch thread when
    /// libcurl opened it: the daemon stopped fetching every feed, said nothing, ignored SIGTERM and
    /// kept feeding the watchdog; one of 45 MB cost every other feed 10 s per new connection; a
    /// directory or a file of garbage passed `check`. Each is refused with feeds.yaml's other
    /// mistakes, naming the file, before anything is fetched.
    @Test func aCAFileThatIsNoPEMFileIsAConfigurationError() throws {
        try FileManager.default.createDirectory(atPath: folder.path + "/certs/folder.pem", withIntermediateDirectories: true)
        #expect(mkfifo(folder.path + "/certs/fifo.pem", 0o644) == 0)
        try folder.write("not a certificate\n", to: "certs/garbage.pem")
        let block = "-----BEGIN CERTIFICATE-----\n" + String(repeating: "QUFB", count: 16) + "\n-----END CERTIFICATE-----\n"
        try folder.write(String(repeating: block, count: 60_000), to: "certs/huge.pem")
        let cases = ["fifo.pem": "is not a regular file", "folder.pem": "is not a regular file",
                     "garbage.pem": "holds no PEM certificate", "huge.pem": "past 4 MB"]
        for (file, reason) in cases {
            try folder.write("store: ./out\nfeeds:\n  - url: https://127.0.0.1:1/feed.xml\n    ca_file: certs/\(file)\n",
                             to: "feeds.yaml")
            // `once` is not run on the FIFO: a crawler that opened it would wait for a writer for good.
            for command in file == "fifo.pem" ? [["check"]] : [["check"], ["once"]] {
                let run = try CrawlerProcess.run(command, in: folder.path)
                #expect(run.status == 2, "\(command) \(file): \(run.stderr)")
                #expect(run.stderr.contains("feeds[0].ca_file") && run.stderr.contains("certs/\(file)")
                        && run.stderr.contains(reason), "\(command) \(file): \(run.stderr)")
            }
        }
    }
}
