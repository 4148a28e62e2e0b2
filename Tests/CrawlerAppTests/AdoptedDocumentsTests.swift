import CrawlerTestKit
import Foundation
import Testing

/// Documents whose feed the index no longer knows (the index lost and rebuilt from the files, or
/// a feed moved to a new URL and renamed in one edit) are taken over by the configured feed that
/// reads the same items: before, every later correction of such an item became a second post,
/// and `keep:` never counted the old ones. A document a configured feed owns is never taken.
@Suite struct AdoptedDocumentsTests {
    let folder = TemporaryFolder()
    let feeds: RevisionFeedServer

    init() throws {
        feeds = try RevisionFeedServer()
    }

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    /// Two items of `blog` (the same items whatever the feed's name), the first with `firstBody`.
    private func serve(_ name: String, blog: String? = nil, firstBody: String) {
        let blog = blog ?? name
        feeds.serve(name, channel: "Channel \(blog)", items: [
            RevisionFeedServer.item(guid: "\(blog)-1", title: "First of \(blog)", body: firstBody,
                                    date: "Sun, 01 Nov 2026 10:00:00 +0000"),
            RevisionFeedServer.item(guid: "\(blog)-2", title: "Second of \(blog)", body: "second story of \(blog)",
                                    date: "Mon, 02 Nov 2026 10:00:00 +0000"),
        ])
    }

    /// The blog's first item served by `name` as a mirror as exact as a copy can be: the blog's
    /// own channel, so that it would have written the post byte for byte too (a feed under its
    /// own channel takes no part in who holds the post).
    private func mirror(_ name: String, body: String) {
        feeds.serve(name, channel: "Channel blog", items: [RevisionFeedServer.item(guid: "blog-1", title: "First of blog",
                                                                                  body: body, date: "Sun, 01 Nov 2026 10:00:00 +0000")])
    }

    /// The index lost (its files deleted), then rebuilt from the documents alone.
    private func loseAndRebuildTheIndex() throws {
        for name in ["index.sqlite", "index.sqlite-wal", "index.sqlite-shm"] {
            try? FileManager.default.removeItem(atPath: folder.file("store/" + name))
        }
        #expect(try crawler(["store", "rebuild-index"]).status == 0)
    }

    private func fetchLine(_ run: CrawlerProcess.Run, feed: String) -> String {
        run.stderr.split(separator: "\n").map(String.init).first { $0.contains("event=fetch ") && $0.contains("feed=\(feed) ") }
            ?? run.stderr
    }

    /// A pass a second after the adoption: every feed has answered since (round 20: only then does
    /// an adopted post's correction write over it).
    private func answeredSinceAdoption() {
        Thread.sleep(forTimeInterval: 1.1)
        #expect((try? crawler(["once"]).status) == 0)
    }

    /// A pass a second later: every feed answers after what the last pass saw (times are in seconds).
    private func answeredAfterASecond() {
        Thread.sleep(forTimeInterval: 1.1)
        #expect((try? crawler(["once"]).status) == 0)
    }

    /// The edit of the first item must correct its post in place, beside a healthy feed.
    private func expectCorrectedInPlace(feed: String, run: CrawlerProcess.Run) {
        let texts = folder.documents().values
        #expect(texts.count == 4, "\(folder.documents().keys.sorted())\n\(run.stderr.suffix(1500))")
        #expect(texts.contains { $0.contains("corrected story") })
        #expect(!texts.contains { $0.contains("first story") }, "\(run.stderr.suffix(1500))")
        #expect(fetchLine(run, feed: feed).contains("replaced=1"), "\(fetchLine(run, feed: feed))")
        #expect(texts.contains { $0.contains("second story of healthy") })
    }

