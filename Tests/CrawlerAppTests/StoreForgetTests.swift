import CrawlerTestKit
import Foundation
import Synchronization
import Testing

/// `store forget`: a forgotten document's file goes, and neither the same text nor a new version
/// of its item is stored again; a file deleted by hand shows in `verify` until `--missing`
/// makes the deletion stick. Each test keeps a healthy feed beside the forgotten documents.
@Suite struct StoreForgetTests {
    let folder = TemporaryFolder()

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    private var documents: [String] { folder.files(under: "store/posts") }

    /// Feed 0's first item gets new text when `edition` goes up (same guid, same link). Its body
    /// differs on every request, so each pass parses it rather than skipping an unchanged body.
    private func server(edition: SharedNumber, farm: FeedFarm) throws -> LoopbackHTTPServer {
        let served = SharedNumber(0)
        return try LoopbackHTTPServer { request in
            guard request.path == "/feed/0.xml" else { return ServedResponse(text: farm.document(feed: 1)) }
            let text = farm.document(feed: 0).replacingOccurrences(
                of: "Body of story 0 from feed 0.", with: "Body of story 0 from feed 0, edition \(edition.value).")
            served.value += 1
            return ServedResponse(text: text + "<!-- \(served.value) -->")
        }
    }

    private func config(_ server: LoopbackHTTPServer) -> String {
        "store: ./store\nhost_gap: 0s\nfeeds:\n  - url: \(server.url("/feed/0.xml"))\n    name: news\n"
            + "  - url: \(server.url("/feed/1.xml"))\n    name: healthy\n"
    }

