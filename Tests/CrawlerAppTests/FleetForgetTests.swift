import CrawlerTestKit
import Fleet
import Foundation
import Testing

/// `store forget` against the fleet's PostgreSQL: the rows go for every node, tombstones keep the
/// items from being stored again by any node, and `posts sync` removes the files from its folder.
@Suite(.serialized) struct FleetForgetTests {
    let folder = TemporaryFolder()

    @Test func aFeedForgottenInTheFleetLeavesThePostsFolderAndIsNotStoredAgain() throws {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 3)
        let served = SharedNumber(0)
        // Each fetch's body differs, so the second pass parses every feed again.
        let server = try LoopbackHTTPServer { request in
            let number = Int(request.path.dropFirst("/feed/".count).prefix(while: \.isNumber)) ?? 0
            return ServedResponse(text: farm.document(feed: number) + "<!-- \(served.value) -->")
        }
        defer { server.stop() }
        let database = try PostgresServer.shared().makeDatabase()
        try folder.write(farm.config(server: server).replacingOccurrences(of: "feeds:\n", with: "database: \(database)\nfeeds:\n"),
                         to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        let first = try CrawlerProcess.run(["once", "--node", "a"], in: folder.path)
        #expect(first.status == 0, "\(first.stderr)")
        try PostgresServer.waitUntilDocumentsAreSyncable(in: database)
        #expect(try CrawlerProcess.run(["posts", "sync", "copy"], in: folder.path).stdout.contains("6 documents written"))

        // Round 61: a mistyped feed or hash said "forgot 0 documents" and exit 0 (one machine names it, exit 1).
        let typo = try CrawlerProcess.run(["store", "forget", "--feed", "feed-9"], in: folder.path)
        #expect(typo.status == 1 && typo.stderr.contains("no stored document of a feed named 'feed-9'"), "\(typo.stderr)")
        let unknown = try CrawlerProcess.run(["store", "forget", "DEADBEEFDEADBEEF", "--dry-run"], in: folder.path)
        #expect(unknown.status == 1 && unknown.stderr.contains("deadbeefdeadbeef: no document has this hash"), "\(unknown.stderr)")
        let word = try CrawlerProcess.run(["store", "forget", "xyz"], in: folder.path)
        #expect(word.status == 2 && word.stderr.contains("'xyz' is no content hash"), "\(word.stderr)")
        let forget = try CrawlerProcess.run(["store", "forget", "--feed", "feed-1"], in: folder.path)
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(forget.stdout.contains("forgot 3 documents"), "\(forget.stdout)")
        let synced = try CrawlerProcess.run(["posts", "sync", "copy"], in: folder.path)
        #expect(synced.stdout.contains("0 documents written, 0 already there, 3 forgotten"), "\(synced.stdout)\(synced.stderr)")
        #expect(folder.files(under: "copy/posts").count == 3)
        #expect(folder.files(under: "copy/posts").allSatisfy { folder.read("copy/posts/" + $0)?.contains("from feed 0.") == true })
        let verify = try CrawlerProcess.run(["store", "verify", "--store", "copy"], in: folder.path)
        #expect(verify.status == 0, "\(verify.stdout)")

        // Due again, with new bodies: no node stores the forgotten items again.
        let observer = try PostgresConnection(url: database)
        try observer.execute("UPDATE feed_state SET next_due = now()")
        served.value += 1
        let again = try CrawlerProcess.run(["once", "--node", "b"], in: folder.path)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("0 new documents, 6 duplicates"), "\(again.stdout)")
        #expect(try observer.query("SELECT count(*) AS n FROM documents").value(0, "n") == "3")
        try PostgresServer.waitUntilDocumentsAreSyncable(in: database)
        #expect(try CrawlerProcess.run(["posts", "sync", "copy"], in: folder.path).stdout.contains("0 documents written"))

        let file = try CrawlerProcess.run(["store", "forget", "copy/posts/x.md"], in: folder.path)
        #expect(file.status == 2)
        #expect(file.stderr.contains("with a shared database, give content hashes"))
    }
}