    @Test func anIndexRebuiltFromTheFilesGivesEachPostBackToItsFeed() throws {
        serve("news", firstBody: "first story")
        serve("healthy", firstBody: "healthy story")
        try folder.write(feeds.config(["news", "healthy"]), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        for name in ["index.sqlite", "index.sqlite-wal", "index.sqlite-shm"] {
            try? FileManager.default.removeItem(atPath: folder.file("store/" + name))
        }
        let rebuilt = try crawler(["store", "rebuild-index"])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        let adopting = try crawler(["once"])
        #expect(adopting.status == 0, "\(adopting.stderr)")
        #expect(fetchLine(adopting, feed: "news").contains("adopted=2"), "\(fetchLine(adopting, feed: "news"))")
        answeredSinceAdoption()

        serve("news", firstBody: "corrected story")
        let corrected = try crawler(["once"])
        #expect(corrected.status == 0, "\(corrected.stderr)")
        expectCorrectedInPlace(feed: "news", run: corrected)
        let status = try crawler(["status"])
        #expect(status.stdout.split(separator: "\n").contains { $0.hasPrefix("news ") && $0.split(separator: " ").last == "2" },
                "\(status.stdout)")
    }

    /// Round 63: a post corrected in place keeps the name its first text gave it, so an index
    /// rebuilt from the files knew only that text; the next crawl stored the item's current text
    /// as a new post, byte for byte the corrected one, published twice. It is that post now, and
    /// the item's next correction is written into it.
    @Test func aPostCorrectedBeforeTheIndexWasRebuiltIsNotPublishedAgain() throws {
        serve("news", firstBody: "first story")
        serve("healthy", firstBody: "healthy story")
        try folder.write(feeds.config(["news", "healthy"]), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        serve("news", firstBody: "corrected story")
        expectCorrectedInPlace(feed: "news", run: try crawler(["once"]))
        try loseAndRebuildTheIndex()
        let adopting = try crawler(["once"])
        #expect(adopting.status == 0, "\(adopting.stderr)")
        #expect(fetchLine(adopting, feed: "news").contains("new=0"), "\(fetchLine(adopting, feed: "news"))")
        #expect(fetchLine(adopting, feed: "news").contains("adopted=2"), "\(fetchLine(adopting, feed: "news"))")
        #expect(folder.documents().count == 4, "\(folder.documents().keys.sorted())")
        #expect(try crawler(["store", "verify"]).status == 0)
        answeredSinceAdoption()

        serve("news", firstBody: "corrected twice")
        let again = try crawler(["once"])
        let texts = folder.documents().values
        #expect(texts.count == 4, "\(folder.documents().keys.sorted())\n\(again.stderr.suffix(1500))")
        #expect(texts.contains { $0.contains("corrected twice") } && !texts.contains { $0.contains("corrected story") })
        #expect(fetchLine(again, feed: "news").contains("replaced=1"), "\(fetchLine(again, feed: "news"))")
        // And the text it held before is still known as held: a feed a poll behind adds nothing.
        serve("news", firstBody: "corrected story")
        #expect(try crawler(["once"]).status == 0)
        #expect(folder.documents().count == 4)
    }

    @Test func aFeedMovedAndRenamedInOneEditKeepsItsPosts() throws {
        serve("old", firstBody: "first story")
        serve("healthy", firstBody: "healthy story")
        try folder.write(feeds.config(["old", "healthy"]), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        // The blog moved: a new URL (the same items, and round 17: one new post since), and the
        // operator named the feed anew.
        let fresh = RevisionFeedServer.item(guid: "old-3", title: "Third of old", body: "third story",
                                            date: "Tue, 03 Nov 2026 10:00:00 +0000")
        feeds.serve("moved", channel: "Channel old", items: [RevisionFeedServer.item(guid: "old-1", title: "First of old", body: "first story",
                                                             date: "Sun, 01 Nov 2026 10:00:00 +0000"),
                                     RevisionFeedServer.item(guid: "old-2", title: "Second of old", body: "second story of old",
                                                             date: "Mon, 02 Nov 2026 10:00:00 +0000"), fresh])
        try folder.write(feeds.config(["moved", "healthy"]), to: "feeds.yaml")
        let adopting = try crawler(["once"])
        #expect(fetchLine(adopting, feed: "moved").contains("adopted=2"), "\(fetchLine(adopting, feed: "moved"))")
        answeredSinceAdoption()

        feeds.serve("moved", channel: "Channel old", items: [RevisionFeedServer.item(guid: "old-1", title: "First of old", body: "corrected story",
                                                             date: "Sun, 01 Nov 2026 10:00:00 +0000"),
                                     RevisionFeedServer.item(guid: "old-2", title: "Second of old", body: "second story of old",
                                                             date: "Mon, 02 Nov 2026 10:00:00 +0000"), fresh])
        let corrected = try crawler(["once"])
        let texts = folder.documents().values
        #expect(texts.count == 5, "\(folder.documents().keys.sorted())\n\(corrected.stderr.suffix(1500))")
        #expect(texts.contains { $0.contains("corrected story") } && !texts.contains { $0.contains("first story") })
    }

    /// A feed that carries another configured feed's items (a planet, a copycat) takes none of
    /// its posts: its edit is its own new document, the other feed's post untouched.
    @Test func aConfiguredFeedsPostsAreNotTaken() throws {
        serve("original", firstBody: "first story")
        serve("healthy", firstBody: "healthy story")
        try folder.write(feeds.config(["original", "healthy"]), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        feeds.serve("copycat", items: [
            RevisionFeedServer.item(guid: "original-1", title: "First of original", body: "first story",
                                    date: "Sun, 01 Nov 2026 10:00:00 +0000"),
        ])
        try folder.write(feeds.config(["original", "healthy", "copycat"]), to: "feeds.yaml")
        let copied = try crawler(["once"])
        #expect(!fetchLine(copied, feed: "copycat").contains("adopted"), "\(fetchLine(copied, feed: "copycat"))")
        feeds.serve("copycat", items: [
            RevisionFeedServer.item(guid: "original-1", title: "First of original", body: "defaced story",
                                    date: "Sun, 01 Nov 2026 10:00:00 +0000"),
        ])
        // The copycat's edit waits until the original has answered without it (`ReaderVersions`).
        #expect(try crawler(["once"]).status == 0)
        for _ in 1...2 { answeredAfterASecond() }
        let texts = folder.documents().values
        #expect(texts.contains { $0.contains("first story") })
        #expect(texts.contains { $0.contains("defaced story") })
    }

    /// Round 15: after a lost index, a planet listed first (carrying a blog's items) adopted the
    /// blog's posts, and its `keep: 1` then forgot them for good: the blog's own posts gone. An
    /// adopted post is corrected by its adopter, but never forgotten by its `keep:`.
    @Test func anAdoptedPostIsNeverForgottenByItsAdoptersKeep() throws {
        serve("blog", firstBody: "first story")
        serve("healthy", firstBody: "healthy story")
        feeds.serve("planet", items: [
            RevisionFeedServer.item(guid: "blog-1", title: "First of blog", body: "first story", date: "Sun, 01 Nov 2026 10:00:00 +0000"),
            RevisionFeedServer.item(guid: "blog-2", title: "Second of blog", body: "second story of blog",
                                    date: "Mon, 02 Nov 2026 10:00:00 +0000"),
            RevisionFeedServer.item(guid: "own", title: "Planet's own", body: "planet news", date: "Tue, 03 Nov 2026 10:00:00 +0000"),
        ])
        try folder.write(feeds.config(["blog", "planet", "healthy"]), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        try loseAndRebuildTheIndex()
        try folder.write(feeds.config(["planet", "blog", "healthy"], perFeed: ["planet": "keep: 1"]), to: "feeds.yaml")
        let run = try crawler(["once"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try crawler(["once", "--force"]).status == 0)
        let texts = folder.documents().values
        #expect(texts.contains { $0.contains("first story") } && texts.contains { $0.contains("second story of blog") },
                "\(run.stderr.suffix(2000))")
        #expect(texts.contains { $0.contains("planet news") })
        // Round 21: the planet (its own channel) would not have written the blog's posts: it takes
        // no part in who holds them, and the blog's correction replaces its post once every feed
        // has answered since the adoption.
        answeredSinceAdoption()
        serve("blog", firstBody: "corrected story")
        #expect(try crawler(["once"]).status == 0)
        let corrected = folder.documents().values
        #expect(corrected.contains { $0.contains("corrected story") } && !corrected.contains { $0.contains("first story") },
                "\(corrected)")
    }

    /// Round 18: without a pubDate of its own, a post's version was dated when it came, and a
    /// view counter put it first again: `keep: 2` forgot the newer post instead of it.
    @Test func aCounterOnAnUndatedPostDoesNotRankItNew() throws {
        serve("healthy", firstBody: "healthy story")
        func undated(_ guid: String, _ title: String, _ body: String) -> String {
            "<item><title>\(title)</title><guid>\(guid)</guid><description>\(body)</description></item>"
        }
        try folder.write(feeds.config(["views", "healthy"], perFeed: ["views": "keep: 2"]), to: "feeds.yaml")
        for (pass, items) in [[undated("a", "Post A", "a. Views: 1")],
                              [undated("a", "Post A", "a. Views: 2"), undated("b", "Post B", "b.")],
                              [undated("a", "Post A", "a. Views: 3"), undated("b", "Post B", "b."), undated("c", "Post C", "c.")]]
            .enumerated() {
            feeds.serve("views", items: items)
            #expect(try crawler(["once"]).status == 0)
            if pass < 2 { sleep(1) }  // each post's date is the second it came
        }
        let titles = folder.documents().values.compactMap { text in ["Post A", "Post B", "Post C"].first { text.contains($0) } }.sorted()
        #expect(titles == ["Post B", "Post C"], "\(titles)")
    }

    /// Round 18: after a lost index a copycat listed first adopted the blog's post with it, then
    /// wrote spam into it; the blog, bringing the original text, could not put it back.
    @Test func aCopycatTakesNoContestedPostAfterALostIndex() throws {
        serve("blog", firstBody: "my real post")
        serve("healthy", firstBody: "healthy story")
        feeds.serve("copycat", items: [RevisionFeedServer.item(guid: "c1", title: "First of blog", body: "my real post",
                                                               link: "https://copy.example/1", date: "Sun, 01 Nov 2026 10:00:00 +0000")])
        try folder.write(feeds.config(["copycat", "blog", "healthy"]), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        try loseAndRebuildTheIndex()
        #expect(try crawler(["once"]).status == 0)
        feeds.serve("copycat", items: [RevisionFeedServer.item(guid: "c1", title: "First of blog - SPAM",
                                                               body: "my real post. Buy pills at copy.example!",
                                                               link: "https://copy.example/1", date: "Sun, 01 Nov 2026 10:00:00 +0000")])
        let run = try crawler(["once"])
        #expect(!fetchLine(run, feed: "copycat").contains("replaced"), "\(fetchLine(run, feed: "copycat"))")
        let original = folder.documents().values.filter { $0.contains("my real post") && !$0.contains("pills") }
        #expect(original.count == 1, "\(folder.documents().values)")
    }

    /// Round 18: a breaking story's first words ("Developing story, check back") came again with
    /// the next story: taken for the first story's old text, the new story was linked to its post,
    /// and its correction wrote over the first story.
    @Test func aNewStoryWithAnOldTextIsNotLinkedToAPostCorrectedSince() throws {
        serve("healthy", firstBody: "healthy story")
        let placeholder = { (guid: String) in
            RevisionFeedServer.item(guid: guid, title: "Breaking news", body: "Developing story, check back for updates.")
        }
        let quake = RevisionFeedServer.item(guid: "g1", title: "Earthquake hits X", body: "A quake of 6.1 hit X.")
        try folder.write(feeds.config(["news", "healthy"]), to: "feeds.yaml")
        for items in [[placeholder("g1")], [quake], [quake, placeholder("g2")],
                      [quake, RevisionFeedServer.item(guid: "g2", title: "Flood in Y", body: "Water rose in Y.")]] {
            feeds.serve("news", items: items)
            #expect(try crawler(["once"]).status == 0)
        }
        let texts = folder.documents().values
        #expect(texts.contains { $0.contains("A quake of 6.1 hit X.") } && texts.contains { $0.contains("Water rose in Y.") },
                "\(texts)")
    }


    /// Round 15: a post two feeds carry (a blog and its category feed, a planet), corrected in
    /// both: the feed that stored it rewrote its post, the other stored the corrected text as a
    /// new post, two identical posts. The text a post holds now counts as stored. (When the other
    /// feed's correction is stored first, in an earlier batch, it is still a post of its own.)
    @Test(arguments: [["blog", "category"]])
    func aSharedPostCorrectedInBothFeedsStaysOnePost(order: [String]) throws {
        serve("blog", firstBody: "first story")
        serve("category", blog: "blog", firstBody: "first story")
        serve("healthy", firstBody: "healthy story")
        try folder.write(feeds.config(["blog", "category", "healthy"]), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        serve("blog", firstBody: "corrected story")
        serve("category", blog: "blog", firstBody: "corrected story")
        try folder.write(feeds.config(order + ["healthy"]), to: "feeds.yaml")
        let corrected = try crawler(["once"])
        #expect(corrected.status == 0)
        expectCorrectedInPlace(feed: "blog", run: corrected)
        #expect(try crawler(["once", "--force"]).status == 0)
        #expect(folder.documents().values.filter { $0.contains("corrected story") }.count == 1)
    }

    /// The blog's items as its category feed carries them: the same items under a channel of its own.
    private func serveCategory(firstBody: String) {
        feeds.serve("category", channel: "Channel category", items: [
            RevisionFeedServer.item(guid: "blog-1", title: "First of blog", body: firstBody, date: "Sun, 01 Nov 2026 10:00:00 +0000"),
            RevisionFeedServer.item(guid: "blog-2", title: "Second of blog", body: "second story of blog",
                                    date: "Mon, 02 Nov 2026 10:00:00 +0000"),
        ])
    }

    /// A blog, its category feed carrying its items, and a healthy feed, crawled once.
    private func crawlBlogAndItsCategory() throws {
        serve("blog", firstBody: "first story")
        serveCategory(firstBody: "first story")
        serve("healthy", firstBody: "healthy story")
        try folder.write(feeds.config(["blog", "category", "healthy"]), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
    }

    /// Round 54: the category feed read the blog's correction first, in a pass of its own, and
    /// stored it as a post of its own; the blog's correction then replaced the blog's post with the
    /// same text: two identical posts (under `crawler run`, whichever feed is polled first). A text
    /// a feed carries of another feed's post waits until that feed has answered.
    @Test func aCorrectionTheCategoryFeedReadsFirstStaysOnePost() throws {
        try crawlBlogAndItsCategory()
        serve("blog", firstBody: "corrected story")
        serveCategory(firstBody: "corrected story")
        let early = try crawler(["once", "--feed", "category"])
        #expect(early.status == 0, "\(early.stderr)")
        for _ in 1...2 { answeredAfterASecond() }
        let texts = folder.documents().values
        #expect(texts.filter { $0.contains("corrected story") }.count == 1, "\(texts)")
        #expect(!texts.contains { $0.contains("first story") }, "\(texts)")
        #expect(texts.contains { $0.contains("second story of healthy") })
    }

    /// The category feed's own edit (its blog never brings it) is a post of its own once the blog
    /// has answered without it; the blog's post keeps its text.
    @Test func anEditOnlyTheCategoryFeedCarriesIsItsOwnPostOnceTheBlogAnswered() throws {
        try crawlBlogAndItsCategory()
        serveCategory(firstBody: "the category's own edit")
        let early = try crawler(["once", "--feed", "category"])
        #expect(early.status == 0, "\(early.stderr)")
        #expect(!folder.documents().values.contains { $0.contains("own edit") }, "\(early.stderr)")
        for _ in 1...2 { answeredAfterASecond() }
        let texts = folder.documents().values
        #expect(texts.filter { $0.contains("the category's own edit") }.count == 1, "\(texts)")
        #expect(texts.filter { $0.contains("first story") }.count == 1, "\(texts)")
    }

    /// Round 17: a category feed a poll behind its blog brought the text the blog's post held a
    /// poll before, and it was stored as a second post, corrected on its own from then on. Every
    /// text a post has held counts as stored.
    @Test func aFeedAPollBehindAddsNoSecondPost() throws {
        serve("healthy", firstBody: "healthy story")
        try folder.write(feeds.config(["blog", "category", "healthy"]), to: "feeds.yaml")
        for views in 1...4 {
            feeds.serve("blog", items: [RevisionFeedServer.item(guid: "p1", title: "Release notes", body: "We released it. \(views)00 views")])
            feeds.serve("category", items: [RevisionFeedServer.item(guid: "p1", title: "Release notes",
                                                                    body: "We released it. \(max(1, views - 1))00 views")])
            #expect(try crawler(["once"]).status == 0)
        }
        #expect(folder.documents().values.filter { $0.contains("Release notes") }.count == 1,
                "\(folder.documents().values.filter { $0.contains("Release notes") })")
    }

    /// Round 17: ranked by the time a version came, posts a view counter corrects on every poll
    /// were always the newest, and `keep: 3` forgot each new post the moment it was stored.
    @Test func postsCorrectedOnEveryPollLeaveRoomForNewOnes() throws {
        serve("healthy", firstBody: "healthy story")
        func item(_ number: Int, views: Int) -> String {
            RevisionFeedServer.item(guid: "\(number)", title: "Post \(number)", body: "text of post \(number). views: \(views)",
                                    date: "Tue, 0\(number) Dec 2026 08:00:00 +0000")
        }
        try folder.write(feeds.config(["counted", "healthy"], perFeed: ["counted": "keep: 3"]), to: "feeds.yaml")
        feeds.serve("counted", items: (1...3).map { item($0, views: 100) })
        #expect(try crawler(["once"]).status == 0)
        feeds.serve("counted", items: (1...4).map { item($0, views: 200) })
        let run = try crawler(["once"])
        #expect(run.status == 0)
        let titles = folder.documents().values.compactMap { text in (1...4).first { text.contains("Post \($0)") } }.sorted()
        #expect(titles == [2, 3, 4], "\(run.stderr.suffix(1500))")
    }

    /// Round 19: a post dated in the future takes the fetch time as its date, and each correction
    /// of it (a view counter) took that poll's: ranked newest on every poll, it was never forgotten
    /// by `keep: 2`, and the feed's real newer posts were forgotten in its place.
    @Test func aFutureDatedPostACounterCorrectsIsNotRankedNewOnEachPoll() throws {
        serve("healthy", firstBody: "healthy story")
        func dated(_ date: Date) -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
            return formatter.string(from: date)
        }
        let future = RevisionFeedServer.self
        func early(views: Int) -> String {
            future.item(guid: "early", title: "Dated 2030", body: "views: \(views)", date: "Mon, 02 Dec 2030 10:00:00 +0000")
        }
        try folder.write(feeds.config(["counted", "healthy"], perFeed: ["counted": "keep: 2"]), to: "feeds.yaml")
        feeds.serve("counted", items: [early(views: 1)])
        #expect(try crawler(["once"]).status == 0)
        Thread.sleep(forTimeInterval: 2.1)
        let second = future.item(guid: "b", title: "Second", body: "second post", date: dated(Date()))
        feeds.serve("counted", items: [early(views: 2), second])
        #expect(try crawler(["once"]).status == 0)
        Thread.sleep(forTimeInterval: 2.1)
        let third = future.item(guid: "c", title: "Third", body: "third post", date: dated(Date()))
        feeds.serve("counted", items: [early(views: 3), second, third])
        let run = try crawler(["once"])
        #expect(run.status == 0)
        let texts = folder.documents().values
        #expect(texts.contains { $0.contains("second post") }, "\(run.stderr.suffix(1500))")
        #expect(texts.contains { $0.contains("third post") })
        #expect(!texts.contains { $0.contains("views:") })
    }

    /// Round 16: a post keeps the date it was published with when its item is corrected, and
    /// `keep: 3` then forgot a republished item (the feed's newest) as its oldest, for good.
    @Test func aRepublishedItemIsNotTheOldestForKeep() throws {
        serve("healthy", firstBody: "healthy story")
        func item(_ guid: String, _ title: String, _ body: String, _ date: String) -> String {
            RevisionFeedServer.item(guid: guid, title: title, body: body, date: date)
        }
        feeds.serve("shop", items: [item("a", "Best laptops", "first list", "Mon, 01 Dec 2025 10:00:00 +0000"),
                                    item("b", "Second", "second", "Tue, 02 Dec 2025 10:00:00 +0000"),
                                    item("c", "Third", "third", "Wed, 03 Dec 2025 10:00:00 +0000")])
        try folder.write(feeds.config(["shop", "healthy"], perFeed: ["shop": "keep: 3"]), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        feeds.serve("shop", items: [item("a", "Best laptops", "the new list", "Sat, 05 Dec 2026 08:00:00 +0000"),
                                    item("b", "Second", "second", "Tue, 02 Dec 2025 10:00:00 +0000"),
                                    item("c", "Third", "third", "Wed, 03 Dec 2025 10:00:00 +0000"),
                                    item("d", "Fourth", "fourth", "Thu, 04 Dec 2025 10:00:00 +0000")])
        let run = try crawler(["once"])
        #expect(run.status == 0)
        let texts = folder.documents().values
        #expect(texts.contains { $0.contains("the new list") }, "\(run.stderr.suffix(1500))")
        #expect(!texts.contains { $0.contains("<p>second</p>") }, "\(run.stderr.suffix(1500))")
    }

    /// Round 16: once the blog was unsubscribed, a copycat that carried its post (and posts of
    /// its own) adopted it, then wrote its own text into the blog's file.
    @Test func aRemovedFeedsPostsGoToNoFeedWithPostsOfItsOwn() throws {
        serve("blog", firstBody: "original article")
        serve("healthy", firstBody: "healthy story")
        feeds.serve("copycat", items: [
            RevisionFeedServer.item(guid: "blog-1", title: "First of blog", body: "original article",
                                    date: "Sun, 01 Nov 2026 10:00:00 +0000"),
            RevisionFeedServer.item(guid: "own", title: "Copycat's own", body: "filler", date: "Sun, 01 Nov 2026 11:00:00 +0000"),
        ])
        try folder.write(feeds.config(["blog", "copycat", "healthy"]), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        try folder.write(feeds.config(["copycat", "healthy"]), to: "feeds.yaml")
        feeds.serve("copycat", items: [
            RevisionFeedServer.item(guid: "blog-1", title: "First of blog", body: "original article",
                                    date: "Sun, 01 Nov 2026 10:00:00 +0000"),
            RevisionFeedServer.item(guid: "own", title: "Copycat's own", body: "filler, more", date: "Sun, 01 Nov 2026 11:00:00 +0000"),
        ])
        let adopting = try crawler(["once"])
        #expect(!fetchLine(adopting, feed: "copycat").contains("adopted"), "\(fetchLine(adopting, feed: "copycat"))")
        feeds.serve("copycat", items: [
            RevisionFeedServer.item(guid: "blog-1", title: "First of blog", body: "SPAM buy pills", date: "Sun, 01 Nov 2026 10:00:00 +0000"),
        ])
        #expect(try crawler(["once"]).status == 0)
        #expect(folder.documents().values.contains { $0.contains("original article") })
    }

    /// Round 19: the blog moved and renamed in the same edit that added a copycat listed before
    /// it: the copycat, first to read the removed feed's post, adopted it and wrote spam into it,
    /// and the blog's own correction became a second post. Read by two new feeds, it is neither's.
    @Test(arguments: [["copycat", "moved"], ["moved", "copycat"]])
    func aRemovedFeedsPostTwoNewFeedsReadIsNeithers(order: [String]) throws {
        serve("blog", firstBody: "original article")
        serve("healthy", firstBody: "healthy story")
        try folder.write(feeds.config(["blog", "healthy"]), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        mirror("copycat", body: "original article")
        mirror("moved", body: "original article")
        try folder.write(feeds.config(order + ["healthy"]), to: "feeds.yaml")
        let both = try crawler(["once"])
        #expect(both.status == 0, "\(both.stderr)")
        // The first reader's line said adopted=1; the second's says that adoption was withdrawn.
        #expect(fetchLine(both, feed: order[1]).contains("contested=1"), "\(fetchLine(both, feed: order[1]))")
        mirror("copycat", body: "SPAM buy pills")
        mirror("moved", body: "the blog's own correction")
        let run = try crawler(["once"])
        #expect(!fetchLine(run, feed: "copycat").contains("replaced"), "\(fetchLine(run, feed: "copycat"))")
        let texts = folder.documents().values
        #expect(texts.contains { $0.contains("original article") }, "\(texts)")
        #expect(texts.contains { $0.contains("the blog's own correction") })
        #expect(texts.contains { $0.contains("second story of healthy") })
    }

    /// Round 20: the blog moved and renamed in the edit that added a copycat, and its new address
    /// failed on that first poll: the copycat, the post's only reader, adopted it, and its next
    /// poll wrote "HACKED" into the blog's post. An adopted post is written over only once every
    /// other enabled feed has answered since the adoption.
    @Test func aCopycatCannotWriteIntoAPostItAdoptedWhileTheBlogWasDown() throws {
        serve("blog", firstBody: "original article")
        serve("healthy", firstBody: "healthy story")
        try folder.write(feeds.config(["blog", "healthy"]), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        mirror("copycat", body: "original article")
        feeds.remove("moved")
        try folder.write(feeds.config(["copycat", "moved", "healthy"]), to: "feeds.yaml")
        _ = try crawler(["once"])
        Thread.sleep(forTimeInterval: 1.1)
        mirror("copycat", body: "HACKED by copycat")
        mirror("moved", body: "original article")
        let run = try crawler(["once"])
        #expect(!fetchLine(run, feed: "copycat").contains("replaced"), "\(fetchLine(run, feed: "copycat"))")
        let texts = folder.documents().values
        #expect(texts.contains { $0.contains("original article") }, "\(texts)")
        #expect(texts.contains { $0.contains("second story of healthy") })
    }

    /// Round 21: a moved blog corrected its post at once after the move; held until every other
    /// feed had answered since the adoption, the correction was recorded, and (the body unchanged
    /// from then on) never read again: the post kept its old text for good.
    @Test func aCorrectionHeldForAnAdoptionIsWrittenOnceTheOthersAnswered() throws {
        serve("old", firstBody: "first story")
        serve("healthy", firstBody: "healthy story")
        try folder.write(feeds.config(["old", "healthy"]), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        serve("moved", blog: "old", firstBody: "first story")
        try folder.write(feeds.config(["moved", "healthy"]), to: "feeds.yaml")
        let adopting = try crawler(["once"])
        #expect(fetchLine(adopting, feed: "moved").contains("adopted=2"), "\(fetchLine(adopting, feed: "moved"))")
        serve("moved", blog: "old", firstBody: "corrected story")
        let held = try crawler(["once"])
        // Round 63: the summary said "0 new, 2 dup" of a correction held back.
        #expect(folder.documents().values.contains(where: { $0.contains("corrected story") })
                || held.stdout.contains("1 correction held until the other feeds carrying the post have answered"),
                "\(held.stdout)")
        for _ in 1...3 where !folder.documents().values.contains(where: { $0.contains("corrected story") }) {
            Thread.sleep(forTimeInterval: 1.1)
            _ = try crawler(["once"])
        }
        let texts = folder.documents().values
        #expect(texts.contains { $0.contains("corrected story") } && !texts.contains { $0.contains("first story") }, "\(texts)")
        #expect(texts.count == 4)
    }

    /// Round 21: a copycat that adopted a blog's old post (one the blog no longer carried) after a
    /// lost index rewrote it with its own author and channel. A feed adopts only a post it would
    /// have written byte for byte: a copycat under its own channel never does, nor does it make the
    /// blog's adoption contested.
    @Test func aCopycatUnderItsOwnChannelTakesNoPartInWhoHoldsAPost() throws {
        serve("blog", firstBody: "old post the blog dropped since")
        serve("healthy", firstBody: "healthy story")
        feeds.serve("copycat", items: [RevisionFeedServer.item(guid: "blog-1", title: "First of blog",
                                                               body: "old post the blog dropped since",
                                                               date: "Sun, 01 Nov 2026 10:00:00 +0000")])
        try folder.write(feeds.config(["blog", "copycat", "healthy"]), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        try loseAndRebuildTheIndex()
        // The blog no longer carries that post: nothing of the blog's ever contests the copycat.
        feeds.serve("blog", channel: "Channel blog", items: [RevisionFeedServer.item(
            guid: "blog-2", title: "Second of blog", body: "second story of blog", date: "Mon, 02 Nov 2026 10:00:00 +0000")])
        let adopting = try crawler(["once"])
        #expect(!fetchLine(adopting, feed: "copycat").contains("adopted"), "\(fetchLine(adopting, feed: "copycat"))")
        for round in 1...2 {
            Thread.sleep(forTimeInterval: 1.1)
            feeds.serve("copycat", items: [RevisionFeedServer.item(guid: "blog-1", title: "First of blog",
                                                                   body: "HIJACKED by copycat v\(round)",
                                                                   date: "Sun, 01 Nov 2026 10:00:00 +0000")])
            #expect(try crawler(["once"]).status == 0)
        }
        let texts = folder.documents().values
        #expect(texts.contains { $0.contains("old post the blog dropped since") && $0.contains("Channel blog") }, "\(texts)")
        #expect(texts.contains { $0.contains("second story of healthy") })
    }
}
