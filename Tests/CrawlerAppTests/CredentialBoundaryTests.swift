@testable import CrawlerApp
import CrawlerTestKit
import FeedModel
import Foundation
import Synchronization
import Testing

/// A feed's credentials, cookies and headers reach its own server only, whatever a server or a
/// feed's author does: a permanent redirect adopted for good, an item link that libcurl and a
/// browser read differently, a line break in a link sent as a Referer, a password in the feed's
/// URL. Through the real binary; two servers on loopback are two origins (their ports differ),
/// and a healthy feed beside each hostile one must be stored.
@Suite struct CredentialBoundaryTests {
    let folder = TemporaryFolder()
    let home: LoopbackHTTPServer
    let elsewhere: LoopbackHTTPServer

    static func channel(_ name: String, items: String = "") -> String {
        """
        <rss version="2.0"><channel><title>\(name)</title><link>https://example.org/</link>
        <item><title>\(name) item</title><guid>\(name)</guid><description>the body of \(name)</description></item>
        \(items)</channel></rss>
        """
    }

    init() throws {
        let homePort = Mutex(0)
        let other = try LoopbackHTTPServer { request in
            if request.path.hasSuffix(".png") { return ServedResponse(status: 403, text: "") }
            if request.path == "/bounce.xml" {
                return ServedResponse(status: 302, headers: [("Location", "http://127.0.0.1:\(homePort.withLock { $0 })/back.xml")])
            }
            if request.path.hasPrefix("/d"), let hop = Int(request.path.dropFirst(2).prefix { $0 != "." }), hop < 6 {
                return ServedResponse(status: 302, headers: [("Location", "/d\(hop + 1).xml")])
            }
            return ServedResponse(text: Self.channel("elsewhere"))
        }
        elsewhere = other
        home = try LoopbackHTTPServer { request in
            switch request.path {
            case "/moved.xml": return ServedResponse(status: 308, headers: [("Location", other.url("/moved.xml"))])
            case "/old.xml": return ServedResponse(status: 301, headers: [("Location", "/new.xml")])
            case "/hop.xml": return ServedResponse(status: 302, headers: [("Location", other.url("/away.xml"))])
            case "/same.xml": return ServedResponse(status: 301, headers: [("Location", "/same-target.xml")])
            case "/loop.xml": return ServedResponse(status: 302, headers: [("Location", "/loop.xml")])
            case "/chain.xml": return ServedResponse(status: 302, headers: [("Location", other.url("/d1.xml"))])
            case "/start.xml": return ServedResponse(status: 302, headers: [("Location", other.url("/bounce.xml"))])
            case "/back.xml" where request.headers["x-api-key"] != "BACK-KEY": return ServedResponse(status: 401, text: "")
            case "/slow1.xml", "/slow2.xml", "/slow3.xml":
                let next = Int(request.path.dropFirst(5).prefix(1))! + 1
                return ServedResponse(status: 302, headers: [("Location", "/slow\(next).xml")], delay: 0.8)
            default:
                let name = String(request.path.dropFirst().prefix { $0 != "." })
                return ServedResponse(text: Self.channel(name, items: Self.extraItems[name] ?? ""))
            }
        }
        homePort.withLock { $0 = home.port }
    }

    static let extraItems: [String: String] = [
        "new": "<item><title>relative</title><guid>rel</guid><link>rel-page</link>"
            + "<description><![CDATA[<p>see <img src=\"pic.png\"></p>]]></description></item>",
    ]

    private func crawl(_ yaml: String) throws -> CrawlerProcess.Run {
        try folder.write("store: ./out\nhost_gap: 0s\nadopt_redirect_after: 2\n" + yaml, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        let stored = folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }
        #expect(stored.contains { $0.contains("the body of healthy") }, "the healthy feed was not stored: \(run.stderr)")
        return run
    }

