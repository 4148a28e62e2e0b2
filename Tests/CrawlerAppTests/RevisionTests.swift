import CrawlerTestKit
import Foundation
import Testing

/// `revisions:` and `identity:` through the real binary on a real store: an edited item is one
/// document rewritten in place by default, and never overwrites a different story.
@Suite struct RevisionTests {
    let folder = TemporaryFolder()
    let feeds: RevisionFeedServer

    init() throws {
        feeds = try RevisionFeedServer()
        // The healthy feed beside every test: its one document must always be stored.
        feeds.serve("healthy", items: [RevisionFeedServer.item(guid: "h1", title: "Healthy", body: "steady text")])
    }

    private typealias Feed = RevisionFeedServer

    private func once() throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(["once"], in: folder.path)
    }

    private func expectHealthyStored() {
        #expect(folder.documents().values.contains { $0.contains("steady text") })
    }

    @Test func anEditedItemRewritesItsOneDocumentInPlace() throws {
        try folder.write(feeds.config(["news", "healthy"]), to: "feeds.yaml")
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "first version"),
                                    Feed.item(guid: "b", title: "Other", body: "other story")])
        #expect(try once().status == 0)
        let before = folder.documents()
        let path = try #require(before.first { $0.value.contains("first version") }?.key)

        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "second version"),
                                    Feed.item(guid: "b", title: "Other", body: "other story")])
        let second = try once()
        #expect(second.status == 0, "\(second.stderr)")
        // The summary said "0 new, 0 dup" for it.
        #expect(second.stdout.contains("1 post corrected in place"), "\(second.stdout)")
        let after = folder.documents()
        #expect(after.count == before.count)
        #expect(after[path]?.contains("second version") == true)
        #expect(!after.values.contains { $0.contains("first version") })
        #expect(after.filter { $0.key != path } == before.filter { $0.key != path })
        let line = second.stderr.split(separator: "\n").map { LogLine(String($0)) }
            .first { $0["event"] == "fetch" && $0["feed"] == "news" }
        #expect(line?["replaced"] == "1")
        #expect(try CrawlerProcess.run(["store", "verify"], in: folder.path).status == 0)
        expectHealthyStored()
    }

    /// Round 54: an item corrected to exactly another item's text (a story republished under a
    /// new guid, the old entry changed to match) was written into its post: two identical posts.
    /// A text another post holds is stored: the version is recorded, not written.
    @Test func aCorrectionToAnotherPostsTextIsNotWrittenASecondTime() throws {
        try folder.write(feeds.config(["news", "healthy"]), to: "feeds.yaml")
        // g4 stays as it is; g3 changes.
        func serve(_ title: String, _ body: String) {
            feeds.serve("news", items: [Feed.item(guid: "g3", title: title, body: body),
                                        Feed.item(guid: "g4", title: "Collide four", body: "words of story four")])
        }
        serve("Collide three", "words of story three")
        #expect(try once().status == 0)
        serve("Collide four", "words of story four")
        let run = try once()
        #expect(run.status == 0, "\(run.stderr)")
        let texts = folder.documents().values
        #expect(texts.filter { $0.contains("words of story four") }.count == 1, "\(texts)")
        #expect(texts.contains { $0.contains("words of story three") }, "\(texts)")
        #expect(run.stderr.contains("versions_recorded=1"), "\(run.stderr)")
        // An item corrected back to a text its own post held is corrected in place, as before.
        serve("Collide three", "words of story three, fixed")
        #expect(try once().status == 0)
        serve("Collide three", "words of story three")
        let back = try once()
        #expect(back.stderr.contains("replaced=1"), "\(back.stderr)")
        #expect(folder.documents().values.filter { $0.contains("Collide three") }.count == 1)
        #expect(folder.documents().values.contains { $0.contains("words of story three") && !$0.contains("fixed") })
        expectHealthyStored()
    }

    /// Round 54: a view counter corrected at every poll added a row a version to the index's
    /// version tables (two, once a post was replaced), never trimmed. Versions first seen over a
    /// week ago go, but the newest 16. (The week passes in the index: a Swift program under
    /// libfaketime sees no arguments.)
    @Test func aViewCountersVersionsAreTrimmedAfterAWeek() throws {
        try folder.write(feeds.config(["counted", "healthy"]), to: "feeds.yaml")
        func poll(views: Int) throws {
            feeds.serve("counted", items: [Feed.item(guid: "c1", title: "Release notes", body: "We released it. \(views) views")])
            #expect(try CrawlerProcess.run(["once", "--force"], in: folder.path).status == 0)
        }
        for views in 1...25 { try poll(views: views) }
        #expect(try rows() == "24,24", "versions and held texts before the week")
        _ = try rows("UPDATE item_versions SET seen_at = seen_at - 8 * 86400")
        try poll(views: 26)
        #expect(try rows() == "16,16")
        // The counter's post is still one post, with its newest text.
        let posts = folder.documents().values.filter { $0.contains("Release notes") }
        #expect(posts.count == 1 && posts.first?.contains("26 views") == true, "\(posts)")
        expectHealthyStored()
    }

    /// Round 54: a feed that gives an item a new guid at every edit (its link and date kept) got
    /// a post per edit, silently, while `identity: link` keeps one. The crawler says so, once a
    /// pass, naming the feed and the remedy; a link shared by items of other dates ("word of the
    /// day"), or of one date without a time (a daily digest), is not taken for it.
    @Test func anItemBackUnderANewGuidWithItsLinkAndDateIsSaid() throws {
        try folder.write(feeds.config(["churn", "daily", "digest", "healthy"]), to: "feeds.yaml")
        let date = "Tue, 01 Dec 2026 20:00:00 +0000"
        func serve(_ version: Int) {
            feeds.serve("churn", items: [Feed.item(guid: "urn:delta:rev\(version)", title: "Delta v\(version)", body: "delta story",
                                                   link: "https://example.org/delta", date: date)])
            feeds.serve("daily", items: [Feed.item(guid: "day-\(version)", title: "Word \(version)", body: "word \(version)",
                                                   link: "https://example.org/today", date: "Tue, 0\(version) Dec 2026 06:00:00 +0000")])
            // A digest adding items through a day, each dated by the day alone, all linking to its front page.
            feeds.serve("digest", items: (1...version).map {
                Feed.item(guid: "link-\($0)", title: "Link \($0)", body: "link \($0)", link: "https://example.org/", date: "Tue, 01 Dec 2026")
            })
        }
        serve(1)
        let first = try once()
        #expect(first.status == 0 && !first.stderr.contains("identity_unstable"), "\(first.stderr)")
        serve(2)
        let second = try once()
        let said = second.stderr.split(separator: "\n").filter { $0.contains("event=identity_unstable") }
        #expect(said.count == 1 && said.first?.contains("feed=churn") == true, "\(second.stderr)")
        #expect(said.first?.contains("identity: link") == true && said.first?.contains("urn:delta:rev1") == true, "\(said)")
        #expect(said.first?.contains("crawler once --force --feed churn") == true, "\(said)")
        expectHealthyStored()

        // Round 63: the advice taken, then the next edit: a third post, and the same advice. The
        // pass after the change answered "unchanged", and posts are linked to their items under a
        // new identity only when the body is read; the advice says so, and the forced pass does it.
        try folder.write(feeds.config(["churn", "daily", "digest", "healthy"], perFeed: ["churn": "identity: link"]),
                         to: "feeds.yaml")
        let forced = try CrawlerProcess.run(["once", "--force", "--feed", "churn"], in: folder.path)
        #expect(forced.status == 0, "\(forced.stderr)")
        let before = folder.documents().count
        serve(3)
        let third = try once()
        #expect(!third.stderr.contains("event=identity_unstable"), "\(third.stderr)")
        #expect(folder.documents().count == before + 2, "daily and digest add one each; churn's edit corrects its post")
        #expect(folder.documents().values.contains { $0.contains("Delta v3") })
    }

    /// The index's rows for the feed `counted`: its item's versions, and the texts its post held.
    private func rows(_ change: String = "") throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.executescript(sys.argv[2]); db.commit()
            versions = db.execute("SELECT count(*) FROM item_versions WHERE feed = 'counted'").fetchone()[0]
            held = db.execute("SELECT count(*) FROM held_versions").fetchone()[0]
            print(f"{versions},{held}")
            """, folder.file("store/index.sqlite"), change]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A link that changes with every fetch only in its tracking parameters (`utm_campaign=c1`,
    /// `c2`...) is the same story: each edit was taken for another story, a post per poll.
    @Test func aLinkThatChangesOnlyInTrackingParametersIsTheSameStory() throws {
        try folder.write(feeds.config(["views", "healthy"]), to: "feeds.yaml")
        for round in 1...3 {
            feeds.serve("views", items: [Feed.item(guid: "g1", title: "Counted", body: "read \(round) times",
                                                   link: "https://example.org/post?id=7&utm_source=rss&utm_campaign=c\(round)#top")])
            #expect(try once().status == 0)
        }
        let posts = folder.documents().values.filter { $0.contains("Counted") }
        #expect(posts.count == 1 && posts.first?.contains("read 3 times") == true, "\(posts)")
        // Another value of a parameter that is not tracking is another story.
        feeds.serve("views", items: [Feed.item(guid: "g1", title: "Counted", body: "another page",
                                               link: "https://example.org/post?id=8&utm_campaign=c4")])
        #expect(try once().status == 0)
        #expect(folder.documents().values.filter { $0.contains("Counted") }.count == 2)
        expectHealthyStored()
    }

    /// Round 14: a permalink guid stamped with a new `utm_campaign` on every fetch (the link's
    /// stamps were already left out, the guid's were not), and a photo whose CDN signs each
    /// fetch's image URL anew (`oh=`, `oe=`, `_nc_ht=`) under a share link's `igsh=`: each fetch
    /// was a new item, a new post per poll.
    @Test func aGuidOrImageStampedOnEveryFetchIsOneItem() throws {
        try folder.write(feeds.config(["stamped", "photos", "healthy"]), to: "feeds.yaml")
        for round in 1...3 {
            let guid = "https://example.org/story/42?utm_source=rss&amp;utm_campaign=c\(round)"
            feeds.serve("stamped", items: ["<item><title>Stamped</title><guid isPermaLink=\"true\">\(guid)</guid>"
                + "<description>read \(round) times</description></item>"])
            feeds.serve("photos", items: ["<item><title></title><link>https://photos.example/p/Cx1?igsh=S\(round)</link>"
                + "<description><![CDATA[<img src=\"https://scontent.example/v/t51/1.jpg?_nc_ht=h\(round)&oh=\(round)ab&oe=6\(round)\">]]>"
                + "</description></item>"])
            #expect(try once().status == 0)
        }
        let texts = Array(folder.documents().values)
        #expect(texts.filter { $0.contains("Stamped") }.count == 1, "\(texts)")
        #expect(texts.filter { $0.contains("1.jpg") }.count == 1, "\(texts)")
        expectHealthyStored()
    }

    /// Round 15: a podcast episode without notes is known by its audio file, and podcast hosts
    /// rewrite its URL from one fetch to the next (Podtrac's and Chartable's prefixes in either
    /// order, Megaphone's `?updated=`): every fetch rewrote the post, or under `revisions: new`
    /// stored it again. The file is the same, so the episode is.
    @Test func aPodcastsRewrappedAudioURLIsTheSameEpisode() throws {
        try folder.write(feeds.config(["podcast", "healthy"], perFeed: ["podcast": "revisions: new"]), to: "feeds.yaml")
        let wrappings = ["https://dts.podtrac.com/redirect.mp3/chrt.fm/track/ABC/traffic.megaphone.fm/GLT123.mp3?updated=1",
                         "https://dts.podtrac.com/redirect.mp3/pdst.fm/e/chrt.fm/track/ABC/traffic.megaphone.fm/GLT123.mp3?updated=2",
                         "https://traffic.megaphone.fm/GLT123.mp3?updated=3"]
        for url in wrappings {
            feeds.serve("podcast", items: ["<item><title>Trailer</title><guid>trailer</guid>"
                + "<enclosure url=\"\(url)\" type=\"audio/mpeg\" length=\"100\"/></item>",
                "<item><title>Trailer</title><guid>other</guid><enclosure url=\"https://traffic.megaphone.fm/GLT124.mp3\" "
                + "type=\"audio/mpeg\" length=\"100\"/></item>"])
            #expect(try once().status == 0)
        }
        let episodes = folder.documents().values.filter { $0.contains("Trailer") }
        #expect(episodes.count == 2, "\(episodes)")
        // Round 16: a dotted folder is no host (`jane.doe`, an S3 bucket `show.one`): two photos.
        feeds.serve("podcast", items: ["<item><title>Photo</title><guid>p1</guid>"
            + "<description><![CDATA[<img src=\"https://cdn.example.com/u/jane.doe/uploads/photo.jpg\">]]></description></item>",
            "<item><title>Photo</title><guid>p2</guid>"
            + "<description><![CDATA[<img src=\"https://cdn.example.com/u/john.doe/uploads/photo.jpg\">]]></description></item>"])
        #expect(try once().status == 0)
        #expect(folder.documents().values.filter { $0.contains("uploads/photo.jpg") }.count == 2)
        expectHealthyStored()
    }

    /// Without a guid an item is known by its link: stamped anew on every fetch (escaped twice
    /// over, as `&amp;amp;` in the feed, too), it was a new item and a new post per poll. A
    /// fragment is no tracking: `/changelog#v1` and `#v2` under one guid are two releases.
    @Test func aLinkStampedOnEveryFetchIsOneItemAndAFragmentIsAnother() throws {
        try folder.write(feeds.config(["views", "releases", "healthy"]), to: "feeds.yaml")
        for round in 1...3 {
            let item = "<item><title>Seven</title><link>https://example.org/seven?id=7&amp;amp;utm_campaign=c\(round)"
                + "&amp;fbclid=F\(round)</link><description>seen \(round) times</description></item>"
            feeds.serve("views", items: [item])
            feeds.serve("releases", items: [Feed.item(guid: "changelog", title: "Release v\(round)", body: "notes of v\(round)",
                                                      link: "https://example.org/changelog#v\(round)")])
            #expect(try once().status == 0)
        }
        let texts = Array(folder.documents().values)
        #expect(texts.filter { $0.contains("title: Seven") || $0.contains("title: 'Seven'") }.count == 1, "\(texts)")
        #expect(texts.filter { $0.contains("Release v") }.count == 3, "\(texts)")
        expectHealthyStored()
    }

    /// A story two feeds carry is stored once (the second feed's copy is a duplicate). Edited in
    /// the second feed, it is that feed's own new post: a feed never rewrites a post another feed
    /// stored (one that copied a victim's item and then edited it wrote its text into the
    /// victim's post). The old items of a feed whose `identity:` changed are its own: their next
    /// edit corrects them, once the feed's body is read with them unchanged.
    @Test func aCrossPostedItemEditedInTheOtherFeedLeavesTheFirstFeedsPost() throws {
        try folder.write(feeds.config(["first", "second", "healthy"]), to: "feeds.yaml")
        let story = Feed.item(guid: "c1", title: "Cross Title", body: "cross body", link: "https://example.org/c1")
        feeds.serve("first", items: [story])
        feeds.serve("second", items: [])
        let run = try once()
        #expect(run.status == 0, "\(run.stderr)")
        feeds.serve("second", items: [story])
        #expect(try CrawlerProcess.run(["once", "--force"], in: folder.path).status == 0)
        #expect(folder.documents().count == 2)
        feeds.serve("second", items: [Feed.item(guid: "c1", title: "Cross Title (hijacked)", body: "SCAM text",
                                                link: "https://example.org/c1")])
        let edited = try CrawlerProcess.run(["once", "--force"], in: folder.path)
        #expect(edited.status == 0, "\(edited.stderr)")
        let original = folder.documents().values.filter { $0.contains("cross body") && !$0.contains("SCAM") }
        #expect(original.count == 1, "\(folder.documents().values)")
        #expect(original.first?.contains("Channel first") == true)
        expectHealthyStored()

        try folder.write(feeds.config(["first", "second", "healthy"], perFeed: ["first": "identity: link"]), to: "feeds.yaml")
        feeds.serve("first", items: [story, Feed.item(guid: "c2", title: "Another", body: "another story")])
        let relinked = try CrawlerProcess.run(["once", "--force"], in: folder.path)
        #expect(relinked.status == 0)
        feeds.serve("first", items: [Feed.item(guid: "c1", title: "Cross Title again", body: "cross body again",
                                               link: "https://example.org/c1"),
                                     Feed.item(guid: "c2", title: "Another", body: "another story")])
        #expect(try CrawlerProcess.run(["once", "--force"], in: folder.path).status == 0)
        let firsts = folder.documents().values.filter { $0.contains("Channel first") && $0.contains("Cross Title") }
        #expect(firsts.count == 1 && firsts.first?.contains("cross body again") == true, "\(folder.documents().values)")
    }

    /// Renamed (same URL), while a new feed took the old name in the same edit: the old name kept
    /// the URL's history, and the new feed's items passed for later versions of its posts (one
    /// with a copied guid wrote over the first feed's post). The history goes with the URL.
    @Test func aNameTakenOverInTheSameEditGetsNoneOfTheRenamedFeedsPosts() throws {
        try folder.write(feeds.config(["victim", "healthy"]), to: "feeds.yaml")
        feeds.serve("victim", items: [Feed.item(guid: "g1", title: "Victim story", body: "original victim text")])
        #expect(try once().status == 0)
        feeds.serve("hostile", items: [Feed.item(guid: "g1", title: "Victim story", body: "HACKED by hostile")])
        try folder.write("""
            store: ./store
            feeds:
              - url: \(feeds.url("victim"))
                name: renamed
              - url: \(feeds.url("hostile"))
                name: victim
              - url: \(feeds.url("healthy"))
                name: healthy

            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once", "--force"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("event=feed_renamed"), "\(run.stderr)")
        let texts = folder.documents().values
        #expect(texts.contains { $0.contains("original victim text") }, "\(texts)")
        #expect(!texts.contains { $0.contains("HACKED") && $0.contains("Channel victim") }, "\(texts)")
        #expect(texts.filter { $0.contains("original victim text") }.count == 1)
        expectHealthyStored()
    }

    /// `old` (a removed feed's) and `kept` (the renamed one's), two items each; the configuration
    /// with the given feed lines and the healthy feed.
    private func serveRemovedAndKeptFeeds() -> (String) -> String {
        feeds.serve("old", items: [Feed.item(guid: "o1", title: "Old one", body: "removed feed text 1"),
                                   Feed.item(guid: "o2", title: "Old two", body: "removed feed text 2")])
        feeds.serve("kept", items: [Feed.item(guid: "k1", title: "Kept one", body: "kept feed text 1"),
                                    Feed.item(guid: "k2", title: "Kept two", body: "kept feed text 2",
                                              date: "Thu, 03 Dec 2026 10:00:00 +0000")])
        let healthy = feeds.url("healthy")
        return { lines in "store: ./store\nfeeds:\n" + lines + "  - url: \(healthy)\n    name: healthy\n" }
    }

    /// `a` removed, then `b` renamed to `a` (same URL, new name): the name's state was the removed
    /// feed's, so no rename was seen; `a` listed, counted and trimmed the removed feed's posts
    /// (`keep:` forgot them for good) and never its own, and its corrections became new posts.
    /// The URL's history goes to the new name; the removed feed's rows step aside.
    @Test func aRenameOntoTheNameOfAFeedRemovedEarlierIsARename() throws {
        let config = serveRemovedAndKeptFeeds()
        try folder.write(config("  - url: \(feeds.url("old"))\n    name: a\n  - url: \(feeds.url("kept"))\n    name: b\n"),
                         to: "feeds.yaml")
        #expect(try once().status == 0)
        sleep(1)  // `b` fetched after `a` was: the history at the URL is newer than the name's
        try folder.write(config("  - url: \(feeds.url("kept"))\n    name: b\n"), to: "feeds.yaml")
        #expect(try once().status == 0)
        try folder.write(config("  - url: \(feeds.url("kept"))\n    name: a\n"), to: "feeds.yaml")
        feeds.serve("kept", items: [Feed.item(guid: "k1", title: "Kept one", body: "kept feed text 1, corrected"),
                                    Feed.item(guid: "k2", title: "Kept two", body: "kept feed text 2",
                                              date: "Thu, 03 Dec 2026 10:00:00 +0000")])
        let renamed = try CrawlerProcess.run(["once", "--force"], in: folder.path)
        #expect(renamed.status == 0, "\(renamed.stderr)")
        #expect(renamed.stderr.contains("event=feed_renamed feed=a from=b"), "\(renamed.stderr)")
        var texts = Array(folder.documents().values)
        #expect(texts.filter { $0.contains("kept feed text 1") }.count == 1, "the correction replaced its post: \(texts)")
        try folder.write(config("  - url: \(feeds.url("kept"))\n    name: a\n    keep: 1\n"), to: "feeds.yaml")
        let kept = try CrawlerProcess.run(["once", "--force"], in: folder.path)
        #expect(kept.status == 0, "\(kept.stderr)")
        texts = Array(folder.documents().values)
        #expect(texts.filter { $0.contains("removed feed text") }.count == 2, "the removed feed's posts stay: \(texts)")
        #expect(texts.filter { $0.contains("kept feed text") }.count == 1, "keep: 1 trims the feed's own: \(texts)")
        expectHealthyStored()
    }

    /// Round 44: `b` renamed onto `a`, removed since a pass when `a` was fetched last: the name's
    /// state was newer than the history at the URL, so no rename was seen (two passes within one
    /// second tied the same way), and the renamed feed's `keep:` forgot the removed feed's posts.
    /// A crawl that finds a name removed remembers it.
    @Test func aRenameOntoANameACrawlFoundRemovedIsARenameWhateverTheTimes() throws {
        let config = serveRemovedAndKeptFeeds()
        try folder.write(config("  - url: \(feeds.url("old"))\n    name: a\n  - url: \(feeds.url("kept"))\n    name: b\n"),
                         to: "feeds.yaml")
        #expect(try once().status == 0)
        sleep(1)  // `a` fetched after `b` was
        #expect(try CrawlerProcess.run(["once", "--feed", "a", "--force"], in: folder.path).status == 0)
        // `a` removed; `b` disabled for now, so not fetched again.
        try folder.write(config("  - url: \(feeds.url("kept"))\n    name: b\n    enabled: false\n"), to: "feeds.yaml")
        #expect(try once().status == 0)
        try folder.write(config("  - url: \(feeds.url("kept"))\n    name: a\n    keep: 1\n"), to: "feeds.yaml")
        let renamed = try CrawlerProcess.run(["once", "--force"], in: folder.path)
        #expect(renamed.status == 0, "\(renamed.stderr)")
        #expect(renamed.stderr.contains("event=feed_renamed feed=a from=b"), "\(renamed.stderr)")
        let texts = Array(folder.documents().values)
        #expect(texts.filter { $0.contains("removed feed text") }.count == 2, "the removed feed's posts stay: \(texts)")
        #expect(texts.filter { $0.contains("kept feed text") }.count == 1, "keep: 1 trims the feed's own: \(texts)")
        let status = try CrawlerProcess.run(["status"], in: folder.path)
        #expect(status.stdout.contains("a (removed)"), "\(status.stdout)")
        expectHealthyStored()
    }

    /// Round 44: a new feed (a URL with no history) given the name of a feed removed earlier took
    /// over that feed's documents and state, and its `keep:` forgot them with its own. It starts
    /// afresh; the removed feed's rows step aside as `NAME (removed)`.
    @Test func aNewFeedUnderARemovedFeedsNameStartsAfresh() throws {
        feeds.serve("old", items: [Feed.item(guid: "o1", title: "Old one", body: "removed feed text 1"),
                                   Feed.item(guid: "o2", title: "Old two", body: "removed feed text 2")])
        feeds.serve("new", items: [Feed.item(guid: "n1", title: "New one", body: "new feed text 1"),
                                   Feed.item(guid: "n2", title: "New two", body: "new feed text 2",
                                             date: "Thu, 03 Dec 2026 10:00:00 +0000")])
        let config = { (lines: String) in "store: ./store\nfeeds:\n" + lines + "  - url: \(self.feeds.url("healthy"))\n    name: healthy\n" }
        try folder.write(config("  - url: \(feeds.url("old"))\n    name: blog\n"), to: "feeds.yaml")
        #expect(try once().status == 0)
        try folder.write(config(""), to: "feeds.yaml")
        #expect(try once().status == 0)
        try folder.write(config("  - url: \(feeds.url("new"))\n    name: blog\n    keep: 1\n"), to: "feeds.yaml")
        let added = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stderr.contains("event=feed_renamed feed=\"blog (removed)\" from=blog"), "\(added.stderr)")
        let texts = Array(folder.documents().values)
        #expect(texts.filter { $0.contains("removed feed text") }.count == 2, "the removed feed's posts stay: \(texts)")
        #expect(texts.filter { $0.contains("new feed text") }.count == 1, "keep: 1 trims the feed's own: \(texts)")
        let explain = try CrawlerProcess.run(["explain", "blog"], in: folder.path)
        #expect(!explain.stdout.contains("Old one"), "\(explain.stdout)")
        expectHealthyStored()
    }

    /// Round 45: a rename written with a cosmetic change of its URL (`#top`, the scheme in
    /// capitals), which feeds.yaml's duplicate check reads as the same URL, was taken for a new
    /// feed: what its `keep:` had forgotten was stored again.
    @Test func aRenameWithTheURLWrittenDifferentlyIsARename() throws {
        feeds.serve("kept", items: [Feed.item(guid: "k1", title: "Kept one", body: "kept feed text 1",
                                              date: "Tue, 01 Dec 2026 10:00:00 +0000"),
                                    Feed.item(guid: "k2", title: "Kept two", body: "kept feed text 2",
                                              date: "Thu, 03 Dec 2026 10:00:00 +0000")])
        let config = { (lines: String) in "store: ./store\nfeeds:\n" + lines + "  - url: \(self.feeds.url("healthy"))\n    name: healthy\n" }
        try folder.write(config("  - url: \(feeds.url("kept"))\n    name: a\n    keep: 1\n"), to: "feeds.yaml")
        #expect(try once().status == 0)
        #expect(folder.documents().values.filter { $0.contains("kept feed text") }.count == 1)
        let written = feeds.url("kept").replacingOccurrences(of: "http://", with: "HTTP://") + "#top"
        try folder.write(config("  - url: \(written)\n    name: b\n    keep: 1\n"), to: "feeds.yaml")
        let renamed = try CrawlerProcess.run(["once", "--force"], in: folder.path)
        #expect(renamed.status == 0, "\(renamed.stderr)")
        #expect(renamed.stderr.contains("event=feed_renamed feed=b from=a"), "\(renamed.stderr)")
        let texts = Array(folder.documents().values)
        #expect(texts.filter { $0.contains("kept feed text 1") }.isEmpty, "what keep: forgot came back: \(texts)")
        expectHealthyStored()
    }

    /// Round 32: a feed moved to the URL of a feed removed earlier is a move, not a rename onto
    /// that feed's name: its own posts stay its own. And a rename onto a removed name undone in
    /// one edit gives each name its history back; nothing its `keep:` forgot comes back.
    @Test func aMoveOntoARemovedFeedsURLAndAnUndoneRenameKeepEachFeedsPosts() throws {
        feeds.serve("gone", items: [Feed.item(guid: "g1", title: "Gone one", body: "gone feed text")])
        feeds.serve("mine", items: [Feed.item(guid: "m1", title: "Mine one", body: "my own text 1"),
                                    Feed.item(guid: "m2", title: "Mine two", body: "my own text 2",
                                              date: "Thu, 03 Dec 2026 10:00:00 +0000")])
        let config = { (lines: String) in "store: ./store\nfeeds:\n" + lines + "  - url: \(self.feeds.url("healthy"))\n    name: healthy\n" }
        let entry = { (url: String, name: String, extra: String) in "  - url: \(self.feeds.url(url))\n    name: \(name)\n" + extra }
        try folder.write(config(entry("gone", "old", "") + entry("mine", "a", "    keep: 1\n")), to: "feeds.yaml")
        #expect(try once().status == 0)
        sleep(1)
        try folder.write(config(entry("mine", "a", "    keep: 1\n")), to: "feeds.yaml")
        #expect(try once().status == 0)
        // `a` moves to the URL `old` had: no rename, `a` keeps its one post.
        try folder.write(config(entry("gone", "a", "    keep: 1\n")), to: "feeds.yaml")
        let moved = try CrawlerProcess.run(["once", "--force"], in: folder.path)
        #expect(moved.status == 0 && !moved.stderr.contains("event=feed_renamed"), "\(moved.stderr)")
        let status = try CrawlerProcess.run(["status"], in: folder.path)
        #expect(!status.stdout.contains("(removed)"), "\(status.stdout)")
        // Back to where it was, in one edit: its forgotten post does not come back.
        try folder.write(config(entry("gone", "old", "") + entry("mine", "a", "    keep: 1\n")), to: "feeds.yaml")
        let back = try CrawlerProcess.run(["once", "--force"], in: folder.path)
        #expect(back.status == 0, "\(back.stderr)")
        let texts = Array(folder.documents().values)
        #expect(texts.filter { $0.contains("my own text") }.count == 1, "\(texts)")
        expectHealthyStored()
    }

    /// An item without guid or link is known by its title and date; a date in the future is the
    /// fetch time, which moves, so each poll's version of such an item (a view counter in its
    /// text, a server writing local time as GMT) was a new post. Its date as written names it.
    @Test func anItemKnownByItsFutureDateIsCorrectedInPlace() throws {
        try folder.write(feeds.config(["ahead", "healthy"]), to: "feeds.yaml")
        for views in 1...3 {
            feeds.serve("ahead", items: ["<item><title>Soon story</title><pubDate>Tue, 01 Jan 2060 10:00:00 GMT</pubDate>"
                                         + "<description>Soon text. Views: \(views)</description></item>"])
            let run = try CrawlerProcess.run(["once", "--force"], in: folder.path)
            #expect(run.status == 0, "\(run.stderr)")
            sleep(1)
        }
        let posts = folder.documents().values.filter { $0.contains("Soon text") }
        #expect(posts.count == 1 && posts.first?.contains("Views: 3") == true, "\(posts)")
        expectHealthyStored()
    }

    /// A replaced post keeps its first version's place; a rerender (no setting changed) moved the
    /// ones whose date had changed since to their new date's folder, and their URLs broke.
    @Test func aRerenderKeepsAReDatedPostWhereItIs() throws {
        try folder.write(feeds.config(["news", "healthy"]), to: "feeds.yaml")
        feeds.serve("news", items: [Feed.item(guid: "d1", title: "Dated", body: "first", date: "Sun, 01 Nov 2026 10:00:00 +0000")])
        #expect(try once().status == 0)
        let placed = try #require(folder.documents().first { $0.value.contains("first") }?.key)
        feeds.serve("news", items: [Feed.item(guid: "d1", title: "Dated again", body: "second",
                                              date: "Fri, 15 Jan 2027 10:00:00 +0000")])
        #expect(try CrawlerProcess.run(["once", "--force"], in: folder.path).status == 0)
        #expect(folder.documents()[placed]?.contains("second") == true, "\(folder.documents().keys)")
        let rerender = try CrawlerProcess.run(["store", "rerender"], in: folder.path)
        #expect(rerender.stdout.contains("(0 moved"), "\(rerender.stdout)")
        #expect(folder.documents()[placed]?.contains("second") == true, "\(folder.documents().keys)")
        #expect(try CrawlerProcess.run(["store", "verify"], in: folder.path).status == 0)
        expectHealthyStored()
    }

    /// A post the site owner deleted came back with its item's next edit.
    @Test func aPostDeletedByHandDoesNotComeBackWithTheNextVersion() throws {
        try folder.write(feeds.config(["news", "healthy"]), to: "feeds.yaml")
        feeds.serve("news", items: [Feed.item(guid: "g", title: "Gone", body: "first")])
        #expect(try once().status == 0)
        let path = try #require(folder.documents().first { $0.value.contains("first") }?.key)
        try FileManager.default.removeItem(atPath: folder.file("store/" + path))
        feeds.serve("news", items: [Feed.item(guid: "g", title: "Gone", body: "second")])
        let run = try CrawlerProcess.run(["once", "--force"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!folder.documents().values.contains { $0.contains("Gone") }, "\(folder.documents().keys)")
        let verify = try CrawlerProcess.run(["store", "verify"], in: folder.path)
        #expect(verify.stdout.contains("not on disk"), "\(verify.stdout)")
        expectHealthyStored()
    }

    /// Feed "news" stores "Story" ("first version"), whose post is then edited by hand: its path and text.
    private func storyEditedByHand() throws -> (path: String, edited: String) {
        try folder.write(feeds.config(["news", "healthy"]), to: "feeds.yaml")
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "first version")])
        #expect(try once().status == 0)
        let path = try #require(folder.documents().first { $0.value.contains("first version") }?.key)
        let edited = try #require(folder.read("store/" + path)).replacingOccurrences(of: "first version", with: "corrected by hand")
        try folder.write(edited, to: "store/" + path)
        return (path, edited)
    }

    /// A document edited by hand, then a new version of its item: the replacement wrote over the
    /// edit without a word. The version is recorded; the edit stays.
    @Test func aNewVersionIsNotWrittenOverADocumentEditedByHand() throws {
        let (path, edited) = try storyEditedByHand()
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "second version")])
        let second = try once()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(folder.read("store/" + path) == edited)
        #expect(!folder.documents().values.contains { $0.contains("second version") })
        let line = second.stderr.split(separator: "\n").map { LogLine(String($0)) }
            .first { $0["event"] == "fetch" && $0["feed"] == "news" }
        #expect(line?["versions_recorded"] == "1", "\(second.stderr)")
        // Round 14: and why, with the post the edit keeps (keep-first's versions were the same line).
        #expect(line?["held_by_edit"] == path, "\(second.stderr)")
        // Round 63: the summary said "0 new, 1 dup" of it.
        #expect(second.stdout.contains("1 correction not written over a post edited by hand"), "\(second.stdout)")
        expectHealthyStored()
    }

    /// Round 65: rebuild-index (run for any reason) took an edited post's bytes for what was
    /// stored, without a word, and the item's next version then wrote over the edit, no copy kept.
    @Test func rebuildIndexKeepsAnEditAnEdit() throws {
        let (path, edited) = try storyEditedByHand()
        let rebuild = try CrawlerProcess.run(["store", "rebuild-index"], in: folder.path)
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        #expect(rebuild.stdout.contains("edited \(path): differs from what was stored; kept as an edit"), "\(rebuild.stdout)")
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "second version")])
        let second = try once()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(folder.read("store/" + path) == edited)
        #expect(second.stdout.contains("1 correction not written over a post edited by hand"), "\(second.stdout)")
        let verify = try CrawlerProcess.run(["store", "verify", "--edits-ok"], in: folder.path)
        #expect(verify.status == 0, "\(verify.stdout)")
        expectHealthyStored()
    }

    @Test func aCounterInTheBodyMakesNoNewPostPerPoll() throws {
        try folder.write(feeds.config(["counter", "healthy"]), to: "feeds.yaml")
        for views in 1...4 {
            feeds.serve("counter", items: [Feed.item(guid: "c", title: "Popular", body: "read \(views) times")])
            #expect(try once().status == 0)
        }
        let documents = folder.documents()
        #expect(documents.count == 2)
        #expect(documents.values.contains { $0.contains("read 4 times") })
        expectHealthyStored()
    }

    @Test func revisionsNewStoresEveryVersionAsItsOwnDocument() throws {
        try folder.write(feeds.config(["news", "healthy"], perFeed: ["news": "revisions: new"]), to: "feeds.yaml")
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "first version")])
        #expect(try once().status == 0)
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "second version")])
        #expect(try once().status == 0)
        let texts = Array(folder.documents().values)
        #expect(texts.count == 3)
        #expect(texts.contains { $0.contains("first version") } && texts.contains { $0.contains("second version") })
        expectHealthyStored()
    }

    @Test func keepFirstRecordsLaterVersionsAndWritesNone() throws {
        try folder.write(feeds.config(["news", "healthy"], global: "revisions: keep-first\n"), to: "feeds.yaml")
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "first version")])
        #expect(try once().status == 0)
        let before = folder.documents()
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "second version")])
        let second = try once()
        #expect(second.status == 0)
        #expect(folder.documents() == before)
        let line = second.stderr.split(separator: "\n").map { LogLine(String($0)) }
            .first { $0["event"] == "fetch" && $0["feed"] == "news" }
        #expect(line?["versions_recorded"] == "1" && line?["held_by_edit"] == nil)
        #expect(line?["new"] == "0")
        #expect(second.stdout.contains("1 later version recorded, not written"), "\(second.stdout)")
        expectHealthyStored()
    }

    /// Round 67: an Atom feed carrying two versions of one entry (one atom:id, one link, two
    /// `updated`: RFC 4287 4.1.1 says they are the same entry) made two posts, the older text
    /// published as a story of its own. The newest version is the entry; one with the same id at
    /// another link is still another story (the test above).
    @Test func twoVersionsOfAnAtomEntryInOneDocumentAreOnePostOfTheNewest() throws {
        try folder.write(feeds.config(["atom", "healthy"]), to: "feeds.yaml")
        func entry(_ title: String, _ updated: String, _ text: String) -> String {
            "<entry><title>\(title)</title><id>urn:story:1</id><link href=\"https://example.org/story/1\"/>"
                + "<updated>\(updated)</updated><content>\(text)</content></entry>"
        }
        feeds.serveRaw("atom", """
            <feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title><id>urn:feed</id>\
            <updated>2025-12-03T00:00:00Z</updated><author><name>A</name></author>\
            \(entry("Story, first", "2025-12-01T12:00:00Z", "The original text."))\
            \(entry("Story, corrected", "2025-12-02T12:00:00Z", "The corrected text."))\
            <entry><title>Other</title><id>urn:story:2</id><link href="https://example.org/story/2"/>\
            <updated>2025-12-01T09:00:00Z</updated><content>Another story.</content></entry></feed>
            """)
        let run = try once()
        #expect(run.status == 0, "\(run.stderr)")
        let texts = folder.documents().values
        #expect(texts.count == 3, "\(texts)")
        #expect(texts.contains { $0.contains("The corrected text.") && $0.contains("Story, corrected") })
        #expect(!texts.contains { $0.contains("The original text.") })
        #expect(texts.contains { $0.contains("Another story.") })
        #expect(!run.stderr.contains("identity_fallback"), "\(run.stderr)")
        expectHealthyStored()
        // r68: `preview` and `parse` showed the older version too, as a document of its own.
        for command in [["preview", "atom"], ["parse", feeds.url("atom"), "--render"], ["parse", feeds.url("atom")]] {
            let shown = try CrawlerProcess.run(command, in: folder.path)
            #expect(shown.status == 0, "\(command): \(shown.stderr)")
            #expect(shown.stdout.contains("Story, corrected") && shown.stdout.contains("Other"), "\(command): \(shown.stdout)")
            #expect(!shown.stdout.contains("Story, first"), "\(command): \(shown.stdout)")
        }
    }

    @Test func duplicateGuidsFallBackToASaferIdentityAndOverwriteNoOtherStory() throws {
        try folder.write(feeds.config(["careless", "healthy"]), to: "feeds.yaml")
        // One guid for two different stories: replace must not make them one document.
        feeds.serve("careless", items: [
            Feed.item(guid: "same", title: "Morning", body: "morning story", link: "https://example.org/morning"),
            Feed.item(guid: "same", title: "Evening", body: "evening story", link: "https://example.org/evening"),
        ])
        let first = try once()
        #expect(first.status == 0)
        #expect(folder.documents().count == 3)
        let fallback = first.stderr.split(separator: "\n").map { LogLine(String($0)) }
            .first { $0["event"] == "identity_fallback" }
        #expect(fallback?["feed"] == "careless")
        #expect(fallback?["instead"] == "guid+link")

        feeds.serve("careless", items: [
            Feed.item(guid: "same", title: "Morning", body: "morning story, corrected", link: "https://example.org/morning"),
            Feed.item(guid: "same", title: "Evening", body: "evening story", link: "https://example.org/evening"),
        ])
        #expect(try once().status == 0)
        let texts = Array(folder.documents().values)
        #expect(texts.count == 3)
        #expect(texts.contains { $0.contains("morning story, corrected") })
        #expect(texts.contains { $0.contains("evening story") })
        #expect(!texts.contains { $0.contains("morning story</p>") })
        expectHealthyStored()
    }

    @Test func aGuidReusedForAnotherStoryInALaterPollOverwritesNothing() throws {
        try folder.write(feeds.config(["reuse", "healthy"]), to: "feeds.yaml")
        let monday = "Mon, 30 Nov 2026 10:00:00 +0000", tuesday = "Tue, 01 Dec 2026 10:00:00 +0000"
        feeds.serve("reuse", items: [Feed.item(guid: "slot", title: "Monday", body: "monday story",
                                               link: "https://example.org/monday", date: monday)])
        #expect(try once().status == 0)
        // The same guid, one poll later, for a different story (another link, another date).
        feeds.serve("reuse", items: [Feed.item(guid: "slot", title: "Tuesday", body: "tuesday story",
                                               link: "https://example.org/tuesday", date: tuesday)])
        #expect(try once().status == 0)
        feeds.serve("reuse", items: [Feed.item(guid: "slot", title: "Tuesday", body: "tuesday story, corrected",
                                               link: "https://example.org/tuesday", date: tuesday)])
        #expect(try once().status == 0)
        let texts = Array(folder.documents().values)
        #expect(texts.count == 3)
        #expect(texts.contains { $0.contains("monday story") })
        #expect(texts.contains { $0.contains("tuesday story, corrected") })
        expectHealthyStored()
    }

    /// Round 63: a post's slug changed under its opaque guid (its text the same: one post, as it
    /// should be), then its text was corrected a poll later: the correction was taken for another
    /// story under a reused guid, since the post was still known at its old link, and published
    /// beside the stale one. The same text under the same guid at a new link moves the post's link.
    @Test func aSlugChangedThenACorrectionIsOneCorrectedPost() throws {
        try folder.write(feeds.config(["ghost", "healthy"]), to: "feeds.yaml")
        func serve(_ link: String, _ body: String) {
            feeds.serve("ghost", items: [Feed.item(guid: "5f3a", title: "Story", body: body, link: link),
                                         Feed.item(guid: "5f3b", title: "Other", body: "other story")])
        }
        serve("https://blog.example/story/", "first version")
        #expect(try once().status == 0)
        serve("https://blog.example/a-better-slug/", "first version")
        #expect(try once().status == 0)
        serve("https://blog.example/a-better-slug/", "second version")
        let corrected = try once()
        #expect(corrected.stdout.contains("1 post corrected in place"), "\(corrected.stdout)")
        let texts = Array(folder.documents().values)
        #expect(texts.count == 3, "\(corrected.stderr.suffix(1500))")
        #expect(texts.contains { $0.contains("second version") } && !texts.contains { $0.contains("first version") })
        // A reused guid is still another story: another link and another text.
        serve("https://blog.example/something-else/", "another story entirely")
        #expect(try once().status == 0)
        #expect(folder.documents().count == 4)
        expectHealthyStored()
    }

    /// Round 14: WordPress keeps an edited post's guid (`?p=123`) and date, and its permalink
    /// follows the corrected title: the correction became a second post, because another link
    /// under one guid read as another story. The same guid and the same date of the feed's own
    /// is the same story, whatever its link.
    @Test func aCorrectedTitleThatMovesThePermalinkIsACorrection() throws {
        try folder.write(feeds.config(["wordpress", "healthy"]), to: "feeds.yaml")
        let posted = "Tue, 01 Dec 2026 09:30:00 +0000"
        feeds.serve("wordpress", items: [Feed.item(guid: "https://blog.example/?p=123", title: "Helo wrold",
                                                   body: "teh first post", link: "https://blog.example/2026/12/helo-wrold/",
                                                   date: posted)])
        #expect(try once().status == 0)
        feeds.serve("wordpress", items: [Feed.item(guid: "https://blog.example/?p=123", title: "Hello world",
                                                   body: "the first post", link: "https://blog.example/2026/12/hello-world/",
                                                   date: posted)])
        let corrected = try once()
        #expect(corrected.status == 0)
        let texts = Array(folder.documents().values)
        #expect(texts.count == 2, "\(corrected.stderr.suffix(1500))")
        #expect(texts.contains { $0.contains("Hello world") && $0.contains("the first post") }, "\(texts)")
        #expect(!texts.contains { $0.contains("Helo wrold") })
        expectHealthyStored()
    }

    /// Round 14: a "word of the day" feed gives its one item no guid and the same link every
    /// day: each day's post was taken for a correction of the day before's and written over it.
    /// Without a guid, another title under another date of the feed's own is another story; a
    /// correction of the day's post (its date and title kept) still replaces it.
    @Test func anItemWithoutGuidUnderAFixedLinkIsANewStoryEachDay() throws {
        try folder.write(feeds.config(["daily", "healthy"]), to: "feeds.yaml")
        func serve(_ word: String, day: Int, body: String) {
            feeds.serve("daily", items: ["<item><title>Word of the day: \(word)</title><link>https://example.org/wotd/</link>"
                + "<pubDate>Tue, 0\(day) Dec 2026 06:00:00 +0000</pubDate><description>\(body)</description></item>"])
        }
        serve("apple", day: 1, body: "a fruit")
        #expect(try once().status == 0)
        serve("banana", day: 2, body: "a yellow fruit")
        #expect(try once().status == 0)
        serve("banana", day: 2, body: "a long yellow fruit")
        #expect(try once().status == 0)
        let texts = folder.documents().values.filter { $0.contains("Word of the day") }
        #expect(texts.count == 2, "\(texts)")
        #expect(texts.contains { $0.contains("a fruit") } && texts.contains { $0.contains("a long yellow fruit") }, "\(texts)")
        expectHealthyStored()
    }

    /// Round 14: a correction that came with a new pubDate rewrote the front matter's date while
    /// the file kept its place: Jekyll's and Hexo's permalinks (`/:year/:month/:day/:title`) come
    /// from that date, so the post's URL moved and every link to it broke. A replacement keeps the
    /// date the post was published with.
    @Test(arguments: ["hexo", "hugo", "jekyll"])
    func aCorrectionWithANewDateKeepsThePostsDate(output: String) throws {
        try folder.write(feeds.config(["dated", "healthy"], global: "output: \(output)\n"), to: "feeds.yaml")
        feeds.serve("dated", items: [Feed.item(guid: "d1", title: "Dated", body: "first text", date: "Tue, 01 Dec 2026 10:00:00 +0000")])
        #expect(try once().status == 0)
        let top = output == "jekyll" ? "_posts" : "posts"
        let before = folder.documents(under: top).filter { $0.value.contains("first text") }
        let (path, first) = try #require(before.first)
        feeds.serve("dated", items: [Feed.item(guid: "d1", title: "Dated", body: "corrected text",
                                               date: "Thu, 03 Dec 2026 08:00:00 +0000")])
        let corrected = try once()
        #expect(corrected.status == 0)
        let after = folder.documents(under: top).filter { $0.value.contains("Dated") }
        #expect(after.count == 1 && after[path]?.contains("corrected text") == true, "\(after)")
        let dateLine = { (text: String) in text.split(separator: "\n").first { $0.hasPrefix("date: ") } }
        #expect(dateLine(after[path] ?? "") == dateLine(first), "\(after[path] ?? "")")
        #expect(try CrawlerProcess.run(["store", "verify"], in: folder.path).status == 0)
        #expect(folder.documents(under: top).values.contains { $0.contains("steady text") })
        // Rendered again from its source values, it keeps that date too.
        #expect(try CrawlerProcess.run(["store", "rerender"], in: folder.path).status == 0)
        #expect(dateLine(folder.documents(under: top)[path] ?? "") == dateLine(first))
        #expect(try CrawlerProcess.run(["store", "verify"], in: folder.path).status == 0)
        // Round 16: and in another layout, placed by that date (it moved to the correction's month).
        try folder.write(feeds.config(["dated", "healthy"], global: "output: \(output)\n"
                                      + "document_path: \(top)/{year}/{month}/{day}/{hash}.\(output == "hexo" ? "md" : "html")\n"),
                         to: "feeds.yaml")
        let moved = try CrawlerProcess.run(["store", "rerender"], in: folder.path)
        #expect(moved.status == 0, "\(moved.stdout)\(moved.stderr)")
        let relaid = try #require(folder.documents(under: top).first { $0.value.contains("corrected text") })
        #expect(relaid.key.hasPrefix("\(top)/2026/12/01/") && dateLine(relaid.value) == dateLine(first), "\(relaid.key)")
    }

    @Test func identityLinkTellsItemsApartByTheirLink() throws {
        try folder.write(feeds.config(["links", "healthy"], perFeed: ["links": "identity: link"]), to: "feeds.yaml")
        // The guid changes with every edit here; the link does not.
        feeds.serve("links", items: [Feed.item(guid: "v1", title: "Story", body: "first", link: "https://example.org/s")])
        #expect(try once().status == 0)
        feeds.serve("links", items: [Feed.item(guid: "v2", title: "Story", body: "second", link: "https://example.org/s")])
        #expect(try once().status == 0)
        let texts = Array(folder.documents().values)
        #expect(texts.count == 2)
        #expect(texts.contains { $0.contains("<p>second</p>") })
        expectHealthyStored()
    }

    @Test func anUnknownRevisionsValueIsAConfigurationErrorWithItsLine() throws {
        try folder.write(feeds.config(["news"], perFeed: ["news": "revisions: sometimes"]), to: "feeds.yaml")
        let run = try once()
        #expect(run.status == 2)
        #expect(run.stderr.contains("feeds.yaml:5: feeds[0].revisions (feed 'news'): 'sometimes' is not one of replace, new, keep-first"))
    }

    /// A revision whose date moved to another month stays in its file: `verify` must not call it
    /// misplaced, nor its new text corrupt.
    @Test func aRevisionDatedInAnotherMonthVerifiesClean() throws {
        try folder.write(feeds.config(["news", "healthy"]), to: "feeds.yaml")
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "first version",
                                              date: "Mon, 30 Nov 2026 23:00:00 +0000")])
        #expect(try once().status == 0)
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "second version, longer than the first",
                                              date: "Wed, 02 Dec 2026 10:00:00 +0000")])
        #expect(try once().status == 0)
        #expect(folder.documents().count == 2)
        let verify = try CrawlerProcess.run(["store", "verify"], in: folder.path)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        expectHealthyStored()
    }

    /// A forgotten item stays forgotten when it comes back edited: no new document, no rewrite.
    @Test func aForgottenItemIsNotRevivedByItsNextVersion() throws {
        try folder.write(feeds.config(["news", "healthy"]), to: "feeds.yaml")
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "first version")])
        #expect(try once().status == 0)
        let path = try #require(folder.documents().first { $0.value.contains("first version") }?.key)
        let forget = try CrawlerProcess.run(["store", "forget", path], in: folder.path)
        #expect(forget.status == 0, "\(forget.stderr)")
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "second version")])
        #expect(try once().status == 0)
        #expect(!folder.documents().values.contains { $0.contains("version") })
        #expect(try CrawlerProcess.run(["store", "verify"], in: folder.path).status == 0)
        expectHealthyStored()
    }

    /// A feed renamed in feeds.yaml (same URL) takes all its history: an edited item still rewrites
    /// its document, a forgotten one stays forgotten, and `rerender` finds its documents under the
    /// new name. Only its state, provenance and items moved with it: the edit became a second post,
    /// the forgotten item came back, and a rerender to Hugo left its documents in Hexo.
    @Test func aRenamedFeedKeepsItsRevisionsTombstonesAndSources() throws {
        try folder.write(feeds.config(["news", "healthy"]), to: "feeds.yaml")
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "first version"),
                                    Feed.item(guid: "b", title: "Gone", body: "forget me")])
        #expect(try once().status == 0)
        let forgotten = try #require(folder.documents().first { $0.value.contains("forget me") }?.key)
        #expect(try CrawlerProcess.run(["store", "forget", forgotten], in: folder.path).status == 0)
        try folder.write(feeds.config(["news", "healthy"]).replacingOccurrences(of: "name: news", with: "name: renamed"),
                         to: "feeds.yaml")
        feeds.serve("news", items: [Feed.item(guid: "a", title: "Story", body: "second version"),
                                    Feed.item(guid: "b", title: "Gone", body: "forget me, edited")])
        let second = try once()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stderr.contains("event=feed_renamed"), "\(second.stderr)")
        let documents = folder.documents()
        #expect(documents.count == 2, "\(documents.keys)")
        #expect(documents.values.contains { $0.contains("second version") })
        #expect(!documents.values.contains { $0.contains("first version") || $0.contains("forget me") })
        let dryRun = try CrawlerProcess.run(["store", "rerender", "--feed", "renamed", "--dry-run"], in: folder.path)
        #expect(dryRun.stdout.contains("of 1 document"), "\(dryRun.stdout)")
        try folder.write("output: hugo\n" + (folder.read("feeds.yaml") ?? ""), to: "feeds.yaml")
        let rerender = try CrawlerProcess.run(["store", "rerender"], in: folder.path)
        #expect(rerender.status == 0 && !rerender.stdout.contains("not in the configuration"), "\(rerender.stdout)")
        let rendered = folder.documents()
        #expect(rendered.count == 2 && rendered.keys.allSatisfy { $0.hasSuffix(".html") }, "\(rendered.keys)")
        #expect(try CrawlerProcess.run(["store", "verify"], in: folder.path).status == 0)
        expectHealthyStored()
    }
}