    @Test func aForgottenDocumentStaysGoneByHashAndByItemIdentity() throws {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 3)
        let edition = SharedNumber(1)
        try folder.write(config(try server(edition: edition, farm: farm)), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        let before = documents
        #expect(before.count == 6)
        let story = try #require(before.first { folder.read("store/posts/" + $0)?.contains("edition 1") == true })

        let forget = try crawler(["store", "forget", "store/posts/" + story])
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(forget.stdout.contains("forgot posts/\(story)"))
        #expect(forget.stdout.contains("forgot 1 document in"))
        #expect(!documents.contains(story))
        #expect(try crawler(["store", "verify"]).status == 0)

        // The same text again: not stored.
        let again = try crawler(["once"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("0 new documents"))
        #expect(documents == before.filter { $0 != story })

        // A new version of the same item (same guid, new text): not stored either.
        edition.value = 2
        #expect(try crawler(["once"]).stdout.contains("0 new documents"))
        #expect(documents.count == 5)
        #expect(!documents.contains { folder.read("store/posts/" + $0)?.contains("edition 2") == true })
        #expect(try crawler(["store", "verify"]).status == 0)
    }

    /// A post corrected in place holds its item's latest text; forgetting it buried the first
    /// version's hash only, and the text it showed came back through another feed.
    @Test func forgettingAReplacedPostBuriesTheTextItShowed() throws {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 3)
        let edition = SharedNumber(1)
        let server = try server(edition: edition, farm: farm)
        let copy = try LoopbackHTTPServer { _ in
            ServedResponse(text: farm.document(feed: 0).replacingOccurrences(
                of: "Body of story 0 from feed 0.", with: "Body of story 0 from feed 0, edition 2."))
        }
        try folder.write(config(server), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        edition.value = 2
        #expect(try crawler(["once"]).stdout.contains("1 post corrected in place"))
        let story = try #require(documents.first { folder.read("store/posts/" + $0)?.contains("edition 2") == true })
        #expect(try crawler(["store", "forget", "store/posts/" + story]).status == 0)
        try folder.write(config(server) + "  - url: \(copy.url("/copy.xml"))\n    name: copy\n", to: "feeds.yaml")
        let again = try crawler(["once"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!documents.contains { folder.read("store/posts/" + $0)?.contains("edition 2") == true }, "\(again.stdout)")
        #expect(documents.count == 5)
    }

    /// `forget` of an edit set aside (`NAME.edited`) or of a file with the document's name and
    /// other bytes said "a copy of ...; remove the copy": following it deleted the only copy of
    /// the site owner's edit.
    @Test func anEditBesideADocumentIsNotCalledACopy() throws {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 2)
        try folder.write(config(try server(edition: SharedNumber(1), farm: farm)), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        let story = try #require(documents.first)
        let text = try #require(folder.read("store/posts/" + story))
        try folder.write(text + "my own note\n", to: "store/posts/" + story + ".edited")
        let name = (story as NSString).lastPathComponent
        try FileManager.default.createDirectory(atPath: folder.file("store/posts/mine"), withIntermediateDirectories: true)
        try folder.write(text + "another note\n", to: "store/posts/mine/" + name)
        let forget = try crawler(["store", "forget", "store/posts/\(story).edited", "store/posts/mine/" + name])
        #expect(!forget.stdout.contains("a copy of") && !forget.stderr.contains("a copy of"), "\(forget.stdout)\(forget.stderr)")
        #expect((forget.stdout + forget.stderr).contains("an edit set aside beside posts/\(story)"), "\(forget.stdout)\(forget.stderr)")
        #expect((forget.stdout + forget.stderr).contains("with other bytes (an edit?)"), "\(forget.stdout)\(forget.stderr)")
        #expect(folder.read("store/posts/\(story).edited") != nil && folder.read("store/posts/mine/" + name) != nil)
    }

    @Test func forgetByFeedAndDateLeavesTheOtherFeedsDocuments() throws {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 4)
        try folder.write(config(try server(edition: SharedNumber(1), farm: farm)), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        #expect(documents.count == 8)
        // A name is a name, whatever it holds: it chooses no other feed's documents.
        let quoted = try crawler(["store", "forget", "--feed", "news' OR feed != '"])
        #expect(documents.count == 8, "\(quoted.stdout)\(quoted.stderr)")
        // Feed 0's items are dated 1-4 Feb 2022, feed 1's 2-5 Feb.
        let dry = try crawler(["store", "forget", "--feed", "news", "--before", "2022-02-03", "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("would forget 2 documents"))
        #expect(documents.count == 8)
        let forget = try crawler(["store", "forget", "--feed", "news", "--before", "2022-02-03"])
        #expect(forget.stdout.contains("forgot 2 documents"), "\(forget.stdout)\(forget.stderr)")
        #expect(documents.count == 6)
        #expect(try crawler(["store", "forget", "--feed", "healthy"]).stdout.contains("forgot 4 documents"))
        #expect(documents.count == 2)
        #expect(try crawler(["once"]).stdout.contains("0 new documents"))
        #expect(documents.count == 2)
        let status = try crawler(["status"])
        #expect(status.status == 0)
    }

    /// A dry run changes nothing, yet it refused while the daemon ran ("in use by another
    /// crawler"): the operator had to stop the crawler to see what a forget or rerender would do.
    @Test func dryRunsWorkBesideTheRunningDaemonAndChangeNothing() throws {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 4)
        try folder.write(config(try server(edition: SharedNumber(1), farm: farm)), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        #expect(daemon.waitFor { $0["event"] == "startup" }.count == 1)
        let index = folder.path + "/store/index.sqlite"
        let before = try FileManager.default.attributesOfItem(atPath: index)[.modificationDate] as? Date
        let dry = try crawler(["store", "forget", "--feed", "news", "--before", "2022-02-03", "--dry-run"])
        #expect(dry.status == 0, "\(dry.stdout)\(dry.stderr)")
        #expect(dry.stdout.contains("would forget 2 documents"), "\(dry.stdout)")
        let rerender = try crawler(["store", "rerender", "--dry-run"])
        #expect(rerender.status == 0, "\(rerender.stdout)\(rerender.stderr)")
        #expect(documents.count == 8)
        #expect(try FileManager.default.attributesOfItem(atPath: index)[.modificationDate] as? Date == before)
        // The real thing still waits for the daemon to stop.
        let forget = try crawler(["store", "forget", "--feed", "news"])
        #expect(forget.status == 3 && forget.stderr.contains("in use by another crawler"), "\(forget.stderr)")
        #expect(documents.count == 8)
        #expect(daemon.terminate().status == 0)
    }

    @Test func aFileDeletedByHandShowsInVerifyAndForgetMissingMakesItStick() throws {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 2)
        try folder.write(config(try server(edition: SharedNumber(1), farm: farm)), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        let victim = try #require(documents.first)
        try FileManager.default.removeItem(atPath: folder.file("store/posts/" + victim))

        let verify = try crawler(["store", "verify"])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("posts/\(victim): missing: in the index, not on disk"))
        #expect(verify.stdout.contains("crawler store forget --store '\(folder.file("store"))' --missing"), "\(verify.stdout)")

        let forget = try crawler(["store", "forget", "--missing"])
        #expect(forget.stdout.contains("forgot posts/\(victim)"), "\(forget.stdout)\(forget.stderr)")
        #expect(try crawler(["store", "verify"]).status == 0)
        // Neither a rebuilt index nor the next fetch brings it back; the healthy documents stay.
        #expect(try crawler(["store", "rebuild-index"]).stdout.contains("indexed 3 documents"))
        #expect(try crawler(["once"]).stdout.contains("0 new documents"))
        #expect(documents.count == 3)
        #expect(!documents.contains(victim))
    }

    /// A post deleted by hand is not stored again while the index remembers it; `rebuild-index`
    /// dropped it from the index with its item, and the next crawl wrote it back.
    @Test func rebuildIndexKeepsAPostDeletedByHandForgotten() throws {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 2)
        let edition = SharedNumber(1)
        try folder.write(config(try server(edition: edition, farm: farm)), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        let victim = try #require(documents.first { folder.read("store/posts/" + $0)?.contains("edition 1") == true })
        try FileManager.default.removeItem(atPath: folder.file("store/posts/" + victim))
        let rebuilt = try crawler(["store", "rebuild-index"])
        #expect(rebuilt.stdout.contains("forgot posts/\(victim): in the index, no file (deleted by hand)"), "\(rebuilt.stdout)")
        #expect(rebuilt.stdout.contains("indexed 3 documents"))
        #expect(try crawler(["once"]).stdout.contains("0 new documents"))
        #expect(documents.count == 3 && !documents.contains(victim))
        #expect(try crawler(["store", "verify"]).status == 0)
        // Nor with its item's next version: the item is forgotten, not only that text.
        edition.value = 2
        #expect(try crawler(["once"]).stdout.contains("0 new documents"))
        #expect(documents.count == 3)
    }

    /// A document cut inside its front matter (a crash, a full disk) was kept by rebuild-index
    /// "with its indexed date" as if edited by hand; verify then called the store clean, and the
    /// item was never stored whole again.
    @Test func rebuildIndexLeavesOutADocumentCutInsideItsFrontMatter() throws {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 2)
        try folder.write(config(try server(edition: SharedNumber(1), farm: farm)), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        // One of the feed whose body changes on every request: read again, its items are looked at.
        let torn = try #require(documents.first { folder.read("store/posts/" + $0)?.contains("of feed 0") == true })
        let whole = try #require(folder.read("store/posts/" + torn))
        try folder.write("\n---\ntitle", to: "store/posts/" + torn)
        let rebuilt = try crawler(["store", "rebuild-index"])
        #expect(!rebuilt.stdout.contains("posts/\(torn): kept"), "\(rebuilt.stdout)")
        #expect(rebuilt.stdout.contains("indexed 3 documents"), "\(rebuilt.stdout)")
        let again = try crawler(["once"])
        #expect(again.stdout.contains("1 new document"), "\(again.stdout)\(again.stderr)")
        #expect(folder.read("store/posts/" + torn) == whole)
    }

    /// Round 65: under Hugo's and Jekyll's front matter (`---` first) a file cut before the
    /// closing `---` passed for an edit by hand: verify said "changed … nothing needs doing",
    /// rebuild-index indexed it, verify then said "no problems", and Hugo refused to build the site.
    @Test(arguments: ["hugo", "jekyll"])
    func aHugoOrJekyllDocumentCutInsideItsFrontMatterIsCorruptAndStoredAgain(output: String) throws {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 2)
        try folder.write(config(try server(edition: SharedNumber(1), farm: farm)) + "output: \(output)\n", to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        let top = output == "hugo" ? "posts" : "_posts"
        let documents = folder.files(under: "store/" + top).map { top + "/" + $0 }
        let torn = try #require(documents.first { folder.read("store/" + $0)?.contains("of feed 0") == true })
        let whole = try #require(folder.read("store/" + torn))
        // Cut after its date line, inside the front matter.
        let cut = String(whole.prefix(upTo: try #require(whole.range(of: "\nauthor: ")).upperBound))
        try folder.write(cut, to: "store/" + torn)
        let verify = try crawler(["store", "verify"])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("\(torn): corrupt: "), "\(verify.stdout)")
        #expect(verify.stdout.contains("is not closed"), "\(verify.stdout)")
        let rebuilt = try crawler(["store", "rebuild-index"])
        #expect(rebuilt.stdout.contains("skipped \(torn): "), "\(rebuilt.stdout)")
        #expect(rebuilt.stdout.contains("indexed 3 documents"), "\(rebuilt.stdout)")
        let again = try crawler(["once"])
        #expect(again.stdout.contains("1 new document"), "\(again.stdout)\(again.stderr)")
        #expect(folder.read("store/" + torn) == whole)
        #expect(try crawler(["store", "verify"]).status == 0)
    }

    /// Round 65: a `forget --feed` killed between its index and its files could not be finished
    /// by running it again ("no stored document of a feed named …", exit 1): the forgotten posts
    /// stayed published until removed one by one.
    @Test func aForgetByFeedCutShortIsFinishedByRunningItAgain() throws {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 4)
        try folder.write(config(try server(edition: SharedNumber(1), farm: farm)), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        #expect(documents.count == 8)
        let killed = try CrawlerProcess.run(["store", "forget", "--feed", "news"], in: folder.path,
                                            shellPrefix: "export CRAWLER_FAULT='unlink:KILL:2';")
        #expect(killed.status != 0)
        #expect(documents.count > 4, "\(documents)")
        #expect(try crawler(["store", "verify"]).status == 1)
        let again = try crawler(["store", "forget", "--feed", "news"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("(forgotten before: a forget cut short left its file)"), "\(again.stdout)")
        #expect(documents.count == 4, "\(documents)")
        #expect(try crawler(["store", "verify"]).status == 0)
        #expect(try crawler(["once", "--force"]).stdout.contains("0 new documents"))
    }

    @Test func aFileThatCannotBeRemovedStaysForgottenAndTheAdviceRemovesIt() throws {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 2)
        try folder.write(config(try server(edition: SharedNumber(1), farm: farm)), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        let victim = try #require(documents.first)
        let failing = try CrawlerProcess.run(["store", "forget", "store/posts/" + victim], in: folder.path,
                                             shellPrefix: "export CRAWLER_FAULT='unlink:EIO:1';")
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("could not remove posts/\(victim): Input/output error"), "\(failing.stderr)")
        #expect(documents.contains(victim))

        let verify = try crawler(["store", "verify"])
        #expect(verify.status == 1)
        let advice = "posts/\(victim): forgotten, yet on disk; remove it: crawler store forget --store '\(folder.file("store"))' 'posts/\(victim)'"
        #expect(verify.stdout.contains(advice), "\(verify.stdout)")
        // The advice, as printed (a path relative to the store), does it.
        let again = try crawler(["store", "forget", "posts/" + victim])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("removed posts/\(victim) (not indexed)"))
        #expect(try crawler(["store", "verify"]).status == 0)
        #expect(try crawler(["once"]).stdout.contains("0 new documents"))
        #expect(documents.count == 3)
    }

    /// Round 44: `forget --feed` killed before its files went left them unknown to the index, and
    /// `verify` advised rebuild-index, which brought the forgotten documents back. They are named
    /// as forgotten for their feed, with the command that removes them.
    @Test func aFeedsForgetKilledMidwayLeavesFilesVerifyNamesAsForgotten() throws {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 2)
        try folder.write(config(try server(edition: SharedNumber(1), farm: farm)), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        let killed = try CrawlerProcess.run(["store", "forget", "--feed", "news"], in: folder.path,
                                            shellPrefix: "export CRAWLER_FAULT='unlink:KILL:1';")
        #expect(killed.status != 0)
        #expect(documents.count == 4)
        let verify = try crawler(["store", "verify"])
        #expect(verify.status == 1)
        #expect(!verify.stdout.contains("rebuild-index"), "\(verify.stdout)")
        let advice = verify.stdout.split(separator: "\n").filter { $0.contains("forgotten for feed 'news', yet on disk") }
        #expect(advice.count == 2, "\(verify.stdout)")
        for line in advice {
            let command = try #require(line.range(of: "remove it: ").map { String(line[$0.upperBound...]) })
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "\(command)")
        }
        #expect(try crawler(["store", "verify"]).status == 0)
        let again = try crawler(["once", "--force"])
        #expect(again.stdout.contains("0 new documents"), "\(again.stdout)")
        #expect(documents.count == 2)
    }

    @Test func forgetByHashAndAnUnknownTargetIsNamed() throws {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 2)
        try folder.write(config(try server(edition: SharedNumber(1), farm: farm)), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        let victim = try #require(documents.first)
        let hash = String(victim.split(separator: "/").last!.prefix(16))
        // Round 45: in capitals it was "not a document".
        let upper = try crawler(["store", "forget", hash.uppercased(), "--dry-run"])
        #expect(upper.status == 0 && upper.stdout.contains("would forget 1 document"), "\(upper.stdout)\(upper.stderr)")
        let forget = try crawler(["store", "forget", hash, "0123456789abcdef"])
        #expect(forget.status == 1)
        #expect(forget.stdout.contains("forgot 1 document in"))
        #expect(forget.stderr.contains("0123456789abcdef: no document has this hash"))
        #expect(documents.count == 3)
        #expect(try crawler(["store", "forget"]).status == 64)
        // A store that is not there is not created to forget nothing in it.
        let nowhere = try crawler(["store", "forget", hash, "--store", "nowhere"])
        #expect(nowhere.status == 3)
        #expect(nowhere.stderr.contains("no store at \(folder.file("nowhere"))"), "\(nowhere.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("nowhere")))
    }
    /// A misspelt --feed matched nothing and said "0 of 0", exit 0, as if the work were done.
    @Test func aFeedNameThatMatchesNothingIsSaidToForForgetAndRerender() throws {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 3)
        try folder.write(config(try server(edition: SharedNumber(1), farm: farm)), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        let stored = documents
        let forget = try crawler(["store", "forget", "--feed", "nwes"])
        #expect(forget.status == 1)
        #expect(forget.stderr.contains("no stored document of a feed named 'nwes'"), "\(forget.stderr)")
        // Round 44: a feed with documents, none missing, was said to have none, exit 1.
        let noneMissing = try crawler(["store", "forget", "--feed", "news", "--missing", "--dry-run"])
        #expect(noneMissing.status == 0, "\(noneMissing.stderr)")
        #expect(noneMissing.stdout.contains("would forget 0 documents") && noneMissing.stderr.isEmpty, "\(noneMissing.stderr)")
        let rerender = try crawler(["store", "rerender", "--feed", "nwes"])
        #expect(rerender.status == 1)
        #expect(rerender.stderr.contains("no feed named 'nwes' in feeds.yaml"), "\(rerender.stderr)")
        #expect(documents == stored)
        #expect(try crawler(["store", "rerender", "--feed", "news"]).status == 0)
    }
}

/// A number a loopback server's handler reads and a test changes.
final class SharedNumber: Sendable {
    private let storage: Mutex<Int>

    init(_ value: Int) { storage = Mutex(value) }

    var value: Int {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