    /// A server answering every request with the folder's file `name` as it is then.
    private func serving(_ name: String) throws -> LoopbackHTTPServer {
        // The path alone: a server holding the folder would keep it on disk after the test.
        try LoopbackHTTPServer { [path = folder.file(name)] _ in
            ServedResponse(text: (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
        }
    }

    private var healthy: String { "  - url: \(home.url("/healthy.xml"))\n    name: healthy\n" }

    private func storeBytes() -> [UInt8] {
        ["out/index.sqlite", "out/index.sqlite-wal"].flatMap { name in
            FileManager.default.contents(atPath: folder.file(name)).map { [UInt8]($0) } ?? []
        }
    }

    /// A feed that moved for good (308) to another origin was fetched there directly once the
    /// redirect was adopted, with its password, cookie and API key: libcurl drops them on each
    /// redirect, but nothing stood in the way of a request made to the new origin itself.
    @Test func aFeedsSecretsNeverGoToTheOriginItWasRedirectedTo() throws {
        let yaml = """
            feeds:
              - url: \(home.url("/moved.xml"))
                name: moved
                allow_private_networks: true
                basic_auth: {username: bob, password: BASIC-SECRET}
                cookies: "session=COOKIE-SECRET"
                headers: {X-Api-Key: KEY-SECRET, Referer: "https://intranet.example/?token=REFTOKEN"}

            """ + healthy
        var runs: [CrawlerProcess.Run] = []
        for _ in 0..<3 { runs.append(try crawl(yaml)) }
        let leaked = elsewhere.requests.filter { request in
            ["authorization", "cookie", "x-api-key"].contains { request.headers[$0] != nil }
        }
        #expect(leaked.isEmpty, "\(leaked.map(\.headers))")
        // The operator's own Referer (which may carry a token) stays home too.
        #expect(!elsewhere.requests.contains { $0.headers["referer"]?.contains("REFTOKEN") == true })
        #expect(home.requests.filter { $0.path == "/moved.xml" }.count == 3)
        #expect(runs[1].stderr.contains("event=redirect_not_adopted"), "\(runs[1].stderr)")
        #expect(!runs.contains { $0.stderr.contains("event=redirect_adopted") })
    }

    /// libcurl, following a redirect, sends a request's own headers to whatever host the server
    /// names (it drops only credentials and cookies): a feed's API key went to the other origin on
    /// every fetch. The engine follows such a feed's redirects itself, and what is the feed's
    /// stays on its origin; the feed itself is still followed and stored.
    @Test func aFeedsHeadersStayOnItsOriginThroughRedirects() throws {
        let run = try crawl("""
            feeds:
              - url: \(home.url("/hop.xml"))
                name: hop
                allow_private_networks: true
                headers: {X-Api-Key: HOP-KEY}
                cookies: "session=HOP-COOKIE"
                basic_auth: {username: bob, password: HOP-PASSWORD}
              - url: \(home.url("/same.xml"))
                name: same
                headers: {X-Api-Key: SAME-KEY}
              - url: \(home.url("/loop.xml"))
                name: loop
                headers: {X-Api-Key: LOOP-KEY}

            """ + healthy)
        let away = try #require(elsewhere.requests.first { $0.path == "/away.xml" })
        #expect(away.headers["x-api-key"] == nil && away.headers["cookie"] == nil && away.headers["authorization"] == nil,
                "\(away.headers)")
        #expect(home.requests.first { $0.path == "/hop.xml" }?.headers["x-api-key"] == "HOP-KEY")
        #expect(home.requests.first { $0.path == "/same-target.xml" }?.headers["x-api-key"] == "SAME-KEY")
        let stored = folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }.joined()
        #expect(stored.contains("the body of elsewhere") && stored.contains("the body of same-target"))
        #expect(run.stdout.contains("redirect loop: \(home.url("/loop.xml")) → \(home.url("/loop.xml"))"), "\(run.stdout)")
        // Stopped at the first repeat (it went round to max_redirects, six requests).
        #expect(home.requests.filter { $0.path == "/loop.xml" }.count == 1)
    }

