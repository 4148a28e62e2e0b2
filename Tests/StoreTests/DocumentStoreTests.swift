import FeedModel
import Foundation
@testable import Store
import Testing

@Suite struct DocumentStoreTests {
    let folder = NSTemporaryDirectory() + "store-test-" + UUID().uuidString
    let now = Timestamp(secondsSince1970: 1_700_000_000)

    private func document(_ hash: String, item: String = "id", feed: String = "f", text: String = "body") -> Document {
        Document(feed: feed, itemIdentity: item, contentHash: hash + String(repeating: "0", count: 64 - hash.count),
                 date: Timestamp(year: 2022, month: 2, day: 16)!, text: text)
    }

    /// A URL renamed twice while its fetch was under way left two orphans: the feed now at the
    /// URL takes the latest history, and two configured feeds that traded names each take the other's.
    @Test func renamesTakeTheLatestOrphanAndNamesTradedInACycle() throws {
        let store = try DocumentStore(path: folder)
        try store.save([FeedState(feed: "zeta", url: "https://a.example/x", lastFetch: now, documents: 1),
                        FeedState(feed: "alpha", url: "https://a.example/x", lastFetch: Timestamp(secondsSince1970: now.secondsSince1970 - 3600), documents: 2),
                        FeedState(feed: "p", url: "https://p.example/", documents: 3),
                        FeedState(feed: "q", url: "https://q.example/", documents: 4)])
        let renames = try store.adoptRenamedFeeds([FeedConfig(name: "new", url: "https://a.example/x"),
                                                   FeedConfig(name: "p", url: "https://q.example/"),
                                                   FeedConfig(name: "q", url: "https://p.example/")])
        #expect(Set(renames) == [FeedRenames.Rename(from: "zeta", to: "new"), FeedRenames.Rename(from: "q", to: "p"),
                                 FeedRenames.Rename(from: "p", to: "q")])
        let states = try store.feedStates(["new", "alpha", "p", "q"])
        #expect(states["new"]?.documents == 1 && states["alpha"]?.documents == 2)
        #expect(states["p"]?.documents == 4 && states["p"]?.url == "https://q.example/")
        #expect(states["q"]?.documents == 3 && states["q"]?.url == "https://p.example/")
    }

    /// A feed carrying posts another feed stored (a planet, a cross-post) finds who holds each by
    /// the index, not by reading every post's provenance: one scan per copy cost a cold pass over a
    /// farm with 3% cross-posts a fifth of its CPU, and grows with the store.
    @Test func copiesOfAnotherFeedsPostsAreFoundWithoutScanningTheStore() throws {
        let store = try DocumentStore(path: folder)
        store.configuredFeeds = ["blog", "planet"]
        let posts = (0..<2_000).map { document(String(format: "%06x", $0), item: "b\($0)", feed: "blog", text: "t\($0)") }
        #expect(try store.store(posts, storedAt: now).stored.count == 2_000)
        let before = store.index.database.fullScanSteps
        let copies = (0..<50).map { document(String(format: "%06x", $0 * 40), item: "p\($0)", feed: "planet", text: "t\($0 * 40)") }
        #expect(try store.store(copies, storedAt: now).duplicates == 50)
        // Fewer rows stepped over than one scan of the posts' provenance.
        #expect(store.index.database.fullScanSteps - before < 2_000)
    }

    /// The readings of feeds no longer configured go; those of configured feeds stay, whatever
    /// their names hold (quotes, backslashes, letters beyond ASCII, a name that is a prefix of
    /// another), and a store with no readings of a removed feed is left as it is.
    @Test func readingsOfFeedsNoLongerConfiguredGoAndOthersStay() throws {
        let store = try DocumentStore(path: folder)
        let kept = ["planet", "say \"hi\"", "back\\slash", "日本語のブログ", "Ünïcödé ✓", "a"]
        let gone = ["planet 2", "ab", "say \"hi", "removed"]
        for (number, feed) in (kept + gone).enumerated() {
            try store.index.database.prepare("INSERT INTO readers (short, feed, item) VALUES (?1, ?2, ?3)")
                .run([.text(String(format: "%016x", number)), .text(feed), .text("item")])
        }
        func readers() throws -> Set<String> {
            var feeds: Set<String> = []
            try store.index.database.prepare("SELECT feed FROM readers").run([]) { row in
                if let feed = row.text(0) { feeds.insert(feed) }
            }
            return feeds
        }
        try store.dropReaders(notIn: Set(kept + ["configured without readings"]))
        #expect(try readers() == Set(kept))
        try store.dropReaders(notIn: Set(kept))
        #expect(try readers() == Set(kept))
        try store.dropReaders(notIn: [])
        #expect(try readers().isEmpty)
    }

    @Test func writesEachDocumentAsItsOwnFileByDate() throws {
        let store = try DocumentStore(path: folder)
        let outcome = try store.store([document("aa", item: "1", text: "one"), document("bb", item: "2", text: "two")],
                                      storedAt: now)
        #expect(outcome.stored.count == 2)
        let path = folder + "/posts/2022/02/aa00000000000000.md"
        #expect(FileManager.default.contents(atPath: path) == Data("one".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/tmp").isEmpty)
    }

    @Test func storesAHashOnlyOnceWithinABatchAndAcrossReopens() throws {
        do {
            let store = try DocumentStore(path: folder)
            let outcome = try store.store([document("aa"), document("aa", feed: "other")], storedAt: now)
            #expect(outcome.stored.count == 1)
            #expect(outcome.duplicates == 1)
        }
        let reopened = try DocumentStore(path: folder)
        let again = try reopened.store([document("aa", feed: "third")], storedAt: now)
        #expect(again.stored.isEmpty)
        #expect(again.duplicates == 1)
        #expect(try reopened.documentCount() == 1)
    }

    @Test func recordsChangedContentOfTheSameItemAsARevision() throws {
        let store = try DocumentStore(path: folder)
        _ = try store.store([document("aa", item: "story")], storedAt: now)
        _ = try store.store([document("bb", item: "story")], storedAt: now)
        #expect(try store.revisedHash(of: "bb00000000000000") == "aa00000000000000")
        #expect(try store.documentCount() == 2)
    }

    @Test func aSecondOpenOfTheSameStoreFailsNamingTheHolder() throws {
        let first = try DocumentStore(path: folder)
        #expect(first.root == folder)
        // flock locks belong to open file descriptions, so a second open in-process conflicts too.
        do {
            _ = try DocumentStore(path: folder)
            Issue.record("second open succeeded")
        } catch {
            #expect("\(error)".contains("pid \(getpid())"))
        }
    }

    @Test func keepsFeedStateAcrossReopens() throws {
        var state = FeedState(feed: "f", url: "https://x/feed")
        state.validators = ConditionalHeaders(etag: "\"v1\"", lastModified: "Wed, 16 Feb 2022 23:50:43 GMT")
        state.consecutiveErrors = 2
        state.lastStatus = 503
        state.nextReason = "failure 2 in a row: back off 10m"
        state.adaptiveInterval = 1350
        state.gone = true
        state.pendingRedirect = "https://x/new"
        state.pendingRedirectCount = 2
        state.adoptedURL = "https://x/adopted"
        state.bodyFingerprint = "abc123"
        state.lastUnconditional = Timestamp(secondsSince1970: 1_600_000_000)
        state.notBefore = Timestamp(secondsSince1970: 1_700_000_100)
        do { try DocumentStore(path: folder).save(state) }
        #expect(try DocumentStore(path: folder).feedState("f") == state)
    }

    @Test func laysDocumentsOutByTheConfiguredPattern() throws {
        let layout = try #require(DocumentLayout(pattern: "_posts/{year}-{month}-{day}-{hash}.html"))
        let store = try DocumentStore(path: folder, layout: layout)
        let stored = document("cc", text: "three")
        _ = try store.store([stored], storedAt: now)
        #expect(store.layout.relativePath(for: stored) == "_posts/2022-02-16-cc00000000000000.html")
        #expect(FileManager.default.contents(atPath: folder + "/_posts/2022-02-16-cc00000000000000.html")
                == Data("three".utf8))
    }

    @Test func savesTheStatesOfManyFeedsAtOnce() throws {
        let states = (0..<3).map { index in
            var state = FeedState(feed: "f\(index)", url: "https://x/\(index)")
            state.validators = ConditionalHeaders(etag: "\"e\(index)\"", lastModified: nil)
            state.documents = index
            return state
        }
        do {
            let store = try DocumentStore(path: folder)
            try store.save(states)
            var changed = states[1]
            changed.consecutiveErrors = 4
            try store.save([changed])
        }
        let reopened = try DocumentStore(path: folder)
        #expect(try reopened.feedState("f0") == states[0])
        #expect(try reopened.feedState("f1")?.consecutiveErrors == 4)
        #expect(try reopened.feedState("f2") == states[2])
    }

    /// A pass reads the states it plans from in one go: by lookups for a few feeds, by one scan
    /// of the table for many. Both give exactly the states asked for that exist, whole.
    @Test(arguments: [3, DocumentStore.feedsReadByScan + 6])
    func readsTheStatesOfTheFeedsAskedFor(asked: Int) throws {
        let states = (0..<100).map { index in
            var state = FeedState(feed: "f\(index)", url: "https://x/\(index)")
            state.validators = ConditionalHeaders(etag: "\"e\(index)\"", lastModified: "Wed, 16 Feb 2022 23:50:43 GMT")
            state.bodyFingerprint = "x64:\(index):ff"
            state.documents = index
            return state
        }
        let store = try DocumentStore(path: folder)
        try store.save(states)
        let names = (0..<asked).map { "f\($0)" } + ["not-stored"]
        let read = try store.feedStates(names)
        #expect(read.count == asked)
        #expect(read["not-stored"] == nil)
        for index in 0..<asked { #expect(read["f\(index)"] == states[index]) }
    }

    @Test func removesTemporaryFilesACrashLeftBehind() throws {
        do { _ = try DocumentStore(path: folder) }
        _ = FileManager.default.createFile(atPath: folder + "/tmp/abc.tmp", contents: Data("half".utf8))
        let store = try DocumentStore(path: folder)
        #expect(store.recovery.removedTemporaryFiles == 1)
    }
}
