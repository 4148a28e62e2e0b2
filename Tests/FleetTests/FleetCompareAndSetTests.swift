import CrawlerTestKit
import FeedModel
@testable import Fleet
import Store
import Testing

/// Two nodes revising one item on a real PostgreSQL: a replacement is a compare-and-set on the
/// version the node looked up, so the node that looked up first and wrote last overwrites nothing.
@Suite struct FleetCompareAndSetTests {
    let url: String

    init() throws {
        url = try PostgresServer.shared().makeDatabase()
    }

    private func version(_ digit: Character, text: String) -> Document {
        var document = Document(feed: "news", itemIdentity: "story", contentHash: String(repeating: digit, count: 64),
                                date: Timestamp(year: 2026, month: 12, day: 2)!, text: text)
        document.revisions = .replace
        return document
    }

    @Test func aStaleReplacementIsRecordedNotWritten() throws {
        let a = try FleetDatabase(url: url, node: "a"), b = try FleetDatabase(url: url, node: "b")
        _ = try a.syncFeeds([FleetFeed(config: FeedConfig(name: "news", url: "https://a.example/news.xml"), host: "a.example",
                                       hostGap: 0)])
        let storeA = FleetStore(database: a, layout: .standard), storeB = FleetStore(database: b, layout: .standard)
        let first = try storeA.store([version("1", text: "first")], storedAt: Timestamp(secondsSince1970: 0))
        #expect(first.stored.count == 1)

        // Node a looks the item up (version 1 in its row)...
        let stale = try FleetRevisionPlan.split([version("2", text: "second")]) { keys throws(FleetError) in
            try a.itemFiles(keys)
        }
        #expect(stale.revisions.count == 1)
        // ...node b replaces it meanwhile...
        let fresh = try storeB.store([version("3", text: "third")], storedAt: Timestamp(secondsSince1970: 0))
        #expect(fresh.replaced.count == 1)
        #expect(fresh.stored.isEmpty)
        // ...and node a's replacement, made against version 1, changes nothing.
        #expect(try a.apply(stale.revisions).isEmpty)

        let row = try a.connection.query("SELECT body, version, current_hash FROM documents")
        #expect(row.count == 1)
        #expect(row.value(0, "body") == "third")
        #expect(row.value(0, "version") == "2")
        #expect(row.value(0, "current_hash") == String(repeating: "3", count: 64))
        let versions = try a.connection.query("SELECT substr(hash, 1, 1) AS v, written FROM item_versions ORDER BY hash")
        #expect(versions.rows == [["2", "f"], ["3", "t"]])
    }
}
