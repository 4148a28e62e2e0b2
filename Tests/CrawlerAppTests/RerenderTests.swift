import CrawlerTestKit
import Foundation
import Testing

/// `crawler store rerender` and the check that refuses to mix formats, through the real binary.
@Suite struct RerenderTests {
    let folder = TemporaryFolder()
    let feeds: RevisionFeedServer

    init() throws {
        feeds = try RevisionFeedServer()
        feeds.serve("healthy", items: [RevisionFeedServer.item(guid: "h1", title: "Healthy", body: "steady text")])
        feeds.serve("news", items: (1...5).map {
            RevisionFeedServer.item(guid: "n\($0)", title: "Story \($0)", body: "story number \($0)",
                                    date: "Sun, 0\($0) Nov 2026 10:00:00 +0000")
        })
    }

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    private func storeWithHexoDocuments() throws -> [String: String] {
        try folder.write(feeds.config(["news", "healthy"]), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        let documents = folder.documents()
        #expect(documents.count == 6)
        return documents
    }

    @Test func aChangedOutputIsRefusedUntilTheStoreIsRerendered() throws {
        let hexo = try storeWithHexoDocuments()
        try folder.write(feeds.config(["news", "healthy"], global: "output: hugo\n"), to: "feeds.yaml")
        let refused = try crawler(["once"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("holds 6 documents written with output: hexo"))
        #expect(refused.stderr.contains("Run `crawler store rerender`"))
        #expect(folder.documents() == hexo)

        let rerender = try crawler(["store", "rerender"])
        #expect(rerender.status == 0, "\(rerender.stderr)")
        #expect(rerender.stdout.contains("rewrote 6 of 6 documents"))
        let hugo = folder.documents()
        // Hugo's content files are .html (Hugo would run Markdown over a .md): same places, new names.
        #expect(Set(hugo.keys) == Set(hexo.keys.map { $0.replacingOccurrences(of: ".md", with: ".html") }))
        #expect(hugo.values.allSatisfy { $0.contains("draft: false") })
        #expect(hugo.values.contains { $0.contains("steady text") })

        let again = try crawler(["once"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("0 new documents"))
        let rerun = try crawler(["store", "rerender"]).stdout
        #expect(rerun.contains("rewrote 0 of 6 documents") && rerun.contains("(0 moved, 6 already up to date)"), "\(rerun)")
    }

    /// Round 65: posts lost (an older backup of the posts put back, a wrong rsync) could not be
    /// written again though the index kept everything they were made from: verify offered only
    /// forgetting them, and rerender left them "deleted by hand". `rerender --missing` writes
    /// them again, byte for byte; one moved by hand elsewhere in the store is not doubled.
    @Test func rerenderMissingWritesAgainTheDocumentsWhoseFilesAreGone() throws {
        let before = try storeWithHexoDocuments()
        let lost = before.keys.sorted().filter { before[$0]?.contains("story number 2") == true || before[$0]?.contains("steady text") == true }
        #expect(lost.count == 2)
        for path in lost { try FileManager.default.removeItem(atPath: folder.file("store/" + path)) }
        let moved = try #require(before.keys.sorted().first { before[$0]?.contains("story number 3") == true })
        try FileManager.default.createDirectory(atPath: folder.file("store/posts/mine"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: folder.file("store/" + moved),
                                         toPath: folder.file("store/posts/mine/" + (moved as NSString).lastPathComponent))
        let verify = try crawler(["store", "verify"])
        #expect(verify.stdout.contains("\(lost[0]): missing:") && verify.stdout.contains("rerender --store"), "\(verify.stdout)")
        #expect(verify.stdout.contains("' --missing"), "\(verify.stdout)")
        let dry = try crawler(["store", "rerender", "--missing", "--dry-run"])
        #expect(dry.stdout.contains("would write again 2 documents whose file was gone"), "\(dry.stdout)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("store/" + lost[0])))
        let rerender = try crawler(["store", "rerender", "--missing"])
        #expect(rerender.status == 0, "\(rerender.stderr)")
        #expect(rerender.stdout.contains("wrote again 2 documents whose file was gone"), "\(rerender.stdout)")
        for path in lost { #expect(folder.read("store/" + path) == before[path], "\(path)") }
        #expect(!FileManager.default.fileExists(atPath: folder.file("store/" + moved)), "moved by hand: not doubled")
        #expect(try crawler(["once"]).stdout.contains("0 new documents"))
        // Round 65: a folder in a document's place was "not on disk", and forget's advice failed.
        let blocked = lost[0]
        try FileManager.default.removeItem(atPath: folder.file("store/" + blocked))
        try FileManager.default.createDirectory(atPath: folder.file("store/" + blocked), withIntermediateDirectories: true)
        try folder.write("precious", to: "store/\(blocked)/precious.txt")
        let found = try crawler(["store", "verify"])
        #expect(found.stdout.contains("\(blocked): a folder stands where this document belongs; move it away"), "\(found.stdout)")
        try FileManager.default.moveItem(atPath: folder.file("store/" + blocked), toPath: folder.file("kept-folder"))
        #expect(try crawler(["store", "rerender", "--missing"]).stdout.contains("wrote again 1 document whose file was gone"))
        #expect(folder.read("store/" + blocked) == before[blocked])
    }

    /// A store an older crawler wrote holds documents without source values, which a rerender
    /// cannot write in new settings: it left them as they were, recorded the new `output:` and
    /// exited 0, and crawls went on into a store of Hexo and Hugo files that `verify` called
    /// clean. Such a rerender leaves the store refused, and says why and what to do.
    @Test func documentsWithoutSourceValuesKeepAChangedOutputRefused() throws {
        let hexo = try storeWithHexoDocuments()
        let sql = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(\"DELETE FROM sources WHERE feed = 'news'\"); c.commit()"
        let python = try CrawlerProcess.run(["-c", sql, folder.file("store/index.sqlite")], in: folder.path,
                                            executable: "/usr/bin/python3")
        #expect(python.status == 0, "\(python.stderr)")
        // Without item values a lost post cannot be written again: verify does not offer it (the review's point).
        let lost = try #require(hexo.keys.sorted().first { hexo[$0]?.contains("story number 1") == true })
        try FileManager.default.removeItem(atPath: folder.file("store/" + lost))
        let verify = try crawler(["store", "verify"])
        #expect(verify.stdout.contains("\(lost): missing:") && !verify.stdout.contains("rerender --store"), "\(verify.stdout)")
        try folder.write(try #require(hexo[lost]), to: "store/" + lost)
        try folder.write(feeds.config(["news", "healthy"], global: "output: hugo\n"), to: "feeds.yaml")
        let dry = try crawler(["store", "rerender", "--dry-run"])
        #expect(dry.stdout.contains("left 5 documents as they are: the index holds no item values for them"), "\(dry.stdout)")
        // Round 59: the dry run said the store "stays half rewritten" and that crawls refuse it; it wrote nothing.
        #expect(dry.status == 1 && dry.stderr.contains("the rerender would not finish (dry run: nothing was rewritten): "
                                                        + "5 documents whose item values the index does not hold"), "\(dry.stderr)")
        #expect(!dry.stderr.contains("half rewritten"), "\(dry.stderr)")
        // Round 53: refused before anything is moved, not after rewriting what it could.
        let rerender = try crawler(["store", "rerender"])
        #expect(rerender.status == 1, "\(rerender.stdout)\(rerender.stderr)")
        #expect(rerender.stderr.contains("nothing was rewritten: 5 documents whose item values the index does not hold"), "\(rerender.stderr)")
        #expect(folder.documents() == hexo)
        let refused = try crawler(["once"])
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("rerender"), "\(refused.stderr)")
        try folder.write(feeds.config(["news", "healthy"]), to: "feeds.yaml")
        let back = try crawler(["store", "rerender"])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(folder.documents() == hexo)
        #expect(try crawler(["once"]).status == 0)
    }

    /// Round 19: an index lost and rebuilt from the files forgot the settings they were written
    /// with: `output: hugo` then wrote Hugo files beside the Hexo ones, and `verify` found nothing
    /// wrong. The rebuild records the configuration's settings when every file is where they put it.
    @Test func aRebuiltIndexStillRefusesAChangedOutput() throws {
        let hexo = try storeWithHexoDocuments()
        for name in ["index.sqlite", "index.sqlite-wal", "index.sqlite-shm"] {
            try? FileManager.default.removeItem(atPath: folder.file("store/" + name))
        }
        let rebuilt = try crawler(["store", "rebuild-index"])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        feeds.serve("healthy", items: [RevisionFeedServer.item(guid: "h1", title: "Healthy", body: "steady text"),
                                       RevisionFeedServer.item(guid: "h2", title: "Another", body: "another text")])
        try folder.write(feeds.config(["news", "healthy"], global: "output: hugo\n"), to: "feeds.yaml")
        let refused = try crawler(["once"])
        #expect(refused.status == 2, "\(refused.stderr.suffix(800))")
        #expect(refused.stderr.contains("holds 6 documents written with output: hexo"), "\(refused.stderr.suffix(800))")
        #expect(folder.documents() == hexo)
    }

    private func loseIndex() {
        for name in ["index.sqlite", "index.sqlite-wal", "index.sqlite-shm"] {
            try? FileManager.default.removeItem(atPath: folder.file("store/" + name))
        }
    }

    /// Round 20: the index lost, rebuild-index under another `output:` than the files' left every
    /// file out ("indexed 0 documents") and exited 0, and the next crawl stored every item again
    /// beside them; under one whose documents sit in the same places (Jekyll where Hugo's were) it
    /// recorded the configuration's settings for Hugo's files.
    @Test func aRebuildUnderAnotherOutputFailsOrRecordsNothing() throws {
        try folder.write(feeds.config(["news", "healthy"], global: "output: hugo\n"), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        let hugo = folder.documents()
        loseIndex()
        try folder.write(feeds.config(["news", "healthy"]), to: "feeds.yaml")
        let underHexo = try crawler(["store", "rebuild-index"])
        #expect(underHexo.status == 1, "\(underHexo.stdout)\(underHexo.stderr)")
        #expect(underHexo.stderr.contains("6 files in the store did not read as documents of output: hexo"), "\(underHexo.stderr)")
        // Round 21: the next crawl stored every item again beside them all the same.
        let refused = try crawler(["once"])
        #expect(refused.status == 2, "\(refused.stderr.suffix(600))")
        #expect(refused.stderr.contains("6 files that read as written by an output other than hexo, left out by rebuild-index"),
                "\(refused.stderr)")
        #expect(folder.documents() == hugo)
        // Round 46: status said every feed was fine, exit 0, while crawls were refused.
        let status = try crawler(["status", "--failing"])
        #expect(status.status == 1 && status.stdout.contains("left out by rebuild-index"), "\(status.stdout)")

        loseIndex()
        try folder.write(feeds.config(["news", "healthy"], global: "output: jekyll\ndocument_path: posts/{year}/{month}/{hash}.html\n"),
                         to: "feeds.yaml")
        let underJekyll = try crawler(["store", "rebuild-index"])
        #expect(underJekyll.stdout.contains("the settings the documents were written with are not recorded"), "\(underJekyll.stdout)")
        try folder.write(feeds.config(["news", "healthy"], global: "output: hugo\n"), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        #expect(folder.documents() == hugo)
    }

    /// Round 21: a document a crash left empty is no file of another output: rebuild-index
    /// leaves it out (the next crawl stores it again) and succeeds; it exited 1, advising a change
    /// of `output:`.
    @Test func aRebuildWithAnEmptiedDocumentSucceeds() throws {
        let documents = try storeWithHexoDocuments()
        let emptied = try #require(documents.keys.sorted().first)
        try folder.write("", to: "store/" + emptied)
        loseIndex()
        let rebuilt = try crawler(["store", "rebuild-index"])
        #expect(rebuilt.status == 0, "\(rebuilt.stdout)\(rebuilt.stderr)")
        #expect(rebuilt.stdout.contains("indexed 5 documents"), "\(rebuilt.stdout)")
    }

    /// Round 20: files where no `document_path:` of the configuration puts them (only where the
    /// default did) had that document_path recorded as theirs.
    @Test func aRebuildUnderAnotherLayoutRecordsNothing() throws {
        _ = try storeWithHexoDocuments()
        loseIndex()
        try folder.write(feeds.config(["news", "healthy"], global: "document_path: posts/{year}/{hash}.md\n"), to: "feeds.yaml")
        let rebuilt = try crawler(["store", "rebuild-index"])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        #expect(rebuilt.stdout.contains("the settings the documents were written with are not recorded"), "\(rebuilt.stdout)")
        try folder.write(feeds.config(["news", "healthy"]), to: "feeds.yaml")
        let once = try crawler(["once"])
        #expect(once.status == 0, "\(once.stderr.suffix(600))")
    }

    /// The site owner's own edits went: a post corrected by hand was rewritten (in place, or to
    /// its new name, the edited file deleted), and a file the owner had put where a document moved
    /// was written over; `verify` then found nothing wrong. Storing keeps such a file beside the
    /// document as `NAME.edited`; so does a rerender now, and says so.
    @Test func theOwnersEditsAndFilesAreKeptBesideTheRewrittenDocuments() throws {
        let hexo = try storeWithHexoDocuments()
        let paths = hexo.keys.sorted()
        let edited = paths[0], blocker = paths[1].replacingOccurrences(of: ".md", with: ".html")
        try folder.write(hexo[edited]! + "\nOWNER EDIT\n", to: "store/" + edited)
        try folder.write("the owner's own page\n", to: "store/" + blocker)
        try folder.write(feeds.config(["news", "healthy"], global: "output: hugo\n"), to: "feeds.yaml")
        let rerender = try crawler(["store", "rerender"])
        #expect(rerender.status == 0, "\(rerender.stderr)")
        #expect(rerender.stdout.contains("kept 2 files"), "\(rerender.stdout)")
        let everything = folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
        #expect(everything.contains { $0.contains("OWNER EDIT") }, "\(folder.files(under: "store/posts"))")
        #expect(everything.contains { $0 == "the owner's own page\n" })
        #expect(folder.read("store/" + blocker)?.contains("draft: false") == true)
        let verify = try crawler(["store", "verify"])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.contains(".edited"), "\(verify.stdout)")
        // Hidden (round 15): Jekyll published `NAME.html.edited` in `_posts/` as a second post.
        let aside = folder.files(under: "store/posts").filter { $0.contains(".edited") }
        #expect(!aside.isEmpty && aside.allSatisfy { ($0.split(separator: "/").last ?? "").hasPrefix(".") }, "\(aside)")
    }

    /// Round 14: a rerender with the same output settings (after a feed's settings changed, or
    /// just to be sure) put the crawler's version back over a post edited by hand and moved the
    /// edit to `NAME.edited`, which the site does not publish; `verify` had promised that rerender
    /// keeps an edit. An edit stays in place now; only a changed output (whose documents must all
    /// be in the new format) sets it aside, and `--dry-run` names those first.
    @Test func aRerenderWithTheSameOutputKeepsAHandEditInPlace() throws {
        let hexo = try storeWithHexoDocuments()
        let edited = hexo.keys.sorted()[0]
        let mine = hexo[edited]!.replacingOccurrences(of: "story number", with: "OWNER EDIT story number")
            .replacingOccurrences(of: "steady text", with: "OWNER EDIT steady text")
        #expect(mine != hexo[edited]!)
        try folder.write(mine, to: "store/" + edited)
        let rerender = try crawler(["store", "rerender"])
        #expect(rerender.status == 0, "\(rerender.stderr)")
        #expect(folder.read("store/" + edited) == mine, "\(rerender.stdout)")
        #expect(!folder.files(under: "store/posts").contains { $0.contains(".edited") }, "\(folder.files(under: "store/posts"))")
        #expect(rerender.stdout.contains("left 1 document edited by hand as it is: " + edited), "\(rerender.stdout)")

        try folder.write(feeds.config(["news", "healthy"], global: "output: hugo\n"), to: "feeds.yaml")
        let dry = try crawler(["store", "rerender", "--dry-run"])
        #expect(dry.stdout.contains("would set aside 1 document edited by hand as .NAME.edited"), "\(dry.stdout)")
        #expect(dry.stdout.contains(edited), "\(dry.stdout)")
        #expect(folder.read("store/" + edited) == mine)
    }

    @Test func theDaemonRefusesAChangedOutputAtStartToo() throws {
        let hexo = try storeWithHexoDocuments()
        try folder.write(feeds.config(["news", "healthy"], global: "output: jekyll\n"), to: "feeds.yaml")
        let daemon = try crawler(["run"])
        #expect(daemon.status == 2)
        let line = daemon.stderr.split(separator: "\n").map { LogLine(String($0)) }.first { $0["event"] == "store_profile" }
        #expect(line?["error"]?.contains("Run `crawler store rerender`") == true, "\(daemon.stderr)")
        #expect(folder.documents() == hexo)
    }

    @Test func aReloadThatChangesTheOutputIsRejectedAndTheDaemonGoesOn() throws {
        try folder.write(feeds.config(["news", "healthy"], global: "interval: 1h\n"), to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        daemon.waitFor { $0["event"] == "fetch" && $0["feed"] == "healthy" }
        let before = folder.documents()
        try folder.write(feeds.config(["news", "healthy"], global: "interval: 1h\noutput: hugo\n"), to: "feeds.yaml")
        daemon.signal(SIGHUP)
        let reload = daemon.waitFor { $0["event"] == "config_reload" }
        #expect(reload.first?["status"] == "rejected")
        #expect(reload.first?["error"]?.contains("run `crawler store rerender`") == true)
        #expect(daemon.terminate().status == 0)
        #expect(folder.documents() == before)
    }

    @Test func aChangedDocumentPathMovesEveryDocument() throws {
        let before = try storeWithHexoDocuments()
        try folder.write(feeds.config(["news", "healthy"], global: "document_path: articles/{year}-{month}-{day}-{hash}.md\n"),
                         to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 2)
        let rerender = try crawler(["store", "rerender"])
        #expect(rerender.stdout.contains("rewrote 6 of 6 documents in ") && rerender.stdout.contains("(6 moved"),
                "\(rerender.stdout)")
        #expect(folder.documents(under: "posts").isEmpty)
        let moved = folder.documents(under: "articles")
        #expect(moved.count == 6)
        #expect(Set(moved.values) == Set(before.values))
        #expect(moved.keys.contains { $0.hasPrefix("articles/2026-11-01-") })
        #expect(try crawler(["store", "verify"]).status == 0)
        #expect(try crawler(["once"]).stdout.contains("0 new documents"))
    }

    /// `{month}` to `{day}`: every old path still fit the new pattern's shape, and nothing moved.
    @Test func aPatternOfTheSameShapeMovesEveryDocument() throws {
        _ = try storeWithHexoDocuments()
        try folder.write(feeds.config(["news", "healthy"], global: "document_path: posts/{year}/{day}/{hash}.md\n"),
                         to: "feeds.yaml")
        let rerender = try crawler(["store", "rerender"])
        #expect(rerender.stdout.contains("(6 moved"), "\(rerender.stdout)")
        #expect(folder.documents().keys.contains { $0.hasPrefix("posts/2026/01/") }, "\(folder.documents().keys)")
        #expect(try crawler(["store", "verify"]).status == 0)
    }

    @Test func dryRunSaysWhatWouldChangeAndWritesNothing() throws {
        let before = try storeWithHexoDocuments()
        try folder.write(feeds.config(["news", "healthy"], global: "output: jekyll\n"), to: "feeds.yaml")
        let dry = try crawler(["store", "rerender", "--dry-run"])
        #expect(dry.stdout.contains("would rewrite 6 of 6 documents"), "\(dry.stdout)")
        #expect(folder.documents() == before)
        #expect(try crawler(["once"]).status == 2)
    }

    /// `--feed` after a change of output turned that feed's documents alone into the new format:
    /// a store of two formats that nothing reported, and crawls went on writing the old one.
    /// Its dry run (round 44) said "would rewrite" and exited 0: it refuses as the run does.
    @Test func oneFeedIsNotRerenderedIntoAnotherFormat() throws {
        let before = try storeWithHexoDocuments()
        try folder.write(feeds.config(["news", "healthy"], global: "output: hugo\n"), to: "feeds.yaml")
        let dry = try crawler(["store", "rerender", "--feed", "news", "--dry-run"])
        #expect(dry.status == 2, "\(dry.stdout)\(dry.stderr)")
        #expect(dry.stderr.contains("would leave it in two formats") && !dry.stdout.contains("would rewrite"), "\(dry.stdout)")
        let refused = try crawler(["store", "rerender", "--feed", "news"])
        #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("would leave it in two formats"), "\(refused.stderr)")
        #expect(folder.documents() == before)
    }

    /// A post the site owner deleted was written again by a rerender, and one moved by hand was
    /// written at its old place too (published twice); the dry run said neither.
    @Test func postsDeletedOrMovedByHandAreNotWrittenAgain() throws {
        let before = try storeWithHexoDocuments()
        let story1 = try #require(before.first { $0.value.contains("story number 1") }?.key)
        let story2 = try #require(before.first { $0.value.contains("story number 2") }?.key)
        try FileManager.default.removeItem(atPath: folder.file("store/" + story1))
        try FileManager.default.createDirectory(atPath: folder.file("store/posts/featured"), withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: folder.file("store/" + story2),
                                         toPath: folder.file("store/posts/featured/" + (story2 as NSString).lastPathComponent))
        try folder.write(feeds.config(["news", "healthy"], global: "output: hugo\n"), to: "feeds.yaml")
        let dry = try crawler(["store", "rerender", "--dry-run"])
        #expect(dry.stdout.contains("left 2 documents not at their place (deleted or moved by hand)"), "\(dry.stdout)")
        let rerender = try crawler(["store", "rerender"])
        #expect(rerender.status == 0, "\(rerender.stderr)")
        #expect(rerender.stdout.contains("rewrote 4 of 6 documents"), "\(rerender.stdout)")
        let after = folder.documents()
        #expect(!after.values.contains { $0.contains("story number 1") }, "\(after.keys.sorted())")
        #expect(after.values.filter { $0.contains("story number 2") }.count == 1, "\(after.keys.sorted())")
        #expect(try crawler(["once"]).status == 0)
        #expect(!folder.documents().values.contains { $0.contains("story number 1") })
    }

    /// A feed removed from feeds.yaml keeps its posts; a rerender into another format left them
    /// in the old one and recorded the new: a Hugo site with a Hexo `.md` among its posts, a clean
    /// `verify`, and crawls writing on.
    @Test func documentsOfAFeedNoLongerConfiguredKeepTheStoreInItsOldFormat() throws {
        _ = try storeWithHexoDocuments()
        try folder.write(feeds.config(["healthy"], global: "output: hugo\n"), to: "feeds.yaml")
        // Round 14: the dry run said the same, and exited 0 where the run exits 1.
        let dry = try crawler(["store", "rerender", "--dry-run"])
        #expect(dry.status == 1 && dry.stderr.contains("the rerender would not finish (dry run: nothing was rewritten)"),
                "\(dry.status) \(dry.stderr)")
        #expect(dry.stdout.contains("left 5 documents of feed 'news' as they are"), "\(dry.stdout)")
        #expect(dry.stderr.contains("forget --feed"), "\(dry.stderr)")
        // Round 53: it rewrote what it could, then every crawl was refused until the feed came
        // back; refused before anything is moved, the store stays whole in its old format.
        let before = folder.documents()
        let rerender = try crawler(["store", "rerender"])
        #expect(rerender.status != 0)
        #expect(rerender.stderr.contains("nothing was rewritten: the documents of 'news' would stay in the old settings"),
                "\(rerender.stderr)")
        #expect(folder.documents() == before)
        #expect(try crawler(["once"]).status == 2)
        // Back in the configuration, not fetched: the rerender finishes, and crawls go on.
        try folder.write(feeds.config(["news", "healthy"], global: "output: hugo\n", perFeed: ["news": "enabled: false"]),
                         to: "feeds.yaml")
        let finished = try crawler(["store", "rerender"])
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(folder.documents().keys.allSatisfy { $0.hasSuffix(".html") }, "\(folder.documents().keys.sorted())")
        #expect(try crawler(["once"]).status == 0)
    }

    /// Round 53: with a symbolic link at a month's folder, the rerender said only "left 3
    /// documents not at their place (deleted or moved by hand)" and exited 0; verify,
    /// rebuild-index and forget --missing named the link.
    @Test func aLinkedFolderIsNamedByTheRerender() throws {
        let documents = try storeWithHexoDocuments()
        let month = try #require(documents.keys.sorted().first.map { ($0 as NSString).deletingLastPathComponent })
        let real = folder.file("elsewhere")
        try FileManager.default.moveItem(atPath: folder.file("store/" + month), toPath: real)
        #expect(symlink(real, folder.file("store/" + month)) == 0)
        try folder.write(feeds.config(["news", "healthy"], perFeed: ["news": "categories: [Renamed]"]), to: "feeds.yaml")
        let rerender = try crawler(["store", "rerender"])
        #expect(rerender.status == 1, "\(rerender.stdout)\(rerender.stderr)")
        #expect(rerender.stderr.contains("store/\(month) is a symbolic link; the store follows no link beneath its root")
                && rerender.stderr.contains("the documents there were not rewritten"), "\(rerender.stderr)")
    }

    @Test func oneFeedCanBeRerenderedAlone() throws {
        _ = try storeWithHexoDocuments()
        try folder.write(feeds.config(["news", "healthy"], perFeed: ["news": "categories: [Renamed]"]), to: "feeds.yaml")
        let rerender = try crawler(["store", "rerender", "--feed", "news"])
        #expect(rerender.stdout.contains("rewrote 5 of 5 documents"), "\(rerender.stdout)")
        let texts = Array(folder.documents().values)
        #expect(texts.filter { $0.contains("Renamed") }.count == 5)
        #expect(texts.contains { $0.contains("steady text") && !$0.contains("Renamed") })
    }
}
