import CrawlerTestKit
import Foundation
import Testing

/// OPML from other readers in, and back out, through the real binary.
@Suite struct OPMLRoundTripTests {
    let folder = TemporaryFolder()

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    static let nested = """
        <?xml version="1.0" encoding="UTF-8"?>
        <opml version="2.0"><head><title>export</title></head><body>
        <outline text="Tech" title="Tech">
          <outline text="Rust" title="Rust">
            <outline type="rss" text="Rust Blog" xmlUrl="https://blog.rust-lang.org/feed.xml" htmlUrl="https://blog.rust-lang.org/"/>
          </outline>
          <outline type="rss" text="LWN" xmlUrl="https://lwn.net/headlines/newrss" htmlUrl="https://lwn.net/"/>
        </outline>
        <outline type="rss" text="Debian" xmlUrl="https://www.debian.org/News/news"/>
        </body></opml>
        """

    @Test func nestedFoldersAndSiteLinksSurviveImportExportImport() throws {
        try folder.write(Self.nested, to: "subs.opml")
        try folder.write("feeds: []\n", to: "feeds.yaml")
        #expect(try crawler(["import-opml", "subs.opml"]).status == 0)
        let text = try #require(folder.read("feeds.yaml"))
        #expect(text.contains("""
              - url: https://blog.rust-lang.org/feed.xml
                name: 'Rust Blog'
                categories: [Tech, Rust]
                site_url: https://blog.rust-lang.org/
            """))
        let exported = try crawler(["export-opml"])
        #expect(exported.status == 0)
        #expect(exported.stdout.contains("""
                <outline text="Tech" title="Tech">
                  <outline text="Rust" title="Rust">
                    <outline type="rss" text="Rust Blog" title="Rust Blog" xmlUrl="https://blog.rust-lang.org/feed.xml" htmlUrl="https://blog.rust-lang.org/"/>
                  </outline>
                  <outline type="rss" text="LWN" title="LWN" xmlUrl="https://lwn.net/headlines/newrss" htmlUrl="https://lwn.net/"/>
                </outline>
                <outline type="rss" text="Debian" title="Debian" xmlUrl="https://www.debian.org/News/news"/>
            """), "\(exported.stdout)")
        try folder.write(exported.stdout, to: "out.opml")
        try folder.write("feeds: []\n", to: "again.yaml")
        #expect(try crawler(["import-opml", "out.opml", "--config", "again.yaml"]).status == 0)
        #expect(try crawler(["export-opml", "--config", "again.yaml"]).stdout == exported.stdout)
        #expect(folder.read("again.yaml")?.contains("categories: [Tech, Rust]\n    site_url: https://blog.rust-lang.org/") == true)
    }

    /// A feed with `enabled: false` goes out as OPML 2.0's commented-out outline (`isComment`),
    /// and comes back disabled: it went out like any other and came back enabled.
    /// Round 14: a feed's `interval:`, `keep:`, `revisions:` and `author:` went without a word
    /// in an export, and came back from `import-opml` as the defaults. The export says so, naming
    /// each feed and setting; the OPML itself is unchanged.
    @Test func anExportSaysWhichFeedsSettingsItLeavesBehind() throws {
        try folder.write("""
            feeds:
              - url: https://example.org/a.xml
                name: plain
                categories: [news]
              - url: https://example.org/b.xml
                name: tuned
                interval: 2h
                keep: 10
                revisions: new
            """, to: "feeds.yaml")
        let export = try crawler(["export-opml"])
        #expect(export.status == 0)
        #expect(export.stdout.contains("xmlUrl=\"https://example.org/b.xml\""))
        #expect(export.stderr.contains("tuned (interval, keep, revisions)") && !export.stderr.contains("plain"), "\(export.stderr)")
    }

    /// Round 52: an export writes a URL's password and query token as configured (another reader
    /// needs them), where every other command masks them, without a word. It names the feeds
    /// whose URLs carry one, on stderr, and never prints the secret there.
    @Test func anExportNamesTheFeedsWhoseURLsCarrySecrets() throws {
        try folder.write("""
            feeds:
              - url: https://example.org/a.xml
                name: plain
              - url: https://reader:SECRETPW@example.org/b.xml
                name: userinfo
              - url: https://example.org/c.xml?token=SECRETTOKEN
                name: tokened
            """, to: "feeds.yaml")
        let export = try crawler(["export-opml"])
        #expect(export.status == 0)
        #expect(export.stdout.contains("reader:SECRETPW@") && export.stdout.contains("token=SECRETTOKEN"))
        #expect(export.stderr.contains("userinfo") && export.stderr.contains("tokened") && !export.stderr.contains("plain"),
                "\(export.stderr)")
        #expect(export.stderr.contains("in clear") && !export.stderr.contains("SECRET"), "\(export.stderr)")
    }

    @Test func aDisabledFeedStaysDisabledThroughExportAndImport() throws {
        try folder.write("""
            feeds:
              - url: https://a.example/feed.xml
                name: on
              - url: https://b.example/feed.xml
                name: off
                enabled: false

            """, to: "feeds.yaml")
        let exported = try crawler(["export-opml"])
        #expect(exported.stdout.contains("text=\"off\" title=\"off\" xmlUrl=\"https://b.example/feed.xml\" isComment=\"true\"/>"),
                "\(exported.stdout)")
        #expect(!exported.stdout.contains("text=\"on\" title=\"on\" xmlUrl=\"https://a.example/feed.xml\" isComment"))
        try folder.write(exported.stdout, to: "out.opml")
        try folder.write("feeds: []\n", to: "again.yaml")
        #expect(try crawler(["import-opml", "out.opml", "--config", "again.yaml"]).status == 0)
        #expect(try crawler(["export-opml", "--config", "again.yaml"]).stdout == exported.stdout)
        let listed = try crawler(["list", "--config", "again.yaml"]).stdout
        #expect(listed.split(separator: "\n").first { $0.hasPrefix("off ") }?.contains("disabled") == true, "\(listed)")
        // Listed commented out first and live after: live. A folder title with a tab or a line
        // separator is a category still (it stopped the whole import).
        try folder.write("""
            <opml version="2.0"><body><outline text="x" xmlUrl="https://c.example/f.xml" isComment="true"/>\
            <outline text="News&#9;Daily&#x2028;"><outline text="x" xmlUrl="https://c.example/f.xml"/></outline></body></opml>
            """, to: "both.opml")
        try folder.write("feeds: []\n", to: "both.yaml")
        let both = try crawler(["import-opml", "both.opml", "--config", "both.yaml"])
        #expect(both.status == 0, "\(both.stdout)\(both.stderr)")
        let text = folder.read("both.yaml") ?? ""
        #expect(!text.contains("enabled: false") && text.contains("categories: ['News Daily']"), "\(text)")
    }

    /// A title of nothing visible (a byte order mark, spaces) names the feed by its URL instead,
    /// and a byte order mark inside a title is dropped: one such outline stopped the whole import
    /// ("name: is empty"), nothing added. Many outlines of one title are numbered in turn.
    @Test func invisibleTitlesAndManyOfOneTitleAreNamedAndImported() throws {
        // An empty title beside the text is no title: the folder keeps its name as a category.
        try folder.write("<opml version=\"2.0\"><body><outline title=\"\" text=\"Folder\"><outline title=\"\" text=\"Inner\" "
                         + "xmlUrl=\"https://f.example/feed.xml\"/></outline></body></opml>", to: "folder.opml")
        try folder.write("feeds: []\n", to: "folder.yaml")
        #expect(try crawler(["import-opml", "folder.opml", "--config", "folder.yaml"]).status == 0)
        #expect(folder.read("folder.yaml")?.contains("name: Inner\n    categories: [Folder]") == true, "\(folder.read("folder.yaml") ?? "")")
        let repeated = (1...30).map { "<outline text=\"Same\" xmlUrl=\"https://s.example/\($0).xml\"/>" }.joined()
        try folder.write("""
            <opml version="2.0"><body><outline text="&#xFEFF;" xmlUrl="https://b.example/feed.xml"/>\
            <outline text="&#xFEFF;Tech &#x200B; " xmlUrl="https://t.example/feed.xml"/>\
            <outline text="   " xmlUrl="https://w.example/news/"/>\(repeated)</body></opml>
            """, to: "subs.opml")
        try folder.write("feeds: []\n", to: "feeds.yaml")
        let run = try crawler(["import-opml", "subs.opml"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("added 33 feeds"), "\(run.stdout)")
        let rows = try crawler(["list"]).stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        for (name, url) in [("b.example/feed.xml", "https://b.example/feed.xml"), ("w.example/news", "https://w.example/news/"),
                            ("Same-30", "https://s.example/30.xml")] {
            #expect(rows.contains { $0.first == name && $0.contains(url) }, "\(name): \(rows)")
        }
        #expect(!(folder.read("feeds.yaml") ?? "").unicodeScalars.contains("\u{FEFF}"))
        #expect(try crawler(["check"]).status == 0)
    }

    /// Real exports write `xmlUrl="...?a=1&b=2"`; the feed is fetched with its query intact,
    /// and the healthy outline beside it is stored too.
    @Test func aBareAmpersandInAnXmlUrlIsKept() throws {
        let golden = try GoldenDocument.all()
        let body = GoldenDocument.rssFeed(items: [golden[0].rssItem])
        let other = GoldenDocument.rssFeed(items: [golden[1].rssItem])
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/feed?a=1&b=2": return ServedResponse(text: body)
            case "/healthy": return ServedResponse(text: other)
            default: return ServedResponse(status: 404, text: "")
            }
        }
        try folder.write("""
            <opml version="1.0"><body>
            <outline text="Query" xmlUrl="\(server.url("/feed?a=1&b=2"))"/>
            <outline text="Healthy" xmlUrl="\(server.url("/healthy"))"/>
            </body></opml>
            """, to: "subs.opml")
        try folder.write("store: ./store\nallow_private_networks: true\nfeeds: []\n", to: "feeds.yaml")
        let imported = try crawler(["import-opml", "subs.opml"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("add   Query  \(server.url("/feed?a=1&b=2"))"))
        let once = try crawler(["once"])
        #expect(once.status == 0, "\(once.stdout)")
        #expect(once.stdout.contains("ok    Query    200  1 new"))
        #expect(once.stdout.contains("ok    Healthy  200  1 new"))
        #expect(folder.files(under: "store/posts").count == 2)
    }

    /// An export labelled ISO-8859-1 (or Windows-1252) whose bytes are UTF-8, as exporters that
    /// copy a template write: every title beyond ASCII came in garbled (`ä¸\u{AD}æ\u{96}\u{87}`),
    /// without a word. Read by the bytes' evidence, as feeds are, and said so.
    @Test func anExportMislabelledAsLatin1IsReadAsTheUTF8ItIs() throws {
        let opml = """
            <?xml version="1.0" encoding="ISO-8859-1"?>
            <opml version="2.0"><body>
            <outline text="Nachrichten für Köln" xmlUrl="https://news.example/koeln.xml"/>
            <outline text="中文新闻" xmlUrl="https://news.example/zh.xml"/>
            </body></opml>
            """
        try folder.write(opml, to: "subs.opml")
        try folder.write("feeds: []\n", to: "feeds.yaml")
        let run = try crawler(["import-opml", "subs.opml"])
        #expect(run.status == 0, "\(run.stderr)")
        let text = try #require(folder.read("feeds.yaml"))
        #expect(text.contains("name: 'Nachrichten für Köln'"), "\(text)")
        #expect(text.contains("中文新闻"), "\(text)")
        #expect(run.stderr.contains("read as UTF-8") && run.stderr.contains("ISO-8859-1"), "\(run.stderr)")
        // A file that is what it says stays so: Latin-1 bytes under a Latin-1 label.
        var latin1 = Array("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><opml version=\"2.0\"><body>".utf8)
        latin1 += Array("<outline text=\"Caf".utf8) + [0xE9] + Array("\" xmlUrl=\"https://cafe.example/f.xml\"/></body></opml>".utf8)
        try Data(latin1).write(to: URL(fileURLWithPath: folder.file("latin1.opml")))
        let plain = try crawler(["import-opml", "latin1.opml"])
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(try #require(folder.read("feeds.yaml")).contains("Café"))
        #expect(!plain.stderr.contains("read as"), "\(plain.stderr)")
    }

    /// Bytes that are not UTF-8 under UTF-8's label, or under none: a feed reader falls back to
    /// what the bytes are; import-opml said "not well-formed XML" and added nothing.
    @Test func anExportThatIsNotTheUTF8ItIsTakenForIsReadAsWhatItIs() throws {
        try folder.write("feeds: []\n", to: "feeds.yaml")
        let cp1252 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\"><body><outline text=\"Caf\u{E9} \u{2013} \u{201C}x\u{201D}\">"
            + "<outline text=\"Bl\u{F6}g \u{20AC}\" xmlUrl=\"http://example.org/a\"/></outline></body></opml>\n"
        let bytes = try #require(cp1252.data(using: .windowsCP1252))
        try bytes.write(to: URL(fileURLWithPath: folder.file("lie.opml")))
        let run = try crawler(["import-opml", "lie.opml"])
        #expect(run.status == 0, "\(run.stderr)")
        let text = try #require(folder.read("feeds.yaml"))
        #expect(text.contains("Bl\u{F6}g \u{20AC}") && text.contains("Caf\u{E9} \u{2013} \u{201C}x\u{201D}"), "\(text)")
        #expect(run.stderr.contains("read as"), "\(run.stderr)")
    }

    @Test func aFileThatIsNotOPMLIsNamedForWhatItIs() throws {
        try folder.write("feeds: []\n", to: "feeds.yaml")
        try folder.write(GoldenDocument.rssFeed(items: []), to: "feed.xml")
        let run = try crawler(["import-opml", "feed.xml"])
        #expect(run.status == 1)
        #expect(run.stderr == "crawler: feed.xml: not an OPML file: root element is <rss>, not <opml>\n")
        #expect(folder.read("feeds.yaml") == "feeds: []\n")
    }

    /// An xmlUrl feeds.yaml could not hold is refused by itself, named by its outline; before, the
    /// whole import stopped on a line of a file that was never written.
    @Test func anOutlineWithASpaceInItsURLIsRefusedAlone() throws {
        try folder.write("feeds: []\n", to: "feeds.yaml")
        try folder.write("""
            <opml version="1.0"><body>
            <outline text="Spaced" xmlUrl="https://example.org/my feed.xml"/>
            <outline text="Healthy" xmlUrl="https://example.org/feed.xml"/>
            </body></opml>
            """, to: "subs.opml")
        let run = try crawler(["import-opml", "subs.opml"])
        #expect(run.status == 1)
        #expect(run.stderr == "crawler: subs.opml: outline 1 (\"Spaced\"): refused: xmlUrl 'https://example.org/my feed.xml' "
                + "contains a space; write a space in a URL as %20; skipped\n")
        #expect(run.stdout.contains("added 1 feed to feeds.yaml; 0 already there; 1 refused"))
        #expect(try crawler(["list"]).stdout.contains("Healthy  https://example.org/feed.xml  every 30m"))
    }

    /// Round 48: a feed listed in two folders of one file was counted "already there", as if
    /// feeds.yaml had it; it is added once, in its first folder, and the summary says why the
    /// other outline added nothing.
    @Test func aFeedListedTwiceInTheFileIsAddedOnceAndSaidSo() throws {
        try folder.write("feeds: []\n", to: "feeds.yaml")
        try folder.write("""
            <opml version="2.0"><body>
            <outline text="Tech"><outline text="X" xmlUrl="https://x.example/feed"/></outline>
            <outline text="News"><outline text="X" xmlUrl="https://x.example/feed"/></outline>
            </body></opml>
            """, to: "two.opml")
        let run = try crawler(["import-opml", "two.opml"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("added 1 feed to feeds.yaml; 0 already there; 1 listed again in the file "
                                    + "(its first outline's folders kept)"), "\(run.stdout)")
        #expect(folder.read("feeds.yaml")?.contains("categories: [Tech]") == true)
        // Round 63: which outline, and the folder it does not get.
        #expect(run.stderr.contains("two.opml: outline 2 (\"X\"): https://x.example/feed is listed again in News; "
                                    + "its first outline's folders are kept"), "\(run.stderr)")
    }

    /// Round 63: newsboat's query feeds (`newsboat -e` writes them) were told to write a space as %20.
    @Test func aNewsboatQueryFeedIsNamedAsSuch() throws {
        try folder.write("feeds: []\n", to: "feeds.yaml")
        try folder.write("""
            <opml version="1.0"><body>
            <outline text="Unread" xmlUrl="query:Unread Articles:unread = &quot;yes&quot;"/>
            <outline text="Healthy" xmlUrl="https://example.org/feed.xml"/>
            </body></opml>
            """, to: "nb.opml")
        let run = try crawler(["import-opml", "nb.opml"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("is a newsboat query feed, not an http:// or https:// URL"), "\(run.stderr)")
        #expect(!run.stderr.contains("%20"), "\(run.stderr)")
        #expect(run.stdout.contains("added 1 feed"), "\(run.stdout)")
    }

    @Test func anOutlineAlreadyConfiguredUnderAnotherSpellingIsSkipped() throws {
        try folder.write("feeds:\n  - url: https://lwn.net/headlines/newrss\n", to: "feeds.yaml")
        try folder.write("""
            <opml version="1.0"><body>
            <outline text="LWN" xmlUrl="HTTPS://LWN.net:443/headlines/newrss#top"/>
            </body></opml>
            """, to: "subs.opml")
        let run = try crawler(["import-opml", "subs.opml"])
        #expect(run.stdout.contains("added 0 feeds to feeds.yaml; 1 already there"))
    }

    /// One outline with a title over 1,000 bytes stopped the whole import (nothing added, exit 2),
    /// and the message printed the title whole. Its name is cut on a character boundary, with a
    /// short note, and the outlines beside it are added.
    @Test func aTitleOfAKilobyteIsCutToANameAndTheOthersAreImported() throws {
        let long = String(repeating: "x", count: 1_200), wide = "a" + String(repeating: "é", count: 700)
        try folder.write("feeds: []\n", to: "feeds.yaml")
        try folder.write("""
            <opml version="2.0"><body>
            <outline text="ok1" xmlUrl="https://example.org/1.xml"/>
            <outline text="\(long)" xmlUrl="https://example.org/2.xml"/>
            <outline text="\(wide)" xmlUrl="https://example.org/3.xml"/>
            <outline text="ok2" xmlUrl="https://example.org/4.xml"/>
            </body></opml>
            """, to: "subs.opml")
        let run = try crawler(["import-opml", "subs.opml"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("added 4 feeds to feeds.yaml"), "\(run.stdout)")
        #expect(run.stderr.contains("crawler: subs.opml: outline 2 (\"\(long.prefix(60))…\"): its title is 1200 bytes long; "
                                    + "the feed's name is its first 200"), "\(run.stderr)")
        #expect(!(run.stdout + run.stderr).contains(long.prefix(201)))
        let rows = try crawler(["list"]).stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.contains { $0.first == String(long.prefix(200)) && $0.contains("https://example.org/2.xml") }, "\(rows)")
        #expect(rows.contains { $0.first == "a" + String(repeating: "é", count: 99) && $0.contains("https://example.org/3.xml") })
        #expect(try crawler(["check"]).status == 0)
    }

    /// An htmlUrl feeds.yaml's site_url: would refuse (a space, a control) is left out as a
    /// `javascript:` one is, rather than stopping the import on a file never written.
    @Test func anHtmlUrlThatIsNoSiteURLIsLeftOut() throws {
        try folder.write("feeds: []\n", to: "feeds.yaml")
        try folder.write("""
            <opml version="2.0"><body>
            <outline text="Spaced" xmlUrl="https://example.org/1.xml" htmlUrl="https://example.org/a b"/>
            <outline text="Broken" xmlUrl="https://example.org/2.xml" htmlUrl="https://example.org/&#xA;x"/>
            <outline text="Script" xmlUrl="https://example.org/3.xml" htmlUrl="javascript:alert(1)"/>
            </body></opml>
            """, to: "subs.opml")
        let run = try crawler(["import-opml", "subs.opml"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("added 3 feeds to feeds.yaml"), "\(run.stdout)")
        #expect(!(folder.read("feeds.yaml") ?? "").contains("site_url"))
    }
}
