import CLinux
import CrawlerTestKit
import Foundation
import Testing

/// The commands operators coming from other feed readers use first, run as the real binary.
@Suite struct OperatorCommandTests {
    let folder = TemporaryFolder()

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    static let existing = """
        # my feeds
        store: ./store   # keep this comment
        feeds:
          - url: https://lwn.net/headlines/newrss   # LWN
            name: lwn
        """

    static let opml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <opml version="2.0"><head><title>export</title></head><body>
        <outline text="Tech" title="Tech">
          <outline type="rss" text="LWN" xmlUrl="https://lwn.net/headlines/newrss"/>
          <outline type="rss" text="Rust &amp; Co" xmlUrl="https://blog.rust-lang.org/feed.xml"/>
        </outline>
        <outline type="rss" text="Debian" xmlUrl="https://www.debian.org/News/news" category="Linux/Distros"/>
        </body></opml>
        """

    @Test func importOPMLAppendsNewFeedsAndKeepsTheFileAsItWas() throws {
        try folder.write(Self.existing + "\n", to: "feeds.yaml")
        try folder.write(Self.opml, to: "subs.opml")
        let run = try crawler(["import-opml", "subs.opml"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("added 2 feeds to feeds.yaml; 1 already there"))
        let text = try #require(folder.read("feeds.yaml"))
        #expect(text.hasPrefix(Self.existing + "\n"))
        #expect(text.contains("  # Imported from subs.opml\n  - url: https://blog.rust-lang.org/feed.xml\n    name: 'Rust & Co'\n    categories: [Tech]\n"))
        #expect(text.contains("categories: [Linux, Distros]"))
        #expect(try crawler(["check"]).status == 0)
        #expect(try crawler(["import-opml", "subs.opml"]).stdout.contains("added 0 feeds"))
    }

    /// feeds.yaml may hold passwords and cookies: an import writes it whole again, with the
    /// mode and owner it had, and through the link when feeds.yaml is one.
    @Test func importKeepsTheFilesModeAndWritesThroughALink() throws {
        try FileManager.default.createDirectory(atPath: folder.path + "/etc", withIntermediateDirectories: true)
        try folder.write(Self.existing + "\n", to: "etc/real.yaml")
        chmod(folder.path + "/etc/real.yaml", 0o640)
        let asRoot = getuid() == 0
        if asRoot { chown(folder.path + "/etc/real.yaml", 0, 65534) }
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/feeds.yaml", withDestinationPath: "etc/real.yaml")
        try folder.write(Self.opml, to: "subs.opml")
        let run = try crawler(["import-opml", "subs.opml"])
        #expect(run.status == 0, "\(run.stderr)")
        let link = try? FileManager.default.destinationOfSymbolicLink(atPath: folder.path + "/feeds.yaml")
        #expect(link == "etc/real.yaml")
        #expect(folder.read("etc/real.yaml")?.contains("https://blog.rust-lang.org/feed.xml") == true)
        let attributes = try FileManager.default.attributesOfItem(atPath: folder.path + "/etc/real.yaml")
        #expect(attributes[.posixPermissions] as? Int == 0o640)
        #expect(!asRoot || attributes[.groupOwnerAccountID] as? Int == 65534)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path + "/etc") == ["real.yaml"])
    }

    /// What a new copy of feeds.yaml could not keep (a hard link, a read-only mode, an owner and
    /// group a service reads it through) is refused with nothing written; its access list and its
    /// byte order mark are kept.
    @Test func importRefusesWhatANewCopyWouldLoseAndKeepsTheRest() throws {
        try folder.write(Self.opml, to: "subs.opml")
        let original = Self.existing + "\n"
        try folder.write(original, to: "feeds.yaml")
        link(folder.file("feeds.yaml"), folder.file("linked.yaml"))
        var run = try crawler(["import-opml", "subs.opml"])
        #expect(run.status == 2 && run.stderr.contains("2 hard links"), "\(run.stderr)")
        #expect(folder.read("feeds.yaml") == original && !run.stdout.contains("add "), "\(run.stdout)")
        unlink(folder.file("linked.yaml"))
        chmod(folder.file("feeds.yaml"), 0o444)
        run = try crawler(["import-opml", "subs.opml"])
        #expect(run.status == 2 && run.stderr.contains("read-only (mode 444)"), "\(run.stderr)")
        #expect(folder.read("feeds.yaml") == original)

        // A byte order mark and an access list (user 4321 may read) stay.
        try folder.write("\u{FEFF}" + original, to: "feeds.yaml")
        chmod(folder.file("feeds.yaml"), 0o640)
        let acl: [UInt8] = [2, 0, 0, 0] + Self.aclEntry(0x01, 6, 0xFFFF_FFFF) + Self.aclEntry(0x02, 4, 4321)
            + Self.aclEntry(0x04, 4, 0xFFFF_FFFF) + Self.aclEntry(0x10, 4, 0xFFFF_FFFF) + Self.aclEntry(0x20, 0, 0xFFFF_FFFF)
        let set = setxattr(folder.file("feeds.yaml"), "system.posix_acl_access", acl, acl.count, 0)
        run = try crawler(["import-opml", "subs.opml"])
        #expect(run.status == 0, "\(run.stderr)")
        let bytes = try #require(FileManager.default.contents(atPath: folder.file("feeds.yaml")))
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]) && bytes.dropFirst(3).first != 0xEF)
        #expect(String(decoding: bytes, as: UTF8.self).contains("https://blog.rust-lang.org/feed.xml"))
        if set == 0 {  // a filesystem with access lists
            var kept = [UInt8](repeating: 0, count: 256)
            let size = getxattr(folder.file("feeds.yaml"), "system.posix_acl_access", &kept, kept.count)
            #expect(size == acl.count && Array(kept.prefix(max(0, size))) == acl, "the access list was lost")
        }
    }

    /// One entry of a POSIX access list as Linux stores it: tag, permissions, id (little-endian).
    private static func aclEntry(_ tag: UInt16, _ permissions: UInt16, _ id: UInt32) -> [UInt8] {
        withUnsafeBytes(of: tag.littleEndian, Array.init) + withUnsafeBytes(of: permissions.littleEndian, Array.init)
            + withUnsafeBytes(of: id.littleEndian, Array.init)
    }

    /// A user in feeds.yaml's group (mode 0660, owned by root) may not replace it with a copy of
    /// their own, which the group's service could no longer read.
    @Test func importByAnotherUserRefusesToTakeTheFileOver() throws {
        guard getuid() == 0 else { return }  // needs root to set up the owners
        try folder.write(Self.opml, to: "subs.opml")
        let original = Self.existing + "\n"
        try folder.write(original, to: "feeds.yaml")
        chown(folder.path, 0, 1234)
        chmod(folder.path, 0o775)
        chown(folder.file("feeds.yaml"), 0, 1234)
        chmod(folder.file("feeds.yaml"), 0o660)
        chmod(folder.file("subs.opml"), 0o644)
        let run = try CrawlerProcess.run(["--reuid=65534", "--regid=65534", "--groups=1234", "--",
                                          CrawlerProcess.binaryForAnyone, "import-opml", "subs.opml"],
                                         in: folder.path, executable: "/usr/bin/setpriv")
        #expect(run.status == 2 && run.stderr.contains("its owner and group (0:1234)"), "\(run.stderr)")
        #expect(folder.read("feeds.yaml") == original)
        var info = stat()
        #expect(stat(folder.file("feeds.yaml"), &info) == 0 && info.st_uid == 0 && info.st_gid == 1234)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["feeds.yaml", "subs.opml"])
    }

    /// Two imports at once: each adds its feeds, or says the file changed under it and writes
    /// nothing; never do both succeed with one's feeds lost.
    @Test func importsAtOnceNeverLoseAnEntry() throws {
        for round in 0..<8 {
            try folder.write(Self.existing + "\n", to: "feeds.yaml")
            for side in ["a", "b"] {
                try folder.write("<opml version=\"2.0\"><body><outline text=\"\(side)\" xmlUrl=\"https://\(side).example/\(round)\"/>"
                                 + "</body></opml>", to: "\(side).opml")
            }
            // Started together by one shell, each side's status and messages kept in files.
            let side = { (name: String) in
                "('\(CrawlerProcess.binary)' import-opml \(name).opml > \(name).out 2> \(name).err; echo $? > \(name).status) &"
            }
            _ = try CrawlerProcess.run(["-c", side("a") + side("b") + " wait"], in: folder.path, executable: "/bin/bash")
            let text = folder.read("feeds.yaml") ?? ""
            for name in ["a", "b"] {
                let status = folder.read("\(name).status")?.trimmingCharacters(in: .whitespacesAndNewlines)
                let stderr = folder.read("\(name).err") ?? ""
                let stored = text.contains("https://\(name).example/\(round)")
                let refused = !stored && stderr.contains("changed while this command ran")
                #expect(status == "0" ? stored : (status == "2" && refused),
                        "round \(round), \(name): status \(status ?? "?"), \(stderr)\n\(text)")
            }
        }
    }

    /// Titles YAML would read as something else (`%`, null, a boolean), or broken over lines,
    /// become the names they were; files with CR LF, `feeds: [ ]`, a comment or `...` take them.
    @Test func importWritesNamesThatReadBackAsWrittenIntoAnyLayout() throws {
        let opml = """
            <?xml version="1.0"?><opml version="2.0"><body>
            <outline text="%pct" xmlUrl="https://a.example/1"/><outline text="null" xmlUrl="https://a.example/2"/>
            <outline text="~" xmlUrl="https://a.example/3"/><outline text="Yes" xmlUrl="https://a.example/4"/>
            <outline text="two&#10;lines" xmlUrl="https://a.example/5"/>
            </body></opml>
            """
        try folder.write(opml, to: "subs.opml")
        let layouts = ["feeds: [ ]   # none yet\n", "store: ./s\r\nfeeds: []\r\n", "feeds:\n-   url: https://b.example/x\n...\n"]
        for layout in layouts {
            try folder.write(layout, to: "feeds.yaml")
            let run = try crawler(["import-opml", "subs.opml"])
            #expect(run.status == 0, "\(layout): \(run.stderr)")
            let list = try crawler(["list"])
            #expect(list.status == 0, "\(layout): \(list.stderr)")
            let names = list.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
            for name in ["%pct", "null", "~", "Yes", "two"] { #expect(names.contains(name), "\(layout): \(list.stdout)") }
            #expect(list.stdout.contains("two lines"), "\(list.stdout)")
            let text = try #require(folder.read("feeds.yaml"))
            if layout.contains("\r\n") { #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "\(text)") }
        }
    }

    /// `categories: null` is no categories, as null is no value for every other key.
    @Test func nullCategoriesAreNoCategories() throws {
        try folder.write("feeds:\n  - url: https://a.example/1\n    name: one\n    categories: null\n"
                         + "  - url: https://a.example/2\n    name: two\n    categories: ~\n", to: "feeds.yaml")
        let list = try crawler(["list"])
        #expect(list.status == 0)
        #expect(!list.stdout.contains("null") && !list.stdout.contains("~"), "\(list.stdout)")
        #expect(!(try crawler(["export-opml"]).stdout.contains("text=\"null\"")))
    }

    /// `check` said "writable" of a store path that is a file; `once` then failed.
    @Test func checkRefusesAStorePathThatIsAFile() throws {
        try folder.write("store: ./store\nfeeds:\n  - url: https://a.example/1\n", to: "feeds.yaml")
        try folder.write("not a folder\n", to: "store")
        let run = try crawler(["check"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("store \(folder.path)/store: \(folder.path)/store is a file, not a folder"), "\(run.stdout)")
    }

    @Test func exportedOPMLImportsBackToTheSameFeeds() throws {
        try folder.write(Self.existing + "\n  - url: https://example.org/a.xml\n    name: a\n    categories: [News]\n",
                         to: "feeds.yaml")
        let exported = try crawler(["export-opml"])
        #expect(exported.status == 0)
        try folder.write(exported.stdout, to: "out.opml")
        try folder.write("feeds: []\n", to: "empty.yaml")
        #expect(try crawler(["import-opml", "out.opml", "--config", "empty.yaml"]).status == 0)
        let check = try crawler(["export-opml", "--config", "empty.yaml"])
        #expect(check.stdout == exported.stdout)
    }

    @Test func addDiscoversTheFeedAPageLinksTo() throws {
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/blog/":
                return ServedResponse(contentType: "text/html", text: """
                    <html><head><link rel="stylesheet" href="/s.css">
                    <link rel="alternate" type="application/atom+xml" title="Atom" href="/blog/atom.xml"></head></html>
                    """)
            case "/blog/atom.xml":
                return ServedResponse(contentType: "application/atom+xml", text: """
                    <feed xmlns="http://www.w3.org/2005/Atom"><title>A Blog</title>
                    <entry><title>Hi</title><id>1</id><updated>2024-01-01T00:00:00Z</updated></entry></feed>
                    """)
            default: return ServedResponse(status: 404, text: "")
            }
        }
        try folder.write("feeds: []\n", to: "feeds.yaml")
        let run = try crawler(["add", server.url("/blog/"), "--categories", "Blogs", "Friends"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("(atom10, \"A Blog\", 1 item)"))
        let text = try #require(folder.read("feeds.yaml"))
        #expect(text.contains("- url: \(server.url("/blog/atom.xml"))"))
        #expect(text.contains("categories: [Blogs, Friends]"))
        let again = try crawler(["add", server.url("/blog/atom.xml")])
        #expect(again.stdout.contains("already in feeds.yaml"))
        let nothing = try crawler(["add", server.url("/missing")])
        #expect(nothing.status == 1)
        #expect(nothing.stderr.contains("HTTP 404"))
    }

    @Test func checkProbeSaysWhichFeedsWorkWithoutStoringAnything() throws {
        let server = try LoopbackHTTPServer { request in
            switch request.path {
            case "/feed.xml": return ServedResponse(text: GoldenDocument.rssFeed(items: []))
            case "/page": return ServedResponse(contentType: "text/html", text: """
                <html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head></html>
                """)
            case "/busy": return ServedResponse(status: 429, headers: [("Retry-After", "120")], body: [])
            case "/moved": return ServedResponse(status: 301, headers: [("Location", "/feed.xml")], body: [])
            default: return ServedResponse(status: 404, text: "")
            }
        }
        let decimal = server.url("/feed.xml").replacingOccurrences(of: "127.0.0.1", with: "2130706433")
        try folder.write("""
            store: ./store
            feeds:
              - url: \(server.url("/moved"))
                name: moved
              - url: \(decimal)
                name: decimal
              - url: \(server.url("/busy"))
                name: busy
              - url: \(server.url("/feed.xml"))
                name: good
              - url: \(server.url("/page"))
                name: page
              - url: \(server.url("/gone"))
                name: missing
            """, to: "feeds.yaml")
        let run = try crawler(["check", "--probe"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("ok    good  rss2, 0 items"))
        #expect(run.stdout.contains("ok    moved  rss2, 0 items; redirects to \(server.url("/feed.xml"))"), "\(run.stdout)")
        // Round 59: a URL only written otherwise "redirected" to its normal form.
        #expect(run.stdout.contains("ok    decimal  rss2, 0 items\n"), "\(run.stdout)")
        #expect(run.stdout.contains("FAIL  page  not a feed") && run.stdout.contains("links to the feed \(server.url("/feed.xml"))"))
        #expect(run.stdout.contains("FAIL  missing  HTTP 404 Not Found"))
        // Round 48: the server's wait was left out, which a crawl's line gives.
        #expect(run.stdout.contains("FAIL  busy  HTTP 429 Too Many Requests; asked to retry after 120 s"), "\(run.stdout)")
        #expect(folder.files(under: "store").isEmpty)
    }

    @Test func checkReportsABadFileWithLineNumbers() throws {
        try folder.write("feeds:\n  - url: https://example.org/a\n    timeout: 5s\n", to: "feeds.yaml")
        let run = try crawler(["check"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("feeds.yaml:3: feeds[0].timeout: unknown key 'timeout'"))
    }
}

@Suite struct OutputProfileCommandTests {
    let folder = TemporaryFolder()

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    @Test func jekyllOutputIsLaidOutForJekyllAndVerifiesAndRebuilds() throws {
        let golden = try GoldenDocument.all()
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: GoldenDocument.rssFeed(items: golden.map(\.rssItem))) }
        try folder.write("output: jekyll\nstore: ./site\nfeeds:\n  - url: \(server.url("/feed"))\n    name: sina\n",
                         to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        let files = folder.files(under: "site/_posts")
        #expect(files.count == 2)
        #expect(files.contains { $0.hasPrefix("2022-02-16-") && $0.hasSuffix(".html") })
        let text = try #require(folder.read("site/_posts/" + files[0]))
        #expect(text.hasPrefix("---\nlayout: post\ntitle: '"))
        #expect(try crawler(["store", "verify"]).status == 0)
        try? FileManager.default.removeItem(atPath: folder.file("site/index.sqlite"))
        // Without its index, a crawl started a new one beside the documents and stored every item again.
        let refused = try crawler(["once"])
        #expect(refused.status == 3 && refused.stderr.contains("run `crawler store rebuild-index`"), "\(refused.stderr)")
        #expect(folder.files(under: "site/_posts").count == 2)
        // Nor with another document_path given at the same time: the documents are elsewhere.
        try folder.write("output: jekyll\nstore: ./site\ndocument_path: blog/{year}/{hash}.html\nfeeds:\n"
                         + "  - url: \(server.url("/feed"))\n    name: sina\n", to: "feeds.yaml")
        let moved = try crawler(["once"])
        #expect(moved.status == 3 && moved.stderr.contains("under _posts/"), "\(moved.stderr)")
        try folder.write("output: jekyll\nstore: ./site\nfeeds:\n  - url: \(server.url("/feed"))\n    name: sina\n",
                         to: "feeds.yaml")
        // An empty index (a failed copy, a full disk) is no index either.
        try folder.write("", to: "site/index.sqlite")
        let empty = try crawler(["once"])
        #expect(empty.status == 3 && empty.stderr.contains("run `crawler store rebuild-index`"), "\(empty.stderr)")
        #expect(try crawler(["store", "rebuild-index"]).stdout.contains("indexed 2 documents"))
        #expect(try crawler(["once"]).stdout.contains("0 new, 2 dup"))
    }

    @Test func aTemplateThatDoesNotCompileIsAConfigError() throws {
        try folder.write("{{#broken}}", to: "post.mustache")
        try folder.write("output: template\ntemplate: post.mustache\nfeeds: []\n", to: "feeds.yaml")
        let run = try crawler(["once"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("template"))
    }
}

@Suite struct ProgressLineTests {
    let folder = TemporaryFolder()

    @Test func onATerminalOnceDrawsALiveProgressLineAndOffOneOnlyLogLines() throws {
        let farm = FeedFarm(feeds: 3, itemsPerFeed: 2)
        let server = try farm.server()
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        let piped = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(!piped.stderr.contains("feeds]"))
        #expect(piped.stderr.contains("event=fetch"))
        // script(1) gives the command a pseudo-terminal, as an operator's shell would.
        try? FileManager.default.removeItem(atPath: folder.file("store"))
        let terminal = try CrawlerProcess.run(["-qec", "'\(CrawlerProcess.binary)' once 2>&1", "/dev/null"],
                                              in: folder.path, executable: "/usr/bin/script")
        #expect(terminal.status == 0, "\(terminal.stdout)")
        #expect(terminal.stdout.contains("[3/3 feeds] 6 new documents, 0 failed"))
    }
}
