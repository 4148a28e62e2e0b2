import CrawlerTestKit
import Foundation
import Testing

/// What the store does to the folder it is given and to the index it finds there when it opens,
/// through the real binary.
@Suite struct StoreOpeningTests {
    let folder = TemporaryFolder()

    /// Round 23: a site folder used as `store:` (as the README suggests for Jekyll) lost the files
    /// of its own `tmp/` on the first crawl: every file there was taken for a crash's leftover.
    /// Only the crawler's own temp files (`….tmp`) are.
    @Test func aSiteFoldersOwnTmpFilesSurviveTheFirstCrawl() throws {
        let farm = FeedFarm(feeds: 1, itemsPerFeed: 2)
        let server = try farm.server()
        try FileManager.default.createDirectory(atPath: folder.file("site/tmp"), withIntermediateDirectories: true)
        try folder.write("title: my site\n", to: "site/_config.yml")
        try folder.write("draft notes\n", to: "site/tmp/notes.txt")
        try folder.write("half", to: "site/tmp/0123456789abcdef-7.tmp")
        try folder.write(farm.config(server: server, store: "./site"), to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(folder.read("site/tmp/notes.txt") == "draft notes\n")
        #expect(folder.read("site/tmp/0123456789abcdef-7.tmp") == nil, "a crash's leftover is removed")
        #expect(folder.files(under: "site/posts").count == 2)
    }

    /// Round 44: an index cut short said only "database disk image is malformed" in every command,
    /// and a deleted one was described as an index that lost its rows. Each says what happened
    /// and the command that mends it.
    @Test func aDamagedOrDeletedIndexSaysHowToMendIt() throws {
        let farm = FeedFarm(feeds: 1, itemsPerFeed: 3)
        let server = try farm.server()
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["once"], in: folder.path).status == 0)
        let index = folder.file("store/index.sqlite")
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: index + suffix) }
        #expect(truncate(index, 5000) == 0)
        for arguments in [["status"], ["store", "verify"], ["once"]] {
            let run = try CrawlerProcess.run(arguments, in: folder.path)
            #expect(run.status == 3, "\(arguments)")
            #expect(run.stderr.contains("malformed") && run.stderr.contains("crawler store rebuild-index"), "\(arguments): \(run.stderr)")
        }
        try FileManager.default.removeItem(atPath: index)
        let deleted = try CrawlerProcess.run(["status"], in: folder.path)
        #expect(deleted.status == 3)
        #expect(deleted.stderr.contains("index.sqlite is not there") && !deleted.stderr.contains("indexes no documents"),
                "\(deleted.stderr)")
        #expect(try CrawlerProcess.run(["store", "rebuild-index"], in: folder.path).status == 0)
        let again = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(again.stdout.contains("0 new documents"), "\(again.stdout)\(again.stderr)")
    }

    /// Round 23: an index that lost its rows (its `-wal` deleted after a kill, a backup taken
    /// before the first crawl restored) opened as a new store beside hundreds of documents: `once`
    /// stored every item again, hand edits were set aside, and `status` said "never fetched", exit
    /// 0. Refused as a missing index is, until `rebuild-index` indexes the documents.
    @Test func anIndexThatKnowsNoDocumentBesideDocumentsIsRefused() throws {
        let farm = FeedFarm(feeds: 1, itemsPerFeed: 3)
        let server = try farm.server()
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["once"], in: folder.path).status == 0)
        let documents = folder.files(under: "store/posts")
        #expect(documents.count == 3)
        try replaceIndexWithAnEmptyOne()

        let crawl = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(crawl.status == 3)
        #expect(crawl.stderr.contains("indexes no documents") && crawl.stderr.contains("crawler store rebuild-index"),
                "\(crawl.stderr)")
        #expect(folder.files(under: "store/posts") == documents, "nothing stored again or set aside")
        for arguments in [["status"], ["status", "--failing"]] {
            let status = try CrawlerProcess.run(arguments, in: folder.path)
            #expect(status.status == 3, "\(arguments): \(status.stdout)")
            #expect(status.stderr.contains("crawler store rebuild-index"), "\(status.stderr)")
        }

        #expect(try CrawlerProcess.run(["store", "rebuild-index"], in: folder.path).status == 0)
        let again = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("0 new documents"), "\(again.stdout)")
        #expect(try CrawlerProcess.run(["status"], in: folder.path).status == 0)
    }

    /// A new store's index (no rows: as a kill leaves one whose `-wal` is then deleted), put in
    /// place of the store's own.
    private func replaceIndexWithAnEmptyOne() throws {
        // A pass over no feed makes one (rebuild-index makes no store where there is nothing to index).
        try folder.write("store: ./empty\nfeeds: []\n", to: "empty.yaml")
        #expect(try CrawlerProcess.run(["once", "--config", "empty.yaml"], in: folder.path).status == 0)
        let manager = FileManager.default
        for suffix in ["", "-wal", "-shm"] { try? manager.removeItem(atPath: folder.file("store/index.sqlite" + suffix)) }
        try manager.copyItem(atPath: folder.file("empty/index.sqlite"), toPath: folder.file("store/index.sqlite"))
    }
}