    /// Each hop the engine followed got a fresh `timeout` and, once the secrets were left behind,
    /// libcurl followed the rest with a fresh `max_redirects`: 3 slow hops outlived a 2 s timeout,
    /// and 6 redirects passed a limit of 5. A chain that came back to the feed's origin went
    /// without the feed's key there (401): the feed's own origin decides, not the last hop's.
    @Test func aRedirectChainIsOneTransferAndComesHomeWithItsSecrets() throws {
        let run = try crawl("""
            timeout: 2s
            feeds:
              - url: \(home.url("/slow1.xml"))
                name: slow
                headers: {X-Api-Key: SLOW-KEY}
              - url: \(home.url("/chain.xml"))
                name: chain
                allow_private_networks: true
                headers: {X-Api-Key: CHAIN-KEY}
              - url: \(home.url("/start.xml"))
                name: back
                allow_private_networks: true
                headers: {X-Api-Key: BACK-KEY}

            """ + healthy)
        let lines = run.stdout.split(separator: "\n")
        // libcurl's own message named the last hop's time alone ("after 999 milliseconds").
        #expect(lines.contains { $0.contains("slow") && $0.contains("timed out after 2") && $0.contains("redirects included") },
                "\(run.stdout)")
        #expect(lines.contains { $0.contains("chain") && $0.contains("more than 5 redirects (max_redirects: 5)") }, "\(run.stdout)")
        #expect(!elsewhere.requests.contains { $0.path == "/d6.xml" })
        #expect(home.requests.last { $0.path == "/back.xml" }?.headers["x-api-key"] == "BACK-KEY")
        #expect(!elsewhere.requests.contains { $0.headers["x-api-key"] != nil })
        #expect(folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }.joined().contains("the body of back"))
    }

    /// The password in a feed's URL went wherever the URL went: into the index with an adopted
    /// redirect (and a new password in feeds.yaml was then never used), into published documents
    /// through relative links resolved against it, and into Referer headers.
    @Test func aPasswordInTheFeedURLStaysInFeedsYAML() throws {
        func yaml(_ password: String) -> String {
            "feeds:\n  - url: \(home.url("/old.xml").replacingOccurrences(of: "://", with: "://alice:\(password)@"))\n"
                + "    name: private\n" + healthy
        }
        for _ in 0..<3 { _ = try crawl(yaml("PW-ONE")) }
        let stored = folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }.joined()
        #expect(stored.contains("127.0.0.1:\(home.port)/pic.png"), "\(stored)")
        #expect(!stored.contains("PW-ONE"), "\(stored)")
        #expect(!String(decoding: storeBytes(), as: UTF8.self).contains("PW-ONE"))
        _ = try crawl(yaml("PW-TWO"))
        let last = try #require(home.requests.last { $0.path == "/new.xml" })
        #expect(last.headers["authorization"] == "Basic " + Data("alice:PW-TWO".utf8).base64EncodedString())
        #expect(home.requests.filter { $0.path == "/old.xml" }.count == 2, "the redirect was not adopted")
    }

    /// `http://home\@elsewhere/` is a page on `home` to a browser (and to the check that decides
    /// whether the feed's headers go with the request) and a request to `elsewhere` to libcurl:
    /// the feed's API key went to whoever wrote the item.
    @Test func anItemLinkReadTwoWaysGetsNoneOfTheFeedsHeaders() throws {
        let served = try serving("tricky.xml")
        // The feed's own host, as far as anything reading up to the backslash can tell.
        let tricky = "http://127.0.0.1:\(served.port)\\@127.0.0.1:\(elsewhere.port)/page"
        try folder.write(Self.channel("tricky", items: "<item><title>t</title><guid>t</guid><link>\(tricky)</link></item>"),
                         to: "tricky.xml")
        _ = try crawl("""
            feeds:
              - url: \(served.url("/tricky.xml"))
                name: tricky
                allow_private_networks: true
                full_content: true
                headers: {X-Api-Key: FD-KEY-SECRET}

            """ + healthy)
        #expect(!elsewhere.requests.contains { $0.headers["x-api-key"] != nil }, "\(elsewhere.requests.map(\.headers))")
    }

    /// An image refused twice is asked for with the item's link as Referer. A line break in that
    /// link (`&#13;&#10;` in the feed) became a header of the feed author's choosing, and a
    /// second request behind it.
    @Test func aLineBreakInALinkNeverReachesARequest() throws {
        let image = elsewhere.url("/pic.png")
        let items = "<item><title>t</title><guid>crlf</guid>"
            + "<link>\(home.url("/p"))&#13;&#10;X-Injected: yes&#13;&#10;&#13;&#10;GET /smuggled HTTP/1.1</link>"
            + "<description><![CDATA[<img src=\"\(image)\">]]></description></item>"
            + "<item><title>n</title><guid>nel</guid><link>\(home.url("/q"))\u{85}X-Nel: one</link>"
            + "<description><![CDATA[<img src=\"\(elsewhere.url("/pic2.png"))\">]]></description></item>"
        try folder.write(Self.channel("crlf", items: items), to: "crlf.xml")
        let served = try serving("crlf.xml")
        _ = try crawl("""
            feeds:
              - url: \(served.url("/crlf.xml"))
                name: crlf
                allow_private_networks: true
                images: local

            """ + healthy)
        let asked = elsewhere.requests.filter { $0.path.hasSuffix(".png") }
        #expect(asked.count == 6, "\(asked.map(\.headers))")
        // NEL (U+0085) is a line break to some readers: no header value carries one either.
        #expect(!elsewhere.requests.contains { $0.headers.values.contains { $0.unicodeScalars.contains("\u{85}") } })
        #expect(!elsewhere.requests.contains { $0.headers["x-injected"] != nil || $0.path.contains("smuggled") },
                "\(elsewhere.requests.map { ($0.path, $0.headers) })")
    }

    /// A token in the feed's query went wherever a fragment-only item link took it: `#comments`
    /// resolved to the feed's URL, query and all, into the post's `source:` and, as the Referer of
    /// a refused image, to the image's host (fragment included, which no Referer may carry).
    /// Round 29: an Atom entry's `xml:base=""` named the document's URL, query and all.
    @Test(arguments: ["rss", "atom"])
    func aTokenInTheFeedsQueryStaysOutOfPostsAndReferers(dialect: String) throws {
        let image = "<img src=\"\(elsewhere.url("/pic.png"))\">"
        let items = "<item><title>comments</title><guid>c1</guid><link>#comments</link>"
            + "<description><![CDATA[<p>see</p>\(image)]]></description></item>"
        let atom = """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>tokened</title><id>urn:t</id><updated>2026-12-01T00:00:00Z</updated>
            <entry xml:base=""><title>comments</title><id>urn:c1</id><updated>2026-12-01T00:00:00Z</updated>
            <link href="#comments"/><content type="html">&lt;p&gt;see &lt;a href="#more"&gt;more&lt;/a&gt;&lt;/p&gt;\(image.replacingOccurrences(of: "<", with: "&lt;"))</content></entry></feed>
            """
        try folder.write(dialect == "rss" ? Self.channel("tokened", items: items) : atom, to: "tokened.xml")
        let served = try serving("tokened.xml")
        _ = try crawl("""
            output: hugo
            feeds:
              - url: \(served.url("/tokened.xml?token=FEED-TOKEN-SECRET"))
                name: tokened
                allow_private_networks: true
                images: local

            """ + healthy)
        let stored = folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }.joined()
        #expect(stored.contains("source: 'http://127.0.0.1:\(served.port)/tokened.xml#comments'"), "\(stored)")
        #expect(!stored.contains("FEED-TOKEN-SECRET"), "\(stored)")
        let referers = elsewhere.requests.filter { $0.path == "/pic.png" }.compactMap { $0.headers["referer"] }
        #expect(referers.contains("http://127.0.0.1:\(served.port)/tokened.xml"), "\(referers)")
        #expect(!referers.contains { $0.contains("FEED-TOKEN") || $0.contains("#") }, "\(referers)")
    }

    /// An item link of `//` resolved to `http://`, a web link with no host, and went into the
    /// post as `source: 'http://'`, which themes make a link to nowhere. A link without a host is
    /// no link: the post is stored without `source:`.
    @Test func aLinkWithoutAHostIsNoSource() throws {
        let links = ["//", "http://", "https:///path", "http://?q=1", "http://#top"]
        let items = links.enumerated().map { index, link in
            "<item><title>t\(index)</title><guid>g\(index)</guid><link>\(link)</link><description>hostless body \(index)</description></item>"
        }.joined()
        try folder.write(Self.channel("hostless", items: items), to: "hostless.xml")
        let served = try serving("hostless.xml")
        let run = try crawl("""
            output: hugo
            feeds:
              - url: \(served.url("/hostless.xml"))
                name: hostless
                allow_private_networks: true

            """ + healthy)
        #expect(run.status == 0, "\(run.stderr)")
        let stored = folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }
        let posts = stored.filter { $0.contains("hostless body") }
        #expect(posts.count == links.count, "\(stored)")
        #expect(!posts.contains { $0.contains("source:") }, "\(posts)")
    }

    /// A failure's message names the URL once: the transfer's own message starts with it, its
    /// password masked, and the check for that compared the unmasked URL.
    @Test func aFailureNamesAURLWithAPasswordOnce() throws {
        let url = home.url("/loop.xml").replacingOccurrences(of: "://", with: "://alice:PW-LOOP@")
        for arguments in [["parse", url, "--allow-private-networks"], ["add", url, "--allow-private-networks"]] {
            try folder.write("feeds: []\n", to: "feeds.yaml")
            let run = try CrawlerProcess.run(arguments, in: folder.path)
            #expect(run.status != 0)
            let masked = url.replacingOccurrences(of: "PW-LOOP", with: "***")
            #expect(run.stderr.components(separatedBy: masked).count == 2, "\(arguments[0]): \(run.stderr)")
            #expect(!run.stderr.contains("PW-LOOP"))
        }
    }

    /// A private feed's token in its query (`?token=`, `&api_key=`...) was printed, logged and
    /// kept in the index: only `password=` was masked.
    @Test func aTokenInTheQueryIsMasked() throws {
        let url = home.url("/query.xml") + "?token=TOKEN-ONE&api_key=TOKEN-TWO&client_secret=TOKEN-THREE&key=TOKEN-FOUR&page=1"
        let run = try crawl("feeds:\n  - url: \"\(url)\"\n    name: query\n" + healthy)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(home.requests.contains { $0.path.contains("TOKEN-ONE") })
        let status = try CrawlerProcess.run(["status"], in: folder.path)
        let explain = try CrawlerProcess.run(["explain", "query"], in: folder.path)
        for output in [run.stdout, run.stderr, status.stdout, status.stderr, explain.stdout, explain.stderr,
                       String(decoding: storeBytes(), as: UTF8.self)] {
            #expect(!output.contains("TOKEN-"), "\(output)")
        }
    }

    /// `&`, `;` and quotes may stand unencoded in a URL's password, and ended the search for it:
    /// the password was printed, logged and kept in the index.
    @Test func aPasswordWithPunctuationIsMasked() throws {
        let url = home.url("/punct.xml").replacingOccurrences(of: "://", with: "://alice:PW&AMP;SEMI'Q@")
        let run = try crawl("feeds:\n  - url: \"\(url)\"\n    name: punct\n" + healthy)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(home.requests.last { $0.path == "/punct.xml" }?.headers["authorization"] != nil)
        let status = try CrawlerProcess.run(["status"], in: folder.path)
        for output in [run.stdout, run.stderr, status.stdout, status.stderr, String(decoding: storeBytes(), as: UTF8.self)] {
            #expect(!output.contains("AMP;SEMI"), "\(output)")
        }
    }

    /// The README promises that a feed's own value wins: a global Authorization header was sent
    /// instead of the feed's basic_auth, and both Cookie headers went.
    @Test func aFeedsOwnCredentialsWinOverGlobalHeaders() throws {
        let run = try crawl("""
            headers: {Authorization: Bearer GLOBAL-TOKEN, Cookie: g=GLOBAL}
            feeds:
              - url: \(home.url("/own.xml"))
                name: own
                basic_auth: {username: reader, password: OWN}
                cookies: "s=OWN-COOKIE"

            """ + healthy)
        #expect(run.status == 0, "\(run.stderr)")
        let own = try #require(home.requests.last { $0.path == "/own.xml" })
        #expect(own.headers["authorization"] == "Basic " + Data("reader:OWN".utf8).base64EncodedString())
        #expect(own.headers["cookie"] == "s=OWN-COOKIE")
        #expect(home.requests.last { $0.path == "/healthy.xml" }?.headers["authorization"] == "Bearer GLOBAL-TOKEN")
    }

    /// A password holding `#`, `?` or `/` ends the URL's host where libcurl reads it, and what is
    /// left (`reader:Xy7`) is no host: the feed failed on every pass, and since the redaction ended
    /// the host at the same place, the password was printed, logged and kept in the index. The
    /// URL is refused when feeds.yaml is read, without showing the password; so is a header name
    /// that is really a whole header, value and all.
    @Test(arguments: [
        ("  - url: 'https://reader:Xy7#kQ9-PWSECRET@127.0.0.1:9/feed'", "write them as %23, %3F, %2F and %40"),
        ("  - url: 'https://reader:ab/PWSECRET2@127.0.0.1:9/feed'", "write them as %23, %3F, %2F and %40"),
        ("  - url: https://a.example/feed\n    headers: {\"Authorization: Bearer PWSECRET3\": x}", "is not a header name"),
        ("  - url: https://a.example/feed\n    cookies: {\"session PWSECRET4\": x}", "is not a cookie name"),
        // libcurl's error for a proxy it cannot read repeats it: every pass printed, logged and indexed it.
        ("  - url: https://a.example/feed\n    proxy: \"http://proxyuser:S3cr/tPWSECRET5@127.0.0.1:9\"",
         "write them as %23, %3F, %2F and %40"),
        ("  - url: https://a.example/feed\nproxy: \"gp:Glob#PWSECRET6@127.0.0.1:9\"", "write them as %23, %3F, %2F and %40"),
        ("  - url: https://a.example/feed\n    proxy: \"http://u:PWSECRET7\\tx@127.0.0.1:9\"", "write them as %23, %3F, %2F and %40"),
        ("  - url: https://a.example/feed\n    proxy: \"http://:13128\"", "its host and port cannot be read"),
        ("  - url: https://a.example/feed\n    proxy: \"http://[::1\"", "its host and port cannot be read"),
        ("  - url: https://a.example/feed\nnotify: {webhook: \"http://hu:HOOK/PWSECRET8@127.0.0.1:9/x\"}",
         "is not an http(s) URL"),
        // A raw @ in a password: read up to the last @ here, refused by libcurl on every fetch.
        ("  - url: 'https://reader:it@PWSECRET9@127.0.0.1:9/feed'", "write them as %23, %3F, %2F and %40"),
        ("  - url: https://a.example/feed\n    proxy: \"http://pu:it's@home-PWSECRET10@127.0.0.1:3128\"",
         "write them as %23, %3F, %2F and %40"),
        // A scheme written without its // (a typo): the password was printed in the refusal.
        ("  - url: 'http:/reader:PWSECRET11@127.0.0.1:9/feed'", "is not an http://, https:// or file:// URL"),
        ("  - url: 'https:reader:PWSECRET12@127.0.0.1:9/feed'", "is not an http://, https:// or file:// URL"),
        ("  - url: 'http//reader:PWSECRET13@127.0.0.1:9/feed'", "is not an http://, https:// or file:// URL"),
        ("  - url: https://a.example/feed\nnotify: {webhook: \"http:/hu:PWSECRET14@127.0.0.1/x\"}",
         "is not an http(s) URL"),
        // Another URL in the query, a token without a password, a proxy with a lost slash.
        ("  - url: 'http:/u:PWSECRET15@127.0.0.1:9/h.xml?next=http://x'", "is not an http://, https:// or file:// URL"),
        ("  - url: 'http:u:PWSECRET16@127.0.0.1:9/h.xml#a://b'", "is not an http://, https:// or file:// URL"),
        ("  - url: 'http:/TOKENSECRET17@127.0.0.1:9/h.xml'", "is not an http://, https:// or file:// URL"),
        ("  - url: https://a.example/feed\nnotify: {webhook: \"https:/HKTOKENSECRET18@127.0.0.1:1/?r=http://x\"}",
         "is not an http(s) URL"),
        ("  - url: https://a.example/feed\n    proxy: \"http:/PXTOKENSECRET19@127.0.0.1:3128\"", "its host and port cannot be read"),
        ("  - url: https://a.example/feed\n    proxy: \"http:/u:PXSECRET20@127.0.0.1:3128/?a=http://b\"", "its host and port cannot be read"),
    ])
    func aSecretInAnUnreadableSettingIsNotShown(_ feed: String, _ message: String) throws {
        try folder.write("store: ./out\nfeeds:\n\(feed)\n", to: "feeds.yaml")
        for command in [["check"], ["once"]] {
            let run = try CrawlerProcess.run(command, in: folder.path)
            #expect(run.status == 2, "\(command): \(run.stderr)")
            #expect(run.stderr.contains(message), "\(run.stderr)")
            #expect(!(run.stdout + run.stderr).contains("SECRET"), "\(run.stderr)")
        }
    }

    /// libcurl's error for a proxy it cannot use quotes the proxy, cut at 256 bytes: a long
    /// password, or one from the environment (which nothing checks before), was printed, logged
    /// and indexed whole.
    @Test func aProxysPasswordIsNeverRepeatedFromLibcurl() throws {
        let long = String(repeating: "LONGSECRET", count: 30)
        try folder.write("store: ./out\nfeeds:\n  - url: \(home.url("/proxied.xml"))\n    name: proxied\n"
                         + "    proxy: \"ftp://u:\(long)@127.0.0.1:9\"\n", to: "feeds.yaml")
        let configured = try CrawlerProcess.run(["once", "--log-level", "debug"], in: folder.path)
        try folder.write("store: ./out\nfeeds:\n  - url: \(home.url("/proxied.xml"))\n    name: proxied\n", to: "feeds.yaml")
        let environment = try CrawlerProcess.run(["once", "--log-level", "debug"], in: folder.path,
                                                 shellPrefix: "export http_proxy='http://u:ENV/SLASHSECRET@127.0.0.1:9';")
        // A quote in the password ended the quoted proxy early; the rest of the password followed it.
        let quoted = try CrawlerProcess.run(["once", "--log-level", "debug"], in: folder.path,
                                            shellPrefix: "export http_proxy=\"htpp://pu:s3cr'et-QUOTESECRET@127.0.0.1:1080\";")
        let status = try CrawlerProcess.run(["status"], in: folder.path)
        // A configured proxy of another scheme is refused with the file (round 25), password redacted.
        #expect(configured.status == 2 && configured.stderr.contains("ftp:// is no proxy scheme"), "\(configured.stderr)")
        for run in [environment, quoted] { #expect(run.status == 1, "\(run.stdout)\(run.stderr)") }
        for output in [configured.stdout, configured.stderr, environment.stdout, environment.stderr, status.stdout,
                       quoted.stdout, quoted.stderr,
                       String(decoding: storeBytes(), as: UTF8.self)] {
            #expect(!output.contains("SECRET"), "\(output)")
        }
    }

    /// A password in the feed's URL is the feed's own credentials, as basic_auth is: a global
    /// Authorization header went instead of it.
    @Test func aPasswordInTheURLWinsOverAGlobalAuthorizationHeader() throws {
        let url = home.url("/urlpw.xml").replacingOccurrences(of: "://", with: "://u2:URLPW@")
        let run = try crawl("headers: {Authorization: Bearer GLOBAL}\nfeeds:\n  - url: \(url)\n    name: urlpw\n" + healthy)
        #expect(run.status == 0, "\(run.stderr)")
        let sent = home.requests.last { $0.path == "/urlpw.xml" }?.headers["authorization"]
        #expect(sent == "Basic " + Data("u2:URLPW".utf8).base64EncodedString(), "\(sent ?? "none")")
    }

    /// Headers that frame the request are libcurl's to write; Content-Length or Transfer-Encoding
    /// given by hand contradict the request they go with. So is one feed giving a header and the
    /// setting that writes it.
    @Test(arguments: [
        ("headers: {Content-Length: \"0\"}", "headers.Content-Length: is written by the crawler itself"),
        ("headers: {Transfer-Encoding: chunked}", "headers.Transfer-Encoding: is written by the crawler itself"),
        ("headers: {Authorization: Bearer x}\n    basic_auth: {username: u, password: p}",
         "gives the header Authorization and basic_auth: too"),
    ])
    func headersTheCrawlerWritesAreRefused(_ setting: String, _ message: String) throws {
        try folder.write("store: ./out\nfeeds:\n  - url: \(home.url("/x.xml"))\n    \(setting)\n", to: "feeds.yaml")
        let run = try CrawlerProcess.run(["check"], in: folder.path)
        #expect(run.status == 2)
        #expect(run.stderr.contains(message), "\(run.stderr)")
    }
}

/// Which item pages get the feed's headers: pure, no network.
@Suite struct ArticleHeaderTests {
    /// An https feed's headers went in clear to an `http://` link on its host and port: whoever
    /// writes an item chose the scheme, and anyone on the path read the token.
    @Test(arguments: [
        ("https://feeds.example/rss", "https://feeds.example/post/1", true),
        ("https://feeds.example/rss", "http://feeds.example:443/post/1", false),
        ("https://feeds.example/rss", "http://feeds.example/post/1", false),
        ("http://feeds.example/rss", "https://feeds.example/post/1", true),
        ("https://feeds.example/rss", "https://feeds.example:8443/post/1", false),
        ("https://feeds.example/rss", "https://other.example/post/1", false),
    ])
    func aPageGetsTheFeedsHeadersOnItsOriginOnly(_ feedURL: String, _ link: String, _ sent: Bool) {
        var feed = FeedConfig(name: "f", url: feedURL)
        feed.request.headers = [HeaderField(name: "X-Api-Key", value: "k")]
        let request = ArticleFetch(feed: feed, config: CrawlerConfig(storePath: "/srv/store")).request(key: "p", link: link)
        #expect(request.settings.headers.isEmpty == !sent)
    }
}
