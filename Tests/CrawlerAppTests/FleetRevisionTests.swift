import CrawlerTestKit
import Fleet
import Foundation
import Testing

/// `revisions:` and `store rerender` on the fleet, through the real binary on a real PostgreSQL:
/// an edited item revises its one documents row (whichever node fetches it), `posts sync` writes
/// the new text over the file it has, and re-rendered rows reach the folder the same way.
@Suite(.serialized) struct FleetRevisionTests {
    let folder = TemporaryFolder()
    let feeds: RevisionFeedServer
    let database: String
    let observer: PostgresConnection

    private typealias Feed = RevisionFeedServer

    init() throws {
        feeds = try RevisionFeedServer()
        // The healthy feed beside every test: its one document must always be stored and synced.
        feeds.serve("healthy", items: [Feed.item(guid: "h1", title: "Healthy", body: "steady text")])
        database = try PostgresServer.shared().makeDatabase()
        observer = try PostgresConnection(url: database)
    }

    private func configure(global: String = "", perFeed: [String: String] = [:]) throws {
        try folder.write(feeds.config(["news", "healthy"], global: "database: \(database)\n" + global, perFeed: perFeed),
                         to: "feeds.yaml")
    }

    /// One pass on node `node` after every feed is made due.
    private func pass(node: String) throws -> CrawlerProcess.Run {
        // Due now, on a host free now (the feeds share 127.0.0.1, which just had its gap).
        try observer.execute("UPDATE feed_state SET next_due = now(); UPDATE hosts SET available_at = '-infinity'")
        let run = try CrawlerProcess.run(["once", "--node", node], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("2 feeds"), "\(run.stdout)")
        return run
    }

    private func sync() throws -> CrawlerProcess.Run {
        try PostgresServer.waitUntilDocumentsAreSyncable(in: database)
        let run = try CrawlerProcess.run(["posts", "sync", "copy"], in: folder.path)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        return run
    }

    private func bodies() throws -> [String] {
        try observer.query("SELECT body FROM documents ORDER BY hash16").rows.compactMap { $0[0] }
    }

    private func copies() -> [String: String] {
        var texts: [String: String] = [:]
        for file in folder.files(under: "copy/posts") { texts[file] = folder.read("copy/posts/" + file) }
        return texts
    }

    /// The news feed's fetch line of a pass.
    private func fetchLine(_ run: CrawlerProcess.Run) -> LogLine? {
        run.stderr.split(separator: "\n").map { LogLine(String($0)) }.first { $0["event"] == "fetch" && $0["feed"] == "news" }
    }

