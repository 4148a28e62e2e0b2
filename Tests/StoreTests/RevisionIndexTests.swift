import FeedModel
import Foundation
@testable import Store
import Testing

/// The index side of revisions: source values survive their compression whole, and an index from
/// before revisions is upgraded with each item's latest document as the file it lives in.
@Suite struct RevisionIndexTests {
    let folder = NSTemporaryDirectory() + "revision-index-test-" + UUID().uuidString

    @Test func sourceValuesComeBackExactlyAsStored() throws {
        var item = Item(id: "guid-1", title: "标题 <b>", link: "https://example.org/a", author: nil,
                        published: Timestamp(secondsSince1970: 1_700_000_000), updated: nil,
                        categories: ["金融", "", "a\u{0}b"], contentHTML: String(repeating: "<p>正文 body</p>", count: 200),
                        mediaImage: "https://example.org/i.png", baseURL: nil)
        item.bodyImage = "https://example.org/b.png"
        item.enclosures = [Enclosure(url: "https://cdn.example/e.mp3", type: "audio/mpeg", length: 12_345),
                           Enclosure(url: "https://cdn.example/v.mp4")]
        let source = SourceValues(item: item, channelTitle: "Channel", firstSeen: Timestamp(secondsSince1970: 42))
        let encoded = SourceCoding.encode(source)
        #expect(SourceCoding.decode(encoded) == source)
        // Compressed: far smaller than the body it holds.
        #expect(encoded.count * 4 < item.contentHTML.utf8.count)
        #expect(SourceCoding.decode(Array(encoded.dropLast(3))) == nil)
        #expect(SourceCoding.decode([9] + encoded.dropFirst()) == nil)
    }

    /// Stores and fleets written before zstd hold zlib blobs (version 1): `rerender` still reads them.
    @Test func zlibBlobsOfEarlierStoresStillDecode() throws {
        let version1: [UInt8] = [
            0x01, 0x28, 0x00, 0x00, 0x00, 0x78, 0x9c, 0x63, 0x4a, 0x67, 0x0a, 0x61, 0x60, 0xe0, 0x36, 0x34, 0x37, 0x80,
            0x02, 0x06, 0x6e, 0x9b, 0x02, 0xbb, 0xfc, 0x9c, 0x14, 0x1b, 0xfd, 0x02, 0x3b, 0x06, 0x06, 0x06, 0x26, 0x67,
            0x66, 0x13, 0x23, 0x46, 0xa6, 0x64, 0x00, 0x8f, 0xcd, 0x07, 0x14,
        ]
        let item = Item(id: "g", title: "T", link: nil, author: nil, published: Timestamp(secondsSince1970: 1_700_000_000),
                        updated: nil, categories: ["c"], contentHTML: "<p>old</p>", mediaImage: nil, baseURL: nil)
        let expected = SourceValues(item: item, channelTitle: "C", firstSeen: Timestamp(secondsSince1970: 42))
        #expect(SourceCoding.decode(version1) == expected)
        #expect(SourceCoding.encode(expected).first == 2)
        #expect(SourceCoding.decode(SourceCoding.encode(expected)) == expected)
    }

