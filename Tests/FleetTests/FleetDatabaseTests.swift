import CrawlerTestKit
import FeedModel
import Fleet
import Foundation
import Store
import Testing

/// The shared database's contract, against a real PostgreSQL on 127.0.0.1.
@Suite struct FleetDatabaseTests {
    let url: String

    init() throws {
        url = try PostgresServer.shared().makeDatabase()
    }

    private func feed(_ number: Int, host: String = "a.example", gap: Double = 0) -> FleetFeed {
        FleetFeed(config: FeedConfig(name: "feed-\(number)", url: "https://\(host)/\(number).xml"), host: host,
                  hostGap: gap)
    }

    private func document(_ hash: String, feed: String = "feed-0", item: String = "i", text: String = "body") -> Document {
        Document(feed: feed, itemIdentity: item, contentHash: hash + String(repeating: "0", count: 64 - hash.count),
                 date: Timestamp(year: 2022, month: 2, day: 16)!, text: text)
    }

    private let limits = ClaimLimits(hosts: 10, feedsPerHost: 100, feeds: 100, lease: 30)

    @Test func migratesOnceAndRefusesANewerSchema() throws {
        _ = try FleetDatabase(url: url, node: "a")
        _ = try FleetDatabase(url: url, node: "b")  // a second start applies nothing twice
        let admin = try PostgresConnection(url: url)
        #expect(try admin.query("SELECT count(*) AS n FROM crawler_schema").value(0, "n") == "4")
        try admin.query("INSERT INTO crawler_schema (version) VALUES (99)")
        #expect(throws: FleetError.schemaTooNew(found: 99, known: 4)) { try FleetDatabase(url: url, node: "c") }
    }

    @Test func feedsSyncAddsChangesAndRemoves() throws {
        let database = try FleetDatabase(url: url, node: "a")
        let first = try database.syncFeeds([feed(0), feed(1), feed(2)])
        #expect(first.added == ["feed-0", "feed-1", "feed-2"])
        var renamed = feed(1)
        renamed.config.url = "https://a.example/moved.xml"
        var recategorised = feed(2)
        recategorised.config.categories = ["News"]
        recategorised.config.line = 40  // only moved in the file: not a change
        let second = try database.syncFeeds([feed(0), renamed, recategorised, feed(3)])
        #expect(second.added == ["feed-3"])
        #expect(second.changed == ["feed-1", "feed-2"])
        #expect(second.unchanged == 1)
        let third = try database.syncFeeds([feed(0)])
        #expect(third.removed == ["feed-1", "feed-2", "feed-3"])
        #expect(try database.feeds().map(\.config.name) == ["feed-0"])
    }

    @Test func aClaimedHostBelongsToOneNodeUntilReleasedOrLapsed() throws {
        let a = try FleetDatabase(url: url, node: "a")
        let b = try FleetDatabase(url: url, node: "b")
        _ = try a.syncFeeds((0..<4).map { feed($0) } + (4..<6).map { feed($0, host: "b.example") })
        let claimedByA = try a.claim(ClaimLimits(hosts: 1, feedsPerHost: 100, feeds: 100, lease: 30))
        #expect(claimedByA.count == 4 || claimedByA.count == 2)
        let hostOfA = claimedByA[0].feed.host
        let claimedByB = try b.claim(limits)
        // B gets the other host's feeds only: never a feed of the host A holds.
        #expect(!claimedByB.isEmpty)
        #expect(claimedByB.allSatisfy { $0.feed.host != hostOfA })
        #expect(try b.claim(limits).isEmpty)
        // A dies without releasing: after the lease its feeds go to B.
        let admin = try PostgresConnection(url: url)
        try admin.query("UPDATE hosts SET lease_until = now() - interval '1 second' WHERE lease_node = 'a'")
        try admin.query("UPDATE feed_state SET lease_until = now() - interval '1 second' WHERE lease_node = 'a'")
        try b.releaseLeases()
        let takenOver = try b.claim(limits)
        #expect(Set(claimedByA.map(\.feed.config.name)).isSubset(of: takenOver.map(\.feed.config.name)))
    }