    /// A feed renamed in feeds.yaml (same URL, new name) was a removal and an addition to `feeds
    /// sync`: its validators and its items' history went, and its next correction became a second
    /// post beside the first (round 28). It is renamed, and corrects its post in place.
    @Test func aRenamedFeedCorrectsItsPostInPlace() throws {
        _ = try syncedFirstVersion()
        try folder.write(folder.read("feeds.yaml")!.replacingOccurrences(of: "name: news\n", with: "name: news-renamed\n"),
                         to: "feeds.yaml")
        let synced = try CrawlerProcess.run(["feeds", "sync"], in: folder.path)
        #expect(synced.stdout.contains("1 renamed, 0 removed") && synced.stdout.contains("renamed: news → news-renamed"),
                "\(synced.stdout)")
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "second version")])
        let run = try pass(node: "b")
        let line = run.stderr.split(separator: "\n").map { LogLine(String($0)) }
            .first { $0["event"] == "fetch" && $0["feed"] == "news-renamed" }
        #expect(line?["new"] == "0" && line?["replaced"] == "1", "\(run.stderr)")
        let news = try bodies().filter { !$0.contains("steady text") }
        #expect(news.count == 1 && news.first?.contains("second version") == true, "\(news)")
        // Its state is saved under its new name (round 29: the JSON kept the old one, no save
        // found the row, and the feed was polled without end).
        let state = try observer.query("SELECT state->>'feed' AS name, last_node FROM feed_state WHERE feed = 'news-renamed'")
        #expect(state.value(0, "name") == "news-renamed" && state.value(0, "last_node") == "b")
    }

    /// Two feeds that traded names, and a feed renamed onto the name of one removed before: a
    /// swap was a removal and an addition (each correction a second post), and the removed
    /// feed's item history took the renamed feed's corrections into its own posts (round 29).
    @Test func swappedNamesAndANameARemovedFeedHadKeepEachFeedsPosts() throws {
        let story = { (guid: String, body: String) in [Feed.item(guid: guid, title: "Story \(guid)", body: body)] }
        for name in ["news", "other", "old"] { feeds.serve(name, items: story("a", "\(name) first")) }
        try folder.write(feeds.config(["news", "other", "old", "healthy"], global: "database: \(database)\n"), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        try observer.execute("UPDATE feed_state SET next_due = now(); UPDATE hosts SET available_at = '-infinity'")
        #expect(try CrawlerProcess.run(["once", "--node", "a"], in: folder.path).status == 0)
        // `old` goes; then news takes its name, and other and news-at-other's-URL trade places.
        try folder.write(feeds.config(["news", "other", "healthy"], global: "database: \(database)\n"), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).stdout.contains("removed: old"))
        let text = feeds.config(["news", "other", "healthy"], global: "database: \(database)\n")
            .replacingOccurrences(of: "name: news\n", with: "name: NEWS\n").replacingOccurrences(of: "name: other\n", with: "name: news\n")
            .replacingOccurrences(of: "name: NEWS\n", with: "name: old\n")
        try folder.write(text, to: "feeds.yaml")
        let synced = try CrawlerProcess.run(["feeds", "sync"], in: folder.path)
        #expect(synced.stdout.contains("2 renamed") && synced.stdout.contains("renamed: news → old")
                    && synced.stdout.contains("renamed: other → news"), "\(synced.stdout)")
        for name in ["news", "other"] { feeds.serve(name, items: story("a", "\(name) second")) }
        try observer.execute("UPDATE feed_state SET next_due = now(); UPDATE hosts SET available_at = '-infinity'")
        let run = try CrawlerProcess.run(["once", "--node", "a"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        let texts = try bodies()
        #expect(texts.count == 4, "\(texts)")
        for expected in ["news second", "other second", "old first"] {
            #expect(texts.filter { $0.contains(expected) }.count == 1, "\(expected): \(texts)")
        }
    }

    /// A story two feeds carry, corrected in both: the second feed's copy of the correction was a
    /// new post beside the corrected one (round 28). Every text a post holds or has held counts as
    /// stored, in the fleet as on one machine.
    @Test func aCorrectionTwoFeedsCarryStaysOnePost() throws {
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "first version")])
        feeds.serve("mirror", items: [Feed.item(guid: "m", title: "Story", body: "first version")])
        try folder.write(feeds.config(["news", "mirror", "healthy"], global: "database: \(database)\n"), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        for body in ["first version", "second version"] {
            feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: body)])
            feeds.serve("mirror", items: [Feed.item(guid: "m", title: "Story", body: body)])
            try observer.execute("UPDATE feed_state SET next_due = now(); UPDATE hosts SET available_at = '-infinity'")
            let run = try CrawlerProcess.run(["once", "--node", "a"], in: folder.path)
            #expect(run.status == 0, "\(run.stderr)")
        }
        let stories = try bodies().filter { !$0.contains("steady text") }
        #expect(stories.count == 1 && stories.first?.contains("second version") == true, "\(stories)")
    }

    /// Node a's pass over the news feed's one story, synced into `copy`: the story's post path.
    private func syncedFirstVersion() throws -> String {
        try configure()
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "first version")])
        _ = try pass(node: "a")
        #expect(try sync().stdout.contains("2 documents written"))
        return try #require(copies().first { $0.value.contains("first version") }?.key)
    }

    private func expectHealthy() {
        #expect(copies().values.contains { $0.contains("steady text") })
    }

    @Test func anEditedItemIsReplacedOnceInTheDatabaseAndInTheSyncedPosts() throws {
        try configure()
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "first version"),
                                    Feed.item(guid: "b", title: "Other", body: "other story")])
        _ = try pass(node: "a")
        #expect(try sync().stdout.contains("3 documents written"))
        let before = copies()
        let path = try #require(before.first { $0.value.contains("first version") }?.key)

        // Another node fetches the edited item: the row is revised, not duplicated.
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "second version"),
                                    Feed.item(guid: "b", title: "Other", body: "other story")])
        let second = try pass(node: "b")
        let line = fetchLine(second)
        #expect(line?["replaced"] == "1", "\(second.stderr)")
        let rows = try bodies()
        #expect(rows.count == 3)
        #expect(rows.contains { $0.contains("second version") })
        #expect(!rows.contains { $0.contains("first version") })
        let file = try observer.query("SELECT version FROM item_files WHERE feed = 'news' AND item = 'a'")
        #expect(file.value(0, "version") == "2")

        // A third pass with the same text changes nothing.
        _ = try pass(node: "a")
        #expect(try observer.query("SELECT version FROM item_files WHERE feed = 'news' AND item = 'a'").value(0, "version") == "2")

        let synced = try sync()
        #expect(synced.stdout.contains("0 documents written, 0 already there, 1 rewritten"), "\(synced.stdout)")
        let after = copies()
        #expect(after.count == before.count)
        #expect(after[path]?.contains("second version") == true)
        #expect(!after.values.contains { $0.contains("first version") })
        #expect(after.filter { $0.key != path } == before.filter { $0.key != path })
        // Synced again, and into a fresh folder: the same files.
        #expect(try sync().stdout.contains("0 documents written"))
        let fresh = try CrawlerProcess.run(["posts", "sync", "fresh"], in: folder.path)
        #expect(fresh.stdout.contains("3 documents written"), "\(fresh.stdout)\(fresh.stderr)")
        for (name, text) in after { #expect(folder.read("fresh/posts/" + name) == text) }
        let verify = try CrawlerProcess.run(["store", "verify", "--store", "copy"], in: folder.path)
        #expect(verify.status == 0, "\(verify.stdout)")
        expectHealthy()
    }

    /// A synced post edited by hand in the folder, then its item replaced in the fleet: `posts
    /// sync` wrote the new version over the edit. It keeps the edit and says so.
    @Test func postsSyncNeverWritesAReplacementOverAHandEdit() throws {
        let path = try syncedFirstVersion()
        let edited = try #require(folder.read("copy/posts/" + path)).replacingOccurrences(of: "first version", with: "fixed by hand")
        try folder.write(edited, to: "copy/posts/" + path)
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "second version")])
        _ = try pass(node: "b")
        let synced = try sync()
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(synced.stderr.contains("kept posts/\(path): edited by hand"), "\(synced.stderr)")
        #expect(folder.read("copy/posts/" + path) == edited)
    }

    /// A synced post deleted by hand, then its item replaced in the fleet: `posts sync` brought
    /// it back (round 28), where a crawl on one machine leaves it deleted. It leaves it, and says so.
    @Test func postsSyncNeverBringsBackAPostDeletedByHand() throws {
        let path = try syncedFirstVersion()
        try FileManager.default.removeItem(atPath: folder.file("copy/posts/" + path))
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "second version")])
        _ = try pass(node: "b")
        let synced = try sync()
        #expect(synced.stderr.contains("left posts/\(path) deleted: deleted by hand"), "\(synced.stderr)")
        #expect(synced.stdout.contains("0 documents written, 0 already there, 1 left deleted"), "\(synced.stdout)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("copy/posts/" + path)))
    }

    @Test func aReplacementDatedAnewKeepsItsFilesPlaceInEveryFolder() throws {
        try configure()
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "first version",
                                              date: "Mon, 02 Nov 2026 10:00:00 +0000")])
        _ = try pass(node: "a")
        #expect(try sync().stdout.contains("2 documents written"))
        let path = try #require(copies().first { $0.value.contains("first version") }?.key)
        #expect(path.hasPrefix("2026/11/"))

        // The edit carries a new date (as a feed with only an updated date does): the URL stays.
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "second version",
                                              date: "Wed, 02 Dec 2026 10:00:00 +0000")])
        _ = try pass(node: "b")
        #expect(try sync().stdout.contains("0 documents written, 0 already there, 1 rewritten"))
        #expect(copies().count == 2)
        #expect(copies()[path]?.contains("second version") == true)
        // Its date too (Hexo's permalink is made of it): the date it was published with.
        #expect(copies()[path]?.contains("date: Mon, 02 Nov 2026") == true, "\(copies()[path] ?? "")")
        let fresh = try CrawlerProcess.run(["posts", "sync", "fresh"], in: folder.path)
        #expect(fresh.stdout.contains("2 documents written"), "\(fresh.stdout)\(fresh.stderr)")
        #expect(folder.read("fresh/posts/" + path) == copies()[path])
        for store in ["copy", "fresh"] {
            let verify = try CrawlerProcess.run(["store", "verify", "--store", store], in: folder.path)
            #expect(verify.status == 0, "\(store): \(verify.stdout)")
        }
        expectHealthy()
    }

    @Test func keepFirstRecordsLaterVersionsWithoutWritingThem() throws {
        try configure(perFeed: ["news": "revisions: keep-first"])
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "first version")])
        _ = try pass(node: "a")
        #expect(try sync().stdout.contains("2 documents written"))
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "second version")])
        let second = try pass(node: "b")
        let line = fetchLine(second)
        #expect(line?["versions_recorded"] == "1", "\(second.stderr)")
        let rows = try bodies()
        #expect(rows.count == 2)
        #expect(rows.contains { $0.contains("first version") })
        #expect(!rows.contains { $0.contains("second version") })
        let versions = try observer.query("SELECT written FROM item_versions WHERE feed = 'news' AND item = 'a'")
        #expect(versions.rows == [["f"]])
        #expect(try sync().stdout.contains("0 documents written, 0 already there"))
        #expect(copies().values.contains { $0.contains("first version") })
        expectHealthy()
    }

    @Test func aGuidReusedForAnotherStoryNeverOverwritesTheFirst() throws {
        try configure()
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        feeds.serve("news", items: [Feed.item(guid: "7", title: "Old story", body: "old story text",
                                              link: "https://example.org/old")])
        _ = try pass(node: "a")
        feeds.serve("news", items: [Feed.item(guid: "7", title: "New story", body: "new story text",
                                              link: "https://example.org/new")])
        _ = try pass(node: "b")
        let rows = try bodies()
        #expect(rows.count == 3)
        #expect(rows.contains { $0.contains("old story text") })
        #expect(rows.contains { $0.contains("new story text") })
        #expect(try sync().stdout.contains("3 documents written"))
        expectHealthy()
    }

    /// As on one machine (round 63): a post's slug changed under its opaque guid (the same text:
    /// one post), then its text was corrected a pass later: the correction was taken for another
    /// story under a reused guid and stored beside the stale post.
    @Test func aSlugChangedThenACorrectionIsOneCorrectedRow() throws {
        try configure()
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        func serve(_ link: String, _ body: String) {
            feeds.serve("news", items: [Feed.item(guid: "5f3a", title: "Story", body: body, link: link)])
        }
        serve("https://blog.example/story/", "first version")
        _ = try pass(node: "a")
        serve("https://blog.example/a-better-slug/", "first version")
        _ = try pass(node: "b")
        serve("https://blog.example/a-better-slug/", "second version")
        let corrected = try pass(node: "a")
        #expect(fetchLine(corrected)?["replaced"] == "1", "\(corrected.stderr)")
        let rows = try bodies()
        #expect(rows.count == 2, "\(rows)")
        #expect(rows.contains { $0.contains("second version") } && !rows.contains { $0.contains("first version") })
        #expect(try sync().stdout.contains("2 documents written"))
        expectHealthy()
    }

    /// As on one machine: one item a day without a guid under a fixed link is a story a day, and
    /// a correction of the day's (its date and title kept) replaces it.
    @Test func anItemWithoutGuidUnderAFixedLinkIsANewStoryEachDay() throws {
        try configure()
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        func serve(_ word: String, day: Int, body: String) {
            feeds.serve("news", items: ["<item><title>Word of the day: \(word)</title><link>https://example.org/wotd/</link>"
                + "<pubDate>Tue, 0\(day) Dec 2026 06:00:00 +0000</pubDate><description>\(body)</description></item>"])
        }
        serve("apple", day: 1, body: "a fruit")
        _ = try pass(node: "a")
        serve("banana", day: 2, body: "a yellow fruit")
        _ = try pass(node: "b")
        serve("banana", day: 2, body: "a long yellow fruit")
        _ = try pass(node: "a")
        let rows = try bodies().filter { $0.contains("Word of the day") }
        #expect(rows.count == 2, "\(rows)")
        #expect(rows.contains { $0.contains("a fruit") } && rows.contains { $0.contains("a long yellow fruit") }, "\(rows)")
        #expect(try sync().stdout.contains("3 documents written"))
        expectHealthy()
    }

    /// The fleet re-rendered to Hugo, synced with a feeds.yaml still saying Hexo: Hugo documents
    /// went into `.md` files named as Hexo's, exit 0, `verify` clean (round 28). Refused, exit 2.
    @Test func postsSyncRefusesRowsOfAnotherOutput() throws {
        _ = try syncedFirstVersion()
        try configure(global: "output: hugo\n")
        #expect(try CrawlerProcess.run(["store", "rerender"], in: folder.path).status == 0)
        try configure()
        try PostgresServer.waitUntilDocumentsAreSyncable(in: database)
        for target in ["copy", "fresh"] {
            let refused = try CrawlerProcess.run(["posts", "sync", target], in: folder.path)
            #expect(refused.status == 2, "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("where this configuration's output puts it"), "\(refused.stderr)")
        }
        #expect(folder.files(under: "fresh/posts").isEmpty)
        try configure(global: "output: hugo\n")
        let synced = try CrawlerProcess.run(["posts", "sync", "fresh"], in: folder.path)
        #expect(synced.status == 0 && synced.stdout.contains("2 documents written"), "\(synced.stdout)\(synced.stderr)")
    }

    @Test func rerenderRewritesTheRowsAndPostsSyncBringsThemDown() throws {
        try configure()
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "story text"),
                                    Feed.item(guid: "b", title: "Other", body: "other text")])
        _ = try pass(node: "a")
        #expect(try sync().stdout.contains("3 documents written"))

        try configure(perFeed: ["news": "categories: [Rendered again]"])
        let dry = try CrawlerProcess.run(["store", "rerender", "--dry-run"], in: folder.path)
        #expect(dry.stdout.contains("would rewrite 2 of 3 documents"), "\(dry.stdout)\(dry.stderr)")
        #expect(try !bodies().contains { $0.contains("Rendered again") })
        let rerender = try CrawlerProcess.run(["store", "rerender"], in: folder.path)
        #expect(rerender.status == 0, "\(rerender.stderr)")
        #expect(rerender.stdout.contains("rewrote 2 of 3 documents"), "\(rerender.stdout)")
        #expect(try bodies().filter { $0.contains("Rendered again") }.count == 2)
        let again = try CrawlerProcess.run(["store", "rerender"], in: folder.path)
        #expect(again.stdout.contains("rewrote 0 of 3 documents"), "\(again.stdout)")

        let synced = try sync()
        #expect(synced.stdout.contains("0 documents written, 0 already there, 2 rewritten"), "\(synced.stdout)")
        let texts = copies()
        #expect(texts.count == 3)
        #expect(texts.values.filter { $0.contains("Rendered again") }.count == 2)
        let verify = try CrawlerProcess.run(["store", "verify", "--store", "copy"], in: folder.path)
        #expect(verify.status == 0, "\(verify.stdout)")
        expectHealthy()

        // Another document_path: every row takes its new place, and every file moves to it.
        try configure(global: "document_path: articles/{year}-{month}-{day}-{hash}.md\n",
                      perFeed: ["news": "categories: [Rendered again]"])
        let moved = try CrawlerProcess.run(["store", "rerender"], in: folder.path)
        #expect(moved.stdout.contains("rewrote 3 of 3 documents"), "\(moved.stdout)\(moved.stderr)")
        #expect(moved.stdout.contains("3 moved"), "\(moved.stdout)")
        #expect(try sync().stdout.contains("0 documents written, 0 already there, 3 rewritten"))
        #expect(folder.files(under: "copy/posts").isEmpty)
        #expect(folder.files(under: "copy/articles").count == 3)
        #expect(folder.files(under: "copy/articles").contains { folder.read("copy/articles/" + $0)?.contains("steady text") == true })
        let moves = try CrawlerProcess.run(["store", "verify", "--store", "copy"], in: folder.path)
        #expect(moves.status == 0, "\(moves.stdout)")
    }

    @Test func aPostsSyncKilledWhileWritingAReplacementLeavesOneWholeVersion() throws {
        let path = try syncedFirstVersion()
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "second version")])
        _ = try pass(node: "b")

        // Killed at the rename that puts the new text over the file.
        try PostgresServer.waitUntilDocumentsAreSyncable(in: database)
        let killed = try CrawlerProcess.run(["posts", "sync", "copy"], in: folder.path,
                                            shellPrefix: "export CRAWLER_FAULT='rename:KILL:1';")
        #expect(killed.status == SIGKILL, "\(killed.stdout)\(killed.stderr)")
        #expect(copies().count == 2)
        #expect(copies()[path]?.contains("first version") == true)
        #expect(copies()[path]?.contains("</p>") == true)

        // The next run finishes the listed rewrite, and the cursor has not passed the row.
        let resumed = try sync()
        #expect(resumed.stdout.contains("0 documents written, 1 already there"), "\(resumed.stdout)")
        #expect(copies().count == 2)
        #expect(copies()[path]?.contains("second version") == true)
        #expect(!copies().values.contains { $0.contains("first version") })
        let verify = try CrawlerProcess.run(["store", "verify", "--store", "copy"], in: folder.path)
        #expect(verify.status == 0, "\(verify.stdout)")
        expectHealthy()
    }
}