    @Test func anIndexFromBeforeRevisionsIsUpgradedWithEachItemsLatestDocument() throws {
        let path = folder + ".sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let database = try SQLiteDatabase(path: path)
            // The version 6 tables a store of the previous release has, with one item stored twice.
            let version6 = IndexSchema.create.components(separatedBy: "CREATE TABLE IF NOT EXISTS item_files")[0]
                .replacingOccurrences(of: ", last_new INTEGER, new_item_gaps TEXT, feed_hints TEXT", with: "")
            try database.execute(version6 + """
                INSERT INTO documents (short, path, date, bytes) VALUES ('aa00000000000000', 'posts/a.md', 0, 1),
                    ('bb00000000000000', 'posts/b.md', 0, 1);
                INSERT INTO provenance VALUES ('f', 'item', 'aa00000000000000', 'aa-full', 0, NULL),
                    ('f', 'item', 'bb00000000000000', 'bb-full', 1, 'aa00000000000000');
                INSERT INTO items VALUES ('f', 'item', 'bb00000000000000');
                PRAGMA user_version = 6;
                """)
        }
        let index = try DocumentIndex(path: path)
        #expect(try index.database.integer("PRAGMA user_version") == Int64(IndexSchema.version))
        let file = try index.revisions.file(of: "f", item: "item")
        #expect(file?.document == "bb00000000000000")
        #expect(file?.hash == "bb-full")
        #expect(file?.path == "posts/b.md")
    }

    /// Version 10's index of item_files by document cost a third of a cold pass's index writes.
    @Test func version11DropsTheIndexOfItemFilesByDocument() throws {
        let path = folder + ".sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let indexCount = "SELECT count(*) FROM sqlite_schema WHERE name = 'item_files_document'"
        do {
            let index = try DocumentIndex(path: path)
            try index.database.execute(undoReaderItems + """
                ALTER TABLE feed_state DROP COLUMN feed_hints;
                CREATE INDEX item_files_document ON item_files (document); PRAGMA user_version = 10;
                """)
            #expect(try index.database.integer(indexCount) == 1)
        }
        let index = try DocumentIndex(path: path)
        #expect(try index.database.integer("PRAGMA user_version") == IndexSchema.version)
        #expect(try index.database.integer(indexCount) == 0)
    }

    /// Version 12 records the version a replaced document holds now, for the dedupe.
    @Test func version12RecordsTheVersionsReplacedDocumentsHold() throws {
        let path = folder + ".sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let index = try DocumentIndex(path: path)
            try index.database.execute(undoReaderItems + """
                DROP TABLE adoptions; DROP TABLE held_versions; ALTER TABLE feed_state DROP COLUMN feed_hints;
                INSERT INTO item_files (feed, item, document, hash) VALUES ('f', 'a', 'aa00000000000000', 'bb00000000000000ff'),
                    ('f', 'b', 'cc00000000000000', 'cc00000000000000ff');
                PRAGMA user_version = 11;
                """)
        }
        let index = try DocumentIndex(path: path)
        #expect(try index.database.integer("PRAGMA user_version") == IndexSchema.version)
        #expect(try index.database.integer("SELECT count(*) FROM held_versions WHERE short = 'bb00000000000000'") == 1)
        #expect(try index.database.integer("SELECT count(*) FROM held_versions") == 1)
        #expect(try index.database.integer("SELECT count(*) FROM adoptions") == 0)
    }

    /// Version 13 keeps what a feed's last body asked of its pollers, for the polls without one.
    @Test func version13KeepsTheFeedsOwnHints() throws {
        let path = folder + ".sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let index = try DocumentIndex(path: path)
            try index.database.execute(undoReaderItems + """
                ALTER TABLE feed_state DROP COLUMN feed_hints;
                INSERT INTO feed_state (feed, url) VALUES ('f', 'http://127.0.0.1/f.xml');
                PRAGMA user_version = 12;
                """)
        }
        let index = try DocumentIndex(path: path)
        #expect(try index.database.integer("PRAGMA user_version") == IndexSchema.version)
        #expect(try index.database.integer("SELECT count(*) FROM feed_state WHERE feed = 'f' AND feed_hints IS NULL") == 1)
    }

    /// A rename moves a feed's rows in every table that names a feed: one left out (`adoptions`,
    /// `readers`, `tombstone_scopes` were) kept them under the old name (round 24).
    @Test func aRenameMovesEveryTableThatNamesAFeed() throws {
        let path = folder + ".sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let index = try DocumentIndex(path: path)
        var naming: Set<String> = []
        for table in IndexSchema.tableNames {
            try index.database.prepare("SELECT name FROM pragma_table_info('\(table)')").run([]) { row in
                if row.text(0) == "feed" { naming.insert(table) }
            }
        }
        #expect(naming.count > 10)
        #expect(naming == Set(FeedRenames.tables))
    }

    /// A new index taken back to an earlier version by `undo`, then opened again: upgraded.
    private func reopened(_ path: String, after undo: String) throws -> DocumentIndex {
        try DocumentIndex(path: path).database.execute(undo)
        return try DocumentIndex(path: path)
    }

    /// Version 14 records the posts two feeds carry, and tombstones that hold back one feed only.
    @Test func version14AddsReadersAndScopedTombstones() throws {
        let path = folder + ".sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let index = try reopened(path, after: "DROP TABLE readers; DROP TABLE tombstone_scopes; PRAGMA user_version = 13;")
        #expect(try index.database.integer("PRAGMA user_version") == IndexSchema.version)
        #expect(try index.database.integer("SELECT count(*) FROM readers") + index.database.integer("SELECT count(*) FROM tombstone_scopes") == 0)
    }

    /// Version 15 indexes provenance by document, so a store upgraded looks up a copy's owners as a new one does.
    @Test func version15IndexesProvenanceByDocument() throws {
        let path = folder + ".sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let index = try reopened(path, after: undoReaderItems + "DROP INDEX provenance_short; PRAGMA user_version = 14;")
        #expect(try index.database.integer("PRAGMA user_version") == IndexSchema.version)
        var plan: [String] = []
        try index.database.prepare("EXPLAIN QUERY PLAN SELECT feed FROM provenance WHERE short = 'a'").run([]) { row in
            plan.append(row.text(3) ?? "")
        }
        #expect(plan.contains { $0.contains("INDEX provenance_short") }, "\(plan)")
    }

    /// Version 16 remembers the feeds a crawl found removed: a store upgraded starts with none.
    @Test func version16AddsRemovedFeeds() throws {
        let path = folder + ".sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let index = try reopened(path, after: undoReaderItems + "DROP TABLE removed_feeds; PRAGMA user_version = 15;")
        #expect(try index.database.integer("PRAGMA user_version") == IndexSchema.version)
        #expect(try index.database.integer("SELECT count(*) FROM removed_feeds") == 0)
    }

    /// Version 17 is the first with the reading feed's item in `readers`.
    private let undoReaderItems = "DROP INDEX readers_item; ALTER TABLE readers DROP COLUMN item;"

    /// Version 17 gives each post another feed read the item it stands for: the storing feed's, in
    /// a store upgraded (a category feed carries its blog's posts under their guids).
    @Test func version17GivesReadersTheirItem() throws {
        let path = folder + ".sqlite"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let index = try reopened(path, after: undoReaderItems + """
            INSERT INTO provenance (feed, item, short, hash, stored_at) VALUES ('blog', 'guid-1', 'aaaa', 'aaaa-full', 1);
            INSERT INTO readers (short, feed) VALUES ('aaaa', 'category');
            PRAGMA user_version = 16;
            """)
        #expect(try index.database.integer("PRAGMA user_version") == IndexSchema.version)
        var item: String?
        try index.database.prepare("SELECT item FROM readers WHERE feed = 'category'").run([]) { item = $0.text(0) }
        #expect(item == "guid-1")
    }

    /// `status`, `explain` and `store verify` read a store the crawler has not upgraded yet (a new
    /// build installed, the daemon not restarted, a snapshot) when the schema added no table they
    /// read: version 15's index left every monitoring check failing until a restart.
    @Test func readersReadAStoreOfTheVersionBeforeAnIndex() throws {
        let store = folder + "-store"
        defer { try? FileManager.default.removeItem(atPath: store) }
        do {
            let documents = try DocumentStore(path: store)
            try documents.save([FeedState(feed: "f", url: "https://f.example/", documents: 2)])
            try documents.index.database.execute("DROP INDEX provenance_short; PRAGMA user_version = 14;")
        }
        #expect(try StoreReader(path: store).feedState("f")?.documents == 2)
        do {
            let database = try SQLiteDatabase(path: store + "/index.sqlite")
            try database.execute("PRAGMA user_version = 13;")
        }
        #expect(throws: StoreError.self) { try StoreReader(path: store) }
        // A newer crawler's index (an operator went back a version): said so, and no advice to rebuild
        // it, which set the newer index aside with its feed state.
        do {
            let database = try SQLiteDatabase(path: store + "/index.sqlite")
            try database.execute("PRAGMA user_version = \(IndexSchema.version + 1);")
        }
        for open in [{ _ = try StoreReader(path: store) }, { _ = try DocumentStore(path: store) }] as [() throws -> Void] {
            do {
                try open()
                Issue.record("a newer index was opened")
            } catch {
                #expect("\(error)".contains("a newer crawler") && !"\(error)".contains("rebuild-index"), "\(error)")
            }
        }
    }
}
