import CrawlerTestKit
import Fleet
import Foundation
import Testing

/// `posts sync` reads rows anyone with write access to the database may have written: a hash is
/// a file name only when it is 64 lower-case hex digits, and a row must agree with itself.
@Suite struct PostsSyncHostileRowsTests {
    let folder = TemporaryFolder()

    static let hex = String(repeating: "0123456789abcdef", count: 4)

    /// (hash16, hash, bytes): the row's key, the hash it claims, and the size it claims (nil: the body's).
    static let hostileRows: [(String, String, Int?)] = [
        ("../../../../evil", "../../../../evil", nil),
        ("abc/def", "abc/def" + hex.dropFirst(7), nil),
        ("", "", nil),
        ("ABCDEF0123456789", "ABCDEF0123456789" + hex.dropFirst(16), nil),
        ("fedcba9876543210", "fedcba9876543210" + hex, nil),
        ("\u{1B}]0;pwned\u{07}", "\u{1B}]0;pwned\u{07}" + hex.dropFirst(11), nil),
        // Well formed, but not what the row says of itself.
        ("1111111111111111", "2222222222222222" + hex.dropFirst(16), nil),
        ("3333333333333333", "3333333333333333" + hex.dropFirst(16), 5),
    ]

    @Test func rowsWhoseHashIsNoFileNameAreReportedAndTheOthersWritten() throws {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 3)
        let server = try farm.server()
        defer { server.stop() }
        let database = try PostgresServer.shared().makeDatabase()
        try folder.write(farm.config(server: server).replacingOccurrences(of: "feeds:", with: "database: \(database)\nfeeds:"),
                         to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["feeds", "sync"], in: folder.path).status == 0)
        let crawled = try CrawlerProcess.run(["once", "--node", "a"], in: folder.path)
        #expect(crawled.status == 0, "\(crawled.stderr)")

        let connection = try PostgresConnection(url: database)
        for (hash16, hash, bytes) in Self.hostileRows {
            let body = "---\ntitle: planted\n---\n\nplanted \(hash16)\n"
            try connection.query("""
                INSERT INTO documents (hash16, hash, path, date, bytes, body, feed, item, node)
                VALUES ($1, $2, 'posts/x.md', 1700000000, $3::integer, $4, 'feed-0', $5, 'intruder')
                """, [hash16, hash, "\(bytes ?? body.utf8.count)", body, "planted-" + hash16])
        }
        // Well formed, dated where no calendar reaches: the sync crashed at the row, every run (round 28).
        for (key, date) in [("4444444444444444", "-9223372036854775807"), ("5555555555555555", "9223372036854775807")] {
            let body = "---\ntitle: planted\n---\n\nplanted \(key)\n"
            try connection.query("""
                INSERT INTO documents (hash16, hash, path, date, bytes, body, feed, item, node)
                VALUES ($1, $2, 'posts/x.md', $3::bigint, $4::integer, $5, 'feed-0', $6, 'intruder')
                """, [key, key + Self.hex.dropFirst(16), date, "\(body.utf8.count)", body, "planted-" + key])
        }

        try PostgresServer.waitUntilDocumentsAreSyncable(in: database)
        let synced = try CrawlerProcess.run(["posts", "sync", "site/posts-copy"], in: folder.path)
        #expect(synced.status == 1, "\(synced.stdout)\(synced.stderr)")
        #expect(synced.stdout.contains("\(farm.distinctItems) documents written"), "\(synced.stdout)")
        for name in ["'../../../../evil'", "'abc/def'", "''", "'ABCDEF0123456789'", "'fedcba9876543210'",
                     "'\\u001b]0;pwned\\u0007'", "'1111111111111111'", "'3333333333333333'", "'4444444444444444'",
                     "'5555555555555555'"] {
            #expect(synced.stderr.contains("hash16 \(name)"), "\(name) not reported: \(synced.stderr)")
        }
        #expect(!synced.stderr.contains("\u{1B}"), "a raw ESC reached the terminal")
        #expect(synced.stderr.contains("does not begin with its hash16"), "\(synced.stderr)")
        #expect(synced.stderr.contains("5 bytes"), "\(synced.stderr)")
        #expect(synced.stderr.contains("its date -9223372036854775807 is not a time between the years 1 and 9999"),
                "\(synced.stderr)")

        // Only the crawled documents, each under its own name, and nothing beside or above the folder.
        let written = folder.files(under: "site/posts-copy/posts")
        #expect(written.count == farm.distinctItems, "\(written)")
        #expect(written.allSatisfy { path in
            let name = path.split(separator: "/").last ?? ""
            return name.count == 19 && name.hasSuffix(".md") && name.prefix(16).allSatisfy { "0123456789abcdef".contains($0) }
        }, "\(written)")
        #expect(folder.files(under: "site").allSatisfy { $0.hasPrefix("posts-copy/") }, "\(folder.files(under: "site"))")
        #expect(!FileManager.default.fileExists(atPath: folder.file("evil.md")))
        #expect(!FileManager.default.fileExists(atPath: folder.file("site/evil.md")))
        let verify = try CrawlerProcess.run(["store", "verify", "--store", "site/posts-copy"], in: folder.path)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")

        // Named by every run until repaired (round 61: reported once, then the cursor had moved past
        // them and a repaired row never reached the folder).
        let again = try CrawlerProcess.run(["posts", "sync", "site/posts-copy"], in: folder.path)
        #expect(again.status == 1, "\(again.stderr)")
        #expect(again.stdout.contains("0 documents written"), "\(again.stdout)")
        #expect(again.stdout.contains("10 rows not written"), "\(again.stdout)")
        #expect(again.stderr.contains("hash16 '3333333333333333'"), "\(again.stderr)")

        // Repaired in place (the row keeps its transaction and sequence): written by the next sync.
        try connection.query("UPDATE documents SET bytes = octet_length(body), path = 'posts/2023/11/3333333333333333.md' WHERE hash16 = '3333333333333333'")
        let repaired = try CrawlerProcess.run(["posts", "sync", "site/posts-copy"], in: folder.path)
        #expect(repaired.status == 1, "\(repaired.stderr)\(repaired.stdout)")
        #expect(repaired.stdout.contains("1 document written"), "\(repaired.stdout)")
        #expect(repaired.stdout.contains("9 rows not written"), "\(repaired.stdout)")
        #expect(!repaired.stderr.contains("hash16 '3333333333333333'"), "\(repaired.stderr)")
        #expect(folder.files(under: "site/posts-copy/posts").count == farm.distinctItems + 1)

        // Deleted rows are forgotten by the cursor: nothing left to name, the sync is clean.
        try connection.query("DELETE FROM documents WHERE node = 'intruder' AND hash16 <> '3333333333333333'")
        let clean = try CrawlerProcess.run(["posts", "sync", "site/posts-copy"], in: folder.path)
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("0 documents written"), "\(clean.stdout)")
        let verifyAgain = try CrawlerProcess.run(["store", "verify", "--store", "site/posts-copy"], in: folder.path)
        #expect(verifyAgain.status == 0, "\(verifyAgain.stdout)\(verifyAgain.stderr)")
    }
}