    @Test func aReleasedHostWaitsItsGapWhicheverNodeAsks() throws {
        let a = try FleetDatabase(url: url, node: "a")
        let b = try FleetDatabase(url: url, node: "b")
        _ = try a.syncFeeds([feed(0, gap: 2), feed(1, gap: 2)])
        let first = try a.claim(ClaimLimits(hosts: 10, feedsPerHost: 1, feeds: 10, lease: 30))
        #expect(first.count == 1)
        var done = FeedState(feed: first[0].feed.config.name, url: first[0].feed.config.url)
        done.nextDue = Timestamp(secondsSince1970: Int64(Date().timeIntervalSince1970) + 3600)
        try FleetStore(database: a, layout: .standard).save(done)
        try a.releaseLeases()
        #expect(try b.claim(limits).isEmpty)  // feed-1 is due, but its host is within its gap
        let wait = try #require(try b.secondsUntilClaimable())
        // Most of the 2 s gap is left (three round trips to a loaded cluster took some of it).
        #expect(wait > 0.5 && wait <= 2)
        Thread.sleep(forTimeInterval: wait + 0.1)
        #expect(try b.claim(limits).map(\.feed.config.name) == (first[0].feed.config.name == "feed-0" ? ["feed-1"] : ["feed-0"]))
    }

    @Test func savedStateComesBackWithTheNextClaim() throws {
        let database = try FleetDatabase(url: url, node: "a")
        _ = try database.syncFeeds([feed(0)])
        let store = FleetStore(database: database, layout: .standard)
        var state = FeedState(feed: "feed-0", url: "https://a.example/0.xml")
        state.validators = ConditionalHeaders(etag: "\"v1\"", lastModified: nil)
        state.nextDue = Timestamp(secondsSince1970: 0)
        // Saved only by the node holding the feed's lease.
        try store.save(state)
        #expect(try database.claim(limits).first?.state == nil)
        try store.save(state)
        try database.releaseLeases()
        let claimed = try database.claim(limits)
        #expect(claimed.first?.state?.validators.etag == "\"v1\"")
        // Gone feeds are never claimed.
        state.gone = true
        state.nextDue = nil
        try store.save(state)
        try database.releaseLeases()
        #expect(try database.claim(limits).isEmpty)
    }

    /// A node whose lease lapsed while it was away (stopped, swapped out) came back and saved its
    /// stale timeout over the state of the node that had taken the feed over since (round 28).
    @Test func aNodeWhoseLeaseLapsedSavesNothingOverTheNextNodes() throws {
        let a = try FleetDatabase(url: url, node: "a"), b = try FleetDatabase(url: url, node: "b")
        _ = try a.syncFeeds([feed(0)])
        _ = try a.claim(limits)
        try a.connection.execute("UPDATE feed_state SET lease_until = now() - interval '1 second'; "
                                 + "UPDATE hosts SET lease_until = now() - interval '1 second'")
        #expect(try b.claim(limits).count == 1)
        var fresh = FeedState(feed: "feed-0", url: "https://a.example/0.xml")
        fresh.validators = ConditionalHeaders(etag: "\"b\"", lastModified: nil)
        fresh.nextDue = Timestamp(secondsSince1970: 0)
        try FleetStore(database: b, layout: .standard).save(fresh)
        try b.releaseLeases()
        var stale = fresh
        stale.validators = ConditionalHeaders(etag: "\"a\"", lastModified: nil)
        stale.lastError = "timed out"
        try FleetStore(database: a, layout: .standard).save(stale)
        #expect(try a.claim(limits).first?.state?.validators.etag == "\"b\"")
    }

    /// A state saved for the URL the feed had when it was claimed: after `feeds sync` moved the
    /// feed, the old URL's answer (a 410 here) is not saved over the new URL's fresh start.
    @Test func aStateForAURLTheFeedNoLongerHasIsNotSaved() throws {
        let database = try FleetDatabase(url: url, node: "a")
        _ = try database.syncFeeds([feed(0)])
        let store = FleetStore(database: database, layout: .standard)
        store.prepare(for: try database.claim(limits))
        var moved = feed(0)
        moved.config.url = "https://a.example/moved.xml"
        _ = try database.syncFeeds([moved])
        var state = FeedState(feed: "feed-0", url: "https://a.example/0.xml")
        state.gone = true
        try store.save(state)
        try database.releaseLeases()
        let claimed = try database.claim(limits)
        #expect(claimed.map(\.feed.config.url) == ["https://a.example/moved.xml"])
        #expect(claimed.first?.state == nil)
    }

    @Test func aBatchOfStatesIsSavedInOneStatement() throws {
        let database = try FleetDatabase(url: url, node: "a")
        _ = try database.syncFeeds([feed(0), feed(1), feed(2)])
        let store = FleetStore(database: database, layout: .standard)
        var states = (0..<3).map { FeedState(feed: "feed-\($0)", url: "https://a.example/\($0).xml") }
        states[0].validators = ConditionalHeaders(etag: "\"x,{y}\"", lastModified: nil)  // array-literal characters
        states[0].nextDue = Timestamp(secondsSince1970: 0)
        states[1].gone = true
        states[2].nextDue = Timestamp(secondsSince1970: Int64(Date().timeIntervalSince1970) + 3600)
        store.prepare(for: try database.claim(limits))
        let before = database.connection.roundTrips
        try store.save(states)
        #expect(database.connection.roundTrips == before + 1)
        try database.releaseLeases()
        let claimed = try database.claim(limits)
        #expect(claimed.map(\.feed.config.name) == ["feed-0"])
        #expect(claimed.first?.state?.validators.etag == "\"x,{y}\"")
    }

