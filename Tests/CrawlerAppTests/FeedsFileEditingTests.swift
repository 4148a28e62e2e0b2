import CrawlerTestKit
import Foundation
import Testing

/// `add` and `import-opml` edit the operator's feeds.yaml: they append the new feeds and change
/// nothing else, say so when they cannot, and never let someone else's file add what it did not
/// list. Through the real binary, on files written the ways people write them.
@Suite struct FeedsFileEditingTests {
    let folder = TemporaryFolder()

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    static let oneOutline = """
        <opml version="2.0"><body><outline text="New" xmlUrl="https://example.com/new.xml"/></body></opml>
        """

    private func bytes(_ name: String) -> [UInt8] {
        FileManager.default.contents(atPath: "\(folder.path)/\(name)").map { [UInt8]($0) } ?? []
    }

    /// The OPML file's name goes into the comment above the imported feeds. A name with a line
    /// break wrote the rest of itself into feeds.yaml as a feed of its own: a `file://` URL (which
    /// import-opml refuses from the file's outlines) that `check --probe` then read.
    @Test func anOPMLFileNameCannotAddFeeds() throws {
        // No `/` in a file's name: YAML's `\x2f` writes it.
        let name = "subs.opml\n  - url: \"file:\\x2f\\x2f\\x2fetc\\x2fhostname\"\n    name: local\n  #"
        try folder.write(Self.oneOutline, to: name)
        try folder.write("feeds:\n  - url: https://a.example/x\n    name: a\n", to: "feeds.yaml")
        let run = try crawler(["import-opml", name])
        #expect(run.status == 0, "\(run.stderr)")
        let listed = try crawler(["list"])
        #expect(!listed.stdout.contains("local") && !listed.stdout.contains("file://"), "\(listed.stdout)")
        #expect(listed.stdout.contains("https://example.com/new.xml"))
        let text = try #require(folder.read("feeds.yaml"))
        #expect(text.contains("  # Imported from subs.opml\\u000a  - url: \"file:\\x2f\\x2f\\x2fetc\\x2fhostname\"\\u000a"),
                "\(text)")
    }

    /// Round 44: a file that is not there said only "cannot read FILE".
    @Test func anOPMLFileThatCannotBeReadSaysWhy() throws {
        try folder.write("feeds:\n  - url: https://a.example/x\n    name: a\n", to: "feeds.yaml")
        let run = try crawler(["import-opml", "missing.opml"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("cannot read missing.opml: No such file or directory"), "\(run.stderr)")
    }

    /// libxml2's recovery drops what it cannot read (an unescaped `<` in a title, an unquoted
    /// attribute, folders nested past 256 levels) and the import said "added 2 feeds" for a file
    /// of three; an attribute cut short by the end of a truncated file was added as a URL cut
    /// short. The damage is named, with its line, nothing is added, and the exit status is 1.
    @Test(arguments: [
        """
        <opml version="2.0"><body>
        <outline text="one" xmlUrl="https://example.com/1"/>
        <outline text="a<b" xmlUrl="https://example.com/2"/>
        <outline text="three" xmlUrl="https://example.com/3"/>
        </body></opml>

        """,
        """
        <?xml version="1.0"?>
        <opml version="2.0"><body>
        <outline text="ok" xmlUrl="https://example.com/1"/>
        <outline text="T" xmlUrl="https://feeds.exam
        """,
    ])
    func aMalformedOPMLFileAddsNothingAndSaysWhere(_ opml: String) throws {
        try folder.write(opml, to: "broken.opml")
        try folder.write("feeds: []\n", to: "feeds.yaml")
        let run = try crawler(["import-opml", "broken.opml"])
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("broken.opml: not well-formed XML (") && run.stderr.contains("line "), "\(run.stderr)")
        #expect(run.stderr.contains("nothing was added"), "\(run.stderr)")
        #expect(folder.read("feeds.yaml") == "feeds: []\n")
    }

    /// libxml2 keeps its last error, and recovery makes more of them to the end of the file: an
    /// outline left open on line 3 of 505 was reported as "Premature end of data in tag opml
    /// line 2" at line 505. The first error is the one that says where to look.
    @Test func aDamagedOPMLFileIsReportedWhereItBreaks() throws {
        let outlines = (1...500).map { "<outline text=\"f\($0)\" xmlUrl=\"https://example.com/\($0)\"/>" }
        let opml = "<opml version=\"2.0\"><body>\n<outline text=\"open\">\n<outline text=\"x\" xmlUrl=\"https://example.com/x\">\n"
            + outlines.joined(separator: "\n") + "\n</body>\n</opml>\n"
        try folder.write(opml, to: "broken.opml")
        try folder.write("feeds: []\n", to: "feeds.yaml")
        let run = try crawler(["import-opml", "broken.opml"])
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("line 3"), "\(run.stderr)")
        #expect(!run.stderr.contains("Premature end of data"), "\(run.stderr)")
        #expect(folder.read("feeds.yaml") == "feeds: []\n")
    }

    /// A folder title (a category) with `:` and `?` went into the flow list `[...]` plain, where
    /// YAML refuses it: the whole import stopped.
    @Test func aCategoryYAMLReadsAsSyntaxIsQuoted() throws {
        try folder.write("""
            <opml><body><outline text="a:?"><outline text="n" xmlUrl="https://z.example.org/f"/></outline>
            <outline text="x, [y]: {z}"><outline text="m" xmlUrl="https://z.example.org/g"/></outline></body></opml>
            """, to: "cat.opml")
        try folder.write("feeds: []\n", to: "feeds.yaml")
        let run = try crawler(["import-opml", "cat.opml"])
        #expect(run.status == 0, "\(run.stderr)")
        let exported = try crawler(["export-opml"]).stdout
        #expect(exported.contains("<outline text=\"a:?\"") && exported.contains("<outline text=\"x, [y]: {z}\""), "\(exported)")
    }

    /// Only the line where the `feeds` key itself starts is opened for the new items: a line of a
    /// quoted value that reads `feeds: []` is part of that value and stays as it was.
    @Test func onlyTheFeedsKeyIsOpened() throws {
        let original = "user_agent: \"bot/1.0 (see\nfeeds: []\nfor details)\"\nfeeds: []  # none yet\n"
        try folder.write(original, to: "feeds.yaml")
        try folder.write(Self.oneOutline, to: "one.opml")
        let run = try crawler(["import-opml", "one.opml"])
        #expect(run.status == 0, "\(run.stderr)")
        let text = try #require(folder.read("feeds.yaml"))
        #expect(text.hasPrefix("user_agent: \"bot/1.0 (see\nfeeds: []\nfor details)\"\nfeeds:  # none yet\n"), "\(text)")
        #expect(try crawler(["list"]).stdout.contains("https://example.com/new.xml"))
    }

    /// feeds.yaml written as a flow list, as JSON, or with a quoted key is valid, and `check`
    /// takes it; the editor appends to block lists only. It said "YAML syntax: did not find
    /// expected key" and blamed the new feed, or "given more than once" for a key given once;
    /// and `--dry-run` said "would add 1 feed" for the edit that then failed.
    @Test(arguments: [
        "feeds: [ {url: \"https://a.example/x\"} ]\n",
        "{\"store\": \"./s\", \"feeds\": []}",
        "\"feeds\": []\n",
    ])
    func aFeedsListTheEditorCannotAppendToIsNamedAndADryRunSaysSo(_ original: String) throws {
        let server = try LoopbackHTTPServer { _ in
            ServedResponse(text: "<rss version=\"2.0\"><channel><title>t</title><item><title>i</title></item></channel></rss>")
        }
        try folder.write(original, to: "feeds.yaml")
        try folder.write(Self.oneOutline, to: "one.opml")
        #expect(try crawler(["check"]).status == 0)
        for arguments in [["import-opml", "one.opml", "--dry-run"], ["import-opml", "one.opml"],
                          ["add", server.url("/other.xml"), "--dry-run"]] {
            let run = try crawler(arguments)
            #expect(run.status == 2, "\(arguments): \(run.stdout)\(run.stderr)")
            #expect(run.stderr.contains("feeds.yaml:1: feeds: is not a block list"), "\(arguments): \(run.stderr)")
            #expect(!run.stdout.contains("would add") && !run.stdout.contains("added"), "\(run.stdout)")
        }
        #expect(folder.read("feeds.yaml") == original)
    }

    /// One line pasted from Windows made the editor write every line back with CR LF: the whole
    /// file changed in a diff. Each line keeps its own end; the new ones take the file's usual one.
    @Test func eachLineKeepsItsOwnLineEnd() throws {
        let original = "store: ./s\r\n# pasted\nfeeds:\n  - url: https://a.example/x\n    name: a\n"
        try folder.write(original, to: "feeds.yaml")
        try folder.write(Self.oneOutline, to: "one.opml")
        #expect(try crawler(["import-opml", "one.opml"]).status == 0)
        let written = bytes("feeds.yaml")
        #expect(written.starts(with: Array(original.utf8)))
        #expect(!written.dropFirst(original.utf8.count).contains(UInt8(ascii: "\r")))
        #expect(try crawler(["list"]).stdout.contains("https://example.com/new.xml"))
    }

    /// And a file written with CR LF throughout gets CR LF lines added.
    @Test func aCRLFFileGetsCRLFLines() throws {
        let original = "store: ./s\r\nfeeds:\r\n  - url: https://a.example/x\r\n    name: a\r\n"
        try folder.write(original, to: "feeds.yaml")
        try folder.write(Self.oneOutline, to: "one.opml")
        #expect(try crawler(["import-opml", "one.opml"]).status == 0)
        let text = String(decoding: bytes("feeds.yaml"), as: UTF8.self)
        #expect(text.hasPrefix(original))
        #expect(!text.unicodeScalars.split(separator: "\n").dropLast().contains { $0.last != "\r" }, "\(text)")
    }

    /// Round 58: `add --dry-run` on such a file showed each line's CR as `\u000d`.
    @Test func aDryRunShowsACRLFFilesLinesAsLines() throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: GoldenDocument.rssFeed(items: [])) }
        try folder.write("store: ./s\r\nfeeds:\r\n  - url: https://a.example/x\r\n    name: a\r\n", to: "feeds.yaml")
        let run = try crawler(["add", server.url("/feed.xml"), "--dry-run"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("- url: \(server.url("/feed.xml"))\n") && !run.stdout.contains("\\u000d"), "\(run.stdout)")
    }

    /// libyaml ends a line at a lone CR, NEL, LS or PS too; the editor counted LF only, so the
    /// lines of YAML's marks were the wrong ones, and valid files were refused as no block list.
    @Test(arguments: [
        "store: ./s\rfeeds:\r  - url: https://a.example/x\r    name: a\r",
        "# note\rstore: ./s\nfeeds:\n  - url: https://a.example/x\n    name: a\n",
        "# a note\u{85}# and another\nfeeds: []\n",
        "# a note\u{2028}# and another\nfeeds:\n  - url: https://a.example/x\n    name: a\n",
    ])
    func everyLineBreakYAMLKnowsIsALineBreak(_ original: String) throws {
        try folder.write(original, to: "feeds.yaml")
        try folder.write(Self.oneOutline, to: "one.opml")
        let run = try crawler(["import-opml", "one.opml"])
        #expect(run.status == 0, "\(run.stderr)")
        let text = try #require(folder.read("feeds.yaml"))
        #expect(text.hasPrefix(original.replacingOccurrences(of: "feeds: []", with: "feeds:")), "\(text.debugDescription)")
        #expect(try crawler(["check"]).status == 0)
        #expect(try crawler(["list"]).stdout.contains("https://example.com/new.xml"))
    }

    /// The same feed written with a percent-encoded unreserved character (`%7E` for `~`) is the
    /// same feed (RFC 3986, 6.2.2.2): it was imported a second time.
    @Test func percentEncodedUnreservedCharactersAreTheSameURL() throws {
        try folder.write("feeds:\n  - url: https://example.com/~user/feed\n    name: user\n", to: "feeds.yaml")
        try folder.write("""
            <opml version="2.0"><body><outline text="Same" xmlUrl="https://example.com/%7euser/feed"/></body></opml>
            """, to: "same.opml")
        let run = try crawler(["import-opml", "same.opml"])
        #expect(run.stdout.contains("added 0 feeds to feeds.yaml; 1 already there"), "\(run.stdout)\(run.stderr)")
    }

    /// Files that load as they are, and that the editor must append to: a `feeds` key with a tag
    /// (`added 1 feed` was said, and the feed went under a second `feeds:` no reader sees), a first
    /// item whose key starts below its dash (refused as no block list), a document end followed
    /// by a comment or a tab (refused, blaming the new feed), and a `feeds:` left empty.
    @Test(arguments: [
        "store: ./s\n!!str feeds:\n  - url: https://a.example/f\n",
        "feeds:\n  -\n    url: \"https://a.example/f\"\n",
        "feeds:\n  - # first\n    url: \"https://a.example/f\"\n",
        "feeds:\n  - url: https://a.example/f\n... # end\n",
        "feeds:\n  - url: https://a.example/f\n...\t\n",
        "feeds:\n  - url: https://a.example/f\n...\n# trailing comment\n",
        "store: ./s\nfeeds:\n",
        "store: ./s\nfeeds: ~\n",
        // YAML's other spellings of null and of an empty list, and either on the line below the key
        // (refused as no block list, or blaming the new feed for the YAML it made).
        "store: ./s\nfeeds: NULL\n",
        "store: ./s\nfeeds: Null  # none yet\n",
        "store: ./s\nfeeds: !!seq []\n",
        "store: ./s\nfeeds:\n  []\n",
        "store: ./s\nfeeds:\n  ~  # none\n",
    ])
    func aValidFileIsAppendedToAndEveryFeedInItIsRead(_ original: String) throws {
        try folder.write(original, to: "feeds.yaml")
        try folder.write(Self.oneOutline, to: "one.opml")
        #expect(try crawler(["check"]).status == 0)
        let run = try crawler(["import-opml", "one.opml"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let listed = try crawler(["list"]).stdout
        #expect(listed.contains("https://example.com/new.xml"), "\(listed)\n\(folder.read("feeds.yaml") ?? "")")
        #expect(listed.contains("https://a.example/f") == original.contains("a.example"), "\(listed)")
    }

    /// A comment on the line of a closing `...` went with the `...`.
    @Test func aCommentOnADocumentEndLineIsKept() throws {
        try folder.write("feeds:\n  - url: https://a.example/f\n... # end of config: do not remove\n", to: "feeds.yaml")
        try folder.write(Self.oneOutline, to: "one.opml")
        #expect(try crawler(["import-opml", "one.opml"]).status == 0)
        let text = try #require(folder.read("feeds.yaml"))
        #expect(text.contains("\n# end of config: do not remove\n"), "\(text)")
        #expect(try crawler(["list"]).stdout.contains("https://example.com/new.xml"))
    }

    /// Quoting was decided on Characters (grapheme clusters): a title that starts with a combining
    /// mark was taken for quoted already, and a prepended letter (U+0D4E) swallowed the comma
    /// after it; one folder became two categories, a raw bidi override or NEL went into the file,
    /// or a raw C1 control made the whole import fail.
    @Test(arguments: ["Tech\u{0D4E},Injected", "\u{0301}\u{202E}evil", "\u{0301}\u{0080}x", "\u{0301}\u{0085}x: y"])
    func aCategoryIsQuotedByItsScalars(_ folderTitle: String) throws {
        try folder.write("feeds: []\n", to: "feeds.yaml")
        let escaped = folderTitle.unicodeScalars.map { $0.value < 0x20 || (0x7F...0x9F).contains($0.value)
            ? "&#x\(String($0.value, radix: 16));" : String($0) }.joined()
        try folder.write("""
            <opml version="2.0"><body><outline text="\(escaped)">
            <outline text="n" xmlUrl="https://example.com/n.xml"/></outline></body></opml>
            """, to: "cat.opml")
        let run = try crawler(["import-opml", "cat.opml"])
        #expect(run.status == 0, "\(run.stderr)")
        let text = try #require(folder.read("feeds.yaml"))
        #expect(!text.unicodeScalars.contains { [0x80, 0x85, 0x202E].contains($0.value) }, "\(text.debugDescription)")
        let exported = try crawler(["export-opml"]).stdout
        #expect(exported.contains("https://example.com/n.xml"))
        #expect(!exported.contains("text=\"Injected\""), "\(exported)")
    }

    /// A name that ends in a prepended letter and a space: `added aൎ ` was said, `aൎ` stored. A
    /// space at the end of a name is refused now (no one sees it); inside one it is kept.
    @Test func aNameIsWrittenAsGiven() throws {
        let server = try LoopbackHTTPServer { _ in
            ServedResponse(text: "<rss version=\"2.0\"><channel><title>t</title><item><title>i</title></item></channel></rss>")
        }
        try folder.write("feeds: []\n", to: "feeds.yaml")
        for name in ["a\u{0D4E} b", "b\u{0D4E}:"] {
            let run = try crawler(["add", server.url("/\(name.unicodeScalars.first!).xml"), "--name", name,
                                   "--allow-private-networks"])
            #expect(run.status == 0, "\(run.stderr)")
        }
        let text = try #require(folder.read("feeds.yaml"))
        #expect(text.contains("name: 'a\u{0D4E} b'") && text.contains("name: 'b\u{0D4E}:'"), "\(text)")
        #expect(try crawler(["check"]).status == 0)
        let trailing = try crawler(["add", server.url("/c.xml"), "--name", "c\u{0D4E} ", "--allow-private-networks"])
        #expect(trailing.status == 2 && trailing.stderr.contains("begins or ends with white space"), "\(trailing.stderr)")
        #expect(folder.read("feeds.yaml") == text)
    }

    /// A quote after a prepended letter is one character with it: doubling quotes character by
    /// character passed it over, so a folder `Newsൎ', Sponsored` became two categories (and the
    /// read-back, comparing names and URLs only, let it through), and such a name was refused.
    @Test func aQuoteJoinedToTheLetterBeforeItIsDoubled() throws {
        let server = try LoopbackHTTPServer { _ in
            ServedResponse(text: "<rss version=\"2.0\"><channel><title>t</title><item><title>i</title></item></channel></rss>")
        }
        try folder.write("feeds: []\n", to: "feeds.yaml")
        try folder.write("<opml version=\"2.0\"><body><outline text=\"News\u{0D4E}', Sponsored\">"
                         + "<outline text=\"Feed\" xmlUrl=\"https://example.org/f\"/></outline></body></opml>", to: "in.opml")
        let imported = try crawler(["import-opml", "in.opml"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let named = try crawler(["add", server.url("/x.xml"), "--name", "X\u{0D4E}'y", "--allow-private-networks"])
        #expect(named.status == 0, "\(named.stderr)")
        let text = try #require(folder.read("feeds.yaml"))
        #expect(text.contains("['News\u{0D4E}'', Sponsored']") && text.contains("name: 'X\u{0D4E}''y'"), "\(text)")
        #expect(try crawler(["check"]).status == 0)
    }

    /// `add` followed a permanent redirect and compared only where it led with the file: the URL
    /// already configured, typed again, was added a second time.
    @Test func aConfiguredURLThatMovedIsNotAddedAgain() throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/old.xml" ? ServedResponse(status: 301, headers: [("Location", "/feed.xml")])
                : ServedResponse(text: "<rss version=\"2.0\"><channel><title>t</title><item><title>i</title></item></channel></rss>")
        }
        let original = "feeds:\n  - url: \(server.url("/old.xml"))\n    name: mine\n    allow_private_networks: true\n"
        try folder.write(original, to: "feeds.yaml")
        let run = try crawler(["add", server.url("/old.xml"), "--allow-private-networks"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("is already in feeds.yaml (line 2, name mine)"), "\(run.stdout)")
        #expect(folder.read("feeds.yaml") == original)
    }

    /// Appending needs a line break after the file's last line; where that line ends a `|` value,
    /// the break becomes part of the value: a `block:` rule's title silently stopped matching.
    @Test func anEditThatWouldChangeAnExistingValueIsRefused() throws {
        let server = try LoopbackHTTPServer { _ in
            ServedResponse(text: "<rss version=\"2.0\"><channel><title>t</title><item><title>i</title></item></channel></rss>")
        }
        let original = "feeds:\n  - url: https://example.org/a\n    name: a\n    block:\n      - title: |\n          Item 0"
        try folder.write(original, to: "feeds.yaml")
        let run = try crawler(["add", server.url("/b.xml"), "--allow-private-networks"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("would change how its own settings read") && run.stderr.contains("no line break"),
                "\(run.stderr)")
        #expect(folder.read("feeds.yaml") == original)
    }

    /// The same URL as libcurl asks for it: a default port written with a leading zero or empty, dot
    /// segments, a host's trailing dot, a percent-encoded letter in the host, an empty query. Each was imported
    /// again, and fetched twice.
    @Test func spellingsOfOneURLAreOneFeed() throws {
        try folder.write("feeds:\n  - url: https://Example.org/f\n    name: f\n", to: "feeds.yaml")
        let urls = ["https://example.org:0443/f", "https://example.org/./f", "https://example.org/a/../f",
                    "https://example.org./f", "https://exa%6dple.org/f", "https://example.org:/f", "https://example.org/f?"]
        try folder.write("<opml version=\"2.0\"><body>"
                         + urls.enumerated().map { "<outline text=\"s\($0.offset)\" xmlUrl=\"\($0.element)\"/>" }.joined()
                         + "</body></opml>", to: "same.opml")
        let run = try crawler(["import-opml", "same.opml"])
        #expect(run.stdout.contains("added 0 feeds to feeds.yaml; 7 already there"), "\(run.stdout)\(run.stderr)")
    }

    /// XML has no place for U+FFFE, U+FFFF or a lone control: a name holding one made an export
    /// that was not well-formed, and its import added nothing.
    @Test func anExportIsWellFormedWhateverTheNames() throws {
        try folder.write("feeds:\n  - url: \"https://a.example/\\uFFFF\"\n    name: \"n\\uFFFE\"\n    categories: [\"c\\uFFFF\"]\n",
                         to: "feeds.yaml")
        let exported = try crawler(["export-opml"])
        #expect(exported.status == 0, "\(exported.stderr)")
        try folder.write(exported.stdout, to: "out.opml")
        try folder.write("feeds: []\n", to: "other.yaml")
        let run = try CrawlerProcess.run(["import-opml", "out.opml", "--config", "other.yaml"], in: folder.path)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("added 1 feed"), "\(run.stdout)")
    }
    /// `add` wrote where a temporary redirect (302, 307) led: a signed, expiring CDN address or
    /// one node of a balancer, pinned in feeds.yaml. A permanent one (301, 308) is followed.
    @Test func addWritesWhereOnlyAPermanentRedirectLeads() throws {
        let rss = "<rss version=\"2.0\"><channel><title>t</title><item><title>i</title></item></channel></rss>"
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/temporary.xml": return ServedResponse(status: 302, headers: [("Location", "/signed.xml?expires=1&sig=abc")])
            case "/moved.xml": return ServedResponse(status: 301, headers: [("Location", "/new.xml")])
            case "/new.xml": return ServedResponse(status: 307, headers: [("Location", "/node7.xml")])
            default: return ServedResponse(text: rss)
            }
        }
        try folder.write("feeds: []\n", to: "feeds.yaml")
        let temporary = try crawler(["add", server.url("/temporary.xml"), "--allow-private-networks"])
        #expect(temporary.status == 0, "\(temporary.stderr)")
        let moved = try crawler(["add", server.url("/moved.xml"), "--allow-private-networks"])
        #expect(moved.status == 0, "\(moved.stderr)")
        // A password in the URL goes with it where it moved on its origin (it was written without,
        // and the feed then failed with 401 on every crawl).
        let locked = server.url("/moved.xml").replacingOccurrences(of: "://", with: "://u:MYPW@")
        let withPassword = try CrawlerProcess.run(["add", locked, "--allow-private-networks", "--config", "other.yaml"],
                                                  in: folder.path, shellPrefix: "printf 'feeds: []\\n' > other.yaml;")
        #expect(withPassword.status == 0, "\(withPassword.stderr)")
        #expect(folder.read("other.yaml")?.contains(server.url("/new.xml").replacingOccurrences(of: "://", with: "://u:MYPW@")) == true,
                "\(folder.read("other.yaml") ?? "")")
        let text = try #require(folder.read("feeds.yaml"))
        #expect(text.contains("- url: \(server.url("/temporary.xml"))"), "\(text)")
        #expect(text.contains("- url: \(server.url("/new.xml"))"), "\(text)")
        #expect(!text.contains("signed") && !text.contains("node7"), "\(text)")
    }
    /// A copy left by an edit that was killed before its rename (`.feeds.yaml.new-PID`) stayed
    /// for good, and refused every later edit by a process with that number ("does not let a new
    /// copy be made beside it (File exists)"), which in a container is every edit.
    @Test func copiesLeftByAKilledEditAreCleared() throws {
        try folder.write("feeds: []\n", to: "feeds.yaml")
        for pid in [1, 2, 77] { try folder.write("half", to: ".feeds.yaml.new-\(pid)") }
        try folder.write("mine", to: ".feeds.yaml.new-notes")
        try folder.write(Self.oneOutline, to: "one.opml")
        let run = try crawler(["import-opml", "one.opml"])
        #expect(run.status == 0, "\(run.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".feeds.yaml.new-") }
        #expect(left == [".feeds.yaml.new-notes"], "\(left)")
    }
    /// `--config link/../feeds.yaml`, the link to a folder elsewhere: read as text (`./feeds.yaml`)
    /// but written where the kernel finds it (beside the link's target), so `import-opml` said
    /// the file changed while it ran, or wrote another file than the one it read.
    @Test func aConfigPathThroughALinkIsOneFile() throws {
        try FileManager.default.createDirectory(atPath: folder.file("a/b"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder.file("lnk"), withDestinationPath: folder.file("a/b"))
        try folder.write("store: ./inner-store\nfeeds:\n  - url: https://inner.example/f\n    name: inner\n", to: "a/feeds.yaml")
        try folder.write("feeds:\n  - url: https://outer.example/f\n    name: outer\n", to: "feeds.yaml")
        let listed = try crawler(["list", "--config", "lnk/../feeds.yaml"])
        #expect(listed.stdout.contains("inner") && !listed.stdout.contains("outer"), "\(listed.stdout)")
        try folder.write(Self.oneOutline, to: "one.opml")
        let run = try crawler(["import-opml", "one.opml", "--config", "lnk/../feeds.yaml"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(folder.read("a/feeds.yaml")?.contains("https://example.com/new.xml") == true)
        #expect(folder.read("feeds.yaml")?.contains("https://example.com/new.xml") == false)
        let checked = try crawler(["check", "--config", "lnk/../feeds.yaml"])
        #expect(checked.stdout.contains(folder.file("a/inner-store")) || checked.stdout.contains("a/inner-store"), "\(checked.stdout)")
    }
}
