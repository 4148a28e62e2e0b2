import CrawlerTestKit
import Foundation
import Testing

/// `enabled: false`, `crawler list`, `crawler init` and `add --dry-run`, through the real binary.
@Suite struct FeedListTests {
    let folder = TemporaryFolder()

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    /// Round 25: columns were padded by characters before printing escaped a control (`\u0090`,
    /// six columns) and redacted a URL's password, and CJK names take two columns a character:
    /// every column after such a name was out of line, in `list`, `once` and `status`.
    @Test func columnsLineUpWhateverTheNames() throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: GoldenDocument.rssFeed(items: [])) }
        let port = server.port
        try folder.write("""
            store: ./store
            feeds:
              - url: http://127.0.0.1:\(port)/a
                name: ab
              - url: http://reader:secret@127.0.0.1:\(port)/b
                name: 日本
              - url: http://127.0.0.1:\(port)/c
                name: "\\u0090x"
              - url: http://127.0.0.1:\(port)/d
                name: "\\u009By"
            """, to: "feeds.yaml")
        let listed = try crawler(["list"]).stdout.split(separator: "\n").map(String.init)
        // Where "every" starts, in columns (the CJK characters here take two).
        func column(_ line: String) -> Int {
            (line.components(separatedBy: "every").first ?? "").unicodeScalars.reduce(0) { $0 + ((0x4E00...0x9FFF).contains($1.value) ? 2 : 1) }
        }
        #expect(listed[0].hasPrefix("ab       http") && listed[1].hasPrefix("日本     http://reader:***@")
                && listed[2].hasPrefix("\\u0090x  http"), "\(listed)")
        #expect(Set(listed.prefix(4).map(column)).count == 1, "\(listed)")
        #expect(listed[3].hasPrefix("\\u009by  http"), "a terminal's control sequence is shown, not obeyed: \(listed)")
        let once = try crawler(["once"]).stdout.split(separator: "\n").map(String.init)
        #expect(once.contains { $0.hasPrefix("ok    ab       200") } && once.contains { $0.hasPrefix("ok    日本     200") }
                && once.contains { $0.hasPrefix("ok    \\u0090x  200") }, "\(once)")
    }

    @Test func aDisabledFeedStaysInTheFileAndIsNeverFetched() throws {
        let server = try LoopbackHTTPServer { _ in
            ServedResponse(text: GoldenDocument.rssFeed(items: []))
        }
        try folder.write("""
            store: ./store
            feeds:
              - url: \(server.url("/off"))
                name: off
                enabled: false
              - url: \(server.url("/on"))
                name: on
                categories: [News]
                interval: 2h
            """, to: "feeds.yaml")
        let once = try crawler(["once"])
        #expect(once.status == 0)
        #expect(once.stdout.contains("ok    on  200"))
        #expect(once.stdout.contains("total: 1 feed, 1 ok, 0 failed; "))
        #expect(server.requests.map(\.path) == ["/on"])
        let list = try crawler(["list"])
        #expect(list.status == 0)
        let width = server.url("/off").count
        #expect(list.stdout == """
            off  \(server.url("/off").padding(toLength: width, withPad: " ", startingAt: 0))  every 30m  disabled
            on   \(server.url("/on").padding(toLength: width, withPad: " ", startingAt: 0))  every 2h  [News]
            2 feeds (1 disabled)

            """)
        #expect(try crawler(["check"]).stdout.contains("feeds.yaml: 1 feed (and 1 disabled), valid"))
        let asked = try crawler(["once", "--feed", "off"])
        #expect(asked.status == 2)
        #expect(asked.stderr.contains("crawler: feeds.yaml:3: the feed 'off' is disabled (enabled: false)"))
        #expect(server.requests.map(\.path) == ["/on"])
        #expect(try crawler(["add", server.url("/off")]).stdout.contains("is already in feeds.yaml (line 3, name off)"))
        // A name asked for and taken is refused, not silently changed to `on-2`.
        let before = folder.read("feeds.yaml")
        let taken = try crawler(["add", server.url("/other"), "--name", "on"])
        #expect(taken.status == 2)
        #expect(taken.stderr == "crawler: the name 'on' is already used by the feed on line 6 of feeds.yaml; "
                    + "choose another with --name\n", "\(taken.stderr)")
        #expect(folder.read("feeds.yaml") == before)
        let unnamed = try crawler(["add", server.url("/other"), "--name", ""])
        #expect(unnamed.stdout.hasPrefix("added 127.0.0.1:\(server.port)/other  "), "\(unnamed.stdout)\(unnamed.stderr)")
    }

    /// `categories: News, Tech` is one category (YAML's plain scalar), and `list` showed it as
    /// `[News, Tech]`, the two the operator meant; it is quoted now.
    @Test func aCategoryHoldingACommaIsListedAsOne() throws {
        try folder.write("""
            store: ./store
            feeds:
              - url: https://example.org/one.xml
                name: one
                categories: News, Tech
              - url: https://example.org/two.xml
                name: two
                categories: [News, Tech]
            """, to: "feeds.yaml")
        let list = try crawler(["list"])
        #expect(list.stdout.contains("[\"News, Tech\"]"), "\(list.stdout)")
        #expect(list.stdout.contains("[News, Tech]"), "\(list.stdout)")
    }

    @Test func initWritesAStarterFileThatLoadsAndTakesFeeds() throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: GoldenDocument.rssFeed(items: [])) }
        let run = try crawler(["init"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("wrote feeds.yaml"))
        let starter = try #require(folder.read("feeds.yaml"))
        #expect(starter.contains("# How often each feed is polled"))
        #expect(try crawler(["check"]).stdout.contains("feeds.yaml: 0 feeds, valid"))
        let again = try crawler(["init"])
        #expect(again.status == 2)
        #expect(again.stderr == "crawler: feeds.yaml already exists; it is left as it is (pass --config PATH for a new file)\n")
        #expect(folder.read("feeds.yaml") == starter)
        #expect(try crawler(["add", server.url("/feed.xml")]).status == 0)
        #expect(try crawler(["once"]).stdout.contains("total: 1 feed, 1 ok, 0 failed; "))
    }

    /// A link to nothing was "a file with the same name already exists" (exit 1), a folder that
    /// does not exist "The file doesn't exist"; `add` said the URL twice.
    @Test func initAndAddNameWhatIsWrong() throws {
        try FileManager.default.createSymbolicLink(atPath: folder.file("dangling.yaml"), withDestinationPath: "/nonexistent/x")
        let dangling = try crawler(["init", "--config", "dangling.yaml"])
        #expect(dangling.status == 2 && dangling.stderr.contains("is a symbolic link to /nonexistent/x, which does not exist"),
                "\(dangling.stderr)")
        let missing = try crawler(["init", "--config", "no/such/feeds.yaml"])
        #expect(missing.status == 1 && missing.stderr.contains("the folder no/such does not exist"), "\(missing.stderr)")
        try folder.write("feeds: []\n", to: "feeds.yaml")
        let bad = try crawler(["add", "not a url"])
        #expect(bad.stderr.components(separatedBy: "not a url").count == 2, "\(bad.stderr)")
    }

    /// `add` names a feed as feeds.yaml would by default (host with its port, then path), says
    /// nothing on stderr when it succeeds, and writes nothing with --dry-run.
    @Test func addDryRunShowsTheEntryAndWritesNothing() throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: GoldenDocument.rssFeed(items: [])) }
        try folder.write("store: ./store\nfeeds: []\n", to: "feeds.yaml")
        let url = server.url("/feed.xml")
        let name = "127.0.0.1:\(server.port)/feed.xml"
        let dry = try crawler(["add", url, "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.hasPrefix("would add \(name)  \(url)  (rss2, \"新浪财经－国內\", 0 items)\n"), "\(dry.stdout)")
        // Round 48: and the entry itself, as it would be written.
        #expect(dry.stdout.contains("  - url: \(url)\n    name: \(name)"), "\(dry.stdout)")
        #expect(folder.read("feeds.yaml") == "store: ./store\nfeeds: []\n")
        let added = try crawler(["add", url])
        #expect(added.status == 0)
        #expect(added.stderr.isEmpty, "\(added.stderr)")
        #expect(added.stdout == "added \(name)  \(url)  (rss2, \"新浪财经－国內\", 0 items)\n")
        #expect(folder.read("feeds.yaml")?.contains("  - url: \(url)\n    name: \(name)\n") == true)
        try folder.write("store: ./store\nfeeds:\n  - url: \(url)\n", to: "unnamed.yaml")
        #expect(try crawler(["list", "--config", "unnamed.yaml"]).stdout.hasPrefix(name + "  " + url))
    }
}

/// `add` on a page whose first feed link is broken: the working one is added, and the broken one
/// is mentioned on stdout, not as an error line under a success.
@Suite struct AddPassedOverTests {
    let folder = TemporaryFolder()

    @Test func aBrokenFeedLinkBeforeAWorkingOneIsNoErrorLine() throws {
        let feed = GoldenDocument.rssFeed(items: [])
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/blog/": return ServedResponse(contentType: "text/html", text: """
                <link rel="alternate" type="application/rss+xml" href="/missing.xml">
                <link rel="alternate" type="application/rss+xml" href="/feed.xml">
                """)
            case "/feed.xml": return ServedResponse(text: feed)
            default: return ServedResponse(status: 404, text: "")
            }
        }
        try folder.write("feeds: []\n", to: "feeds.yaml")
        let run = try CrawlerProcess.run(["add", server.url("/blog/")], in: folder.path)
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty, "\(run.stderr)")
        #expect(run.stdout == "passed over \(server.url("/missing.xml")): HTTP 404\n"
                + "added 127.0.0.1:\(server.port)/feed.xml  \(server.url("/feed.xml"))  (rss2, \"新浪财经－国內\", 0 items)\n")
    }
    /// Round 23: a page with 2,000 feed links that do not answer kept `add` asking each in turn
    /// (at `timeout: 30s`, some sixteen hours). The first ten are tried, and the rest named.
    @Test func aPageWithThousandsOfFeedLinksCostsTenRequests() throws {
        let server = try LoopbackHTTPServer { request in
            guard request.path == "/blog/" else { return ServedResponse(status: 404, text: "") }
            let links = (0..<2000).map { "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/dead/\($0).xml\">" }
            return ServedResponse(contentType: "text/html", text: links.joined(separator: "\n"))
        }
        try folder.write("feeds: []\n", to: "feeds.yaml")
        let run = try CrawlerProcess.run(["add", server.url("/blog/")], in: folder.path)
        #expect(run.status == 1)
        #expect(server.requests.count == 11, "the page and ten of its links")
        #expect(run.stderr.contains("links to 2000 feeds; the first 10 were tried, and none could be added"), "\(run.stderr)")
        #expect(folder.read("feeds.yaml") == "feeds: []\n")
    }
}