    @Test func twoNodesStoringTheSameDocumentsKeepOneCopyEach() async throws {
        let url = self.url
        let documents = (0..<300).map { document(String(format: "%04x", $0), item: "item-\($0)", text: "doc \($0)") }
        _ = try FleetDatabase(url: url, node: "z").syncFeeds([feed(0)])
        let stored = try await withThrowingTaskGroup(of: Int.self) { group in
            for node in ["a", "b", "c"] {
                group.addTask {
                    let store = FleetStore(database: try FleetDatabase(url: url, node: node), layout: .standard)
                    var count = 0
                    for start in stride(from: 0, to: documents.count, by: 50) {
                        count += try store.store(Array(documents[start..<start + 50]).shuffled(), storedAt: Timestamp(secondsSince1970: 1))
                            .stored.count
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(stored == 300)
        #expect(try FleetDatabase(url: url, node: "d").documentCount() == 300)
    }

    /// A fetch that ended after `feeds sync` renamed or removed its feed: its items went in under
    /// the old name, orphans whose corrections became new posts (round 29). It stores nothing.
    @Test func documentsOfAFeedNoLongerInTheFleetAreNotStored() throws {
        let database = try FleetDatabase(url: url, node: "a")
        _ = try database.syncFeeds([feed(0)])
        let store = FleetStore(database: database, layout: .standard)
        let outcome = try store.store([document("aa", feed: "feed-gone", item: "1"), document("bb", item: "2")],
                                      storedAt: Timestamp(secondsSince1970: 1))
        #expect(outcome.stored.map(\.feed) == ["feed-0"])
        #expect(try database.documentCount() == 1)
        // Refused, so the feed's line says so (round 30: it read "0 new, 1 dup").
        #expect(outcome.duplicates == 0)
        #expect(outcome.refused["aa00000000000000"]?.description.contains("no longer in the fleet") == true, "\(outcome.refused)")
    }

    @Test func aChangedItemIsARevisionOfTheLastOne() throws {
        let database = try FleetDatabase(url: url, node: "a")
        _ = try database.syncFeeds([feed(0)])
        let store = FleetStore(database: database, layout: .standard)
        _ = try store.store([document("aa", item: "story", text: "first")], storedAt: Timestamp(secondsSince1970: 1))
        _ = try store.store([document("bb", item: "story", text: "second")], storedAt: Timestamp(secondsSince1970: 2))
        let admin = try PostgresConnection(url: url)
        #expect(try admin.query("SELECT revises FROM documents WHERE hash16 = 'bb00000000000000'").value(0, "revises")
                == "aa00000000000000")
    }

    @Test func theCursorNeverSkipsADocumentCommittedLate() throws {
        let database = try FleetDatabase(url: url, node: "a")
        _ = try database.syncFeeds([feed(0)])
        let store = FleetStore(database: database, layout: .standard)
        // A slow node's transaction starts first and commits last.
        let slow = try PostgresConnection(url: url)
        try slow.execute("BEGIN")
        try slow.query("""
            INSERT INTO documents (hash16, hash, path, date, bytes, body, feed, item, node)
            VALUES ('cc00000000000000', 'cc\(String(repeating: "0", count: 62))', 'p', 0, 4, 'late', 'f', 'late', 'slow')
            """)
        _ = try store.store([document("aa", item: "1"), document("bb", item: "2")], storedAt: Timestamp(secondsSince1970: 1))
        let first = try database.documents(after: .start, limit: 100)
        #expect(first.documents.isEmpty)  // both wait behind the open transaction
        try slow.execute("COMMIT")
        // The horizon is the whole server's oldest open transaction: other tests' may hold it
        // back a moment, never make it skip.
        var seen = first.documents.map(\.itemIdentity)
        var cursor = first.cursor
        let deadline = Date().addingTimeInterval(20)
        while seen.count < 3 && Date() < deadline {
            let page = try database.documents(after: cursor, limit: 100)
            seen += page.documents.map(\.itemIdentity)
            cursor = page.cursor
            if page.documents.isEmpty { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(seen == ["late", "1", "2"])
        let third = try database.documents(after: cursor, limit: 100)
        #expect(third.documents.isEmpty)
    }
}
