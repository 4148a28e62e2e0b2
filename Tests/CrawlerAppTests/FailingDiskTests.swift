import CrawlerApp
import CrawlerTestKit
import Foundation
import Synchronization
import Testing

/// A disk that fails mid-batch, through the real binary: `CRAWLER_FAULT` makes one of the
/// store's calls fail as a failing disk would (EIO from a sync, ENOSPC or EDQUOT from a write
/// or a link, EROFS once the filesystem turns read-only). Whatever fails, nothing is reported or
/// recorded stored that is not durable, the crawl goes on, and a pass on a healthy disk then
/// stores every item exactly once: none twice, none missing, none counted as a duplicate.
@Suite struct FailingDiskTests {
    let folder = TemporaryFolder()
    /// Two feeds of four items each: the healthy one and the one whose batch the fault hits
    /// may share a batch or not, as the fetches fall.
    let farm = FeedFarm(feeds: 2, itemsPerFeed: 4)

    private struct PassCounts {
        var new = 0, duplicates = 0
    }

    private func counts(_ run: CrawlerProcess.Run) -> PassCounts {
        guard let match = run.stdout.firstMatch(of: /(\d+) new documents, (\d+) duplicates/) else { return PassCounts() }
        return PassCounts(new: Int(match.1) ?? -1, duplicates: Int(match.2) ?? -1)
    }

    /// One pass with `fault`, then one without; checks the promises above, and that the failing
    /// pass logged `message` once for each feed it failed and for no other.
    private func failThenRecover(fault: String, message: String) throws {
        let server = try farm.server()
        try folder.write(farm.config(server: server), to: "feeds.yaml")

        let failing = try CrawlerProcess.run(["once"], in: folder.path, shellPrefix: "export CRAWLER_FAULT='\(fault)';")
        #expect(failing.status == 1, "\(failing.stderr)")
        let errors = failing.stderr.split(separator: "\n").map { LogLine(String($0)) }.filter { $0["level"] == "error" }
        #expect(!errors.isEmpty && errors.count <= farm.feeds, "\(failing.stderr)")
        #expect(errors.allSatisfy { $0["event"] == "fetch" && $0["error"]?.contains(message) == true }, "\(failing.stderr)")
        let first = counts(failing)
        #expect(first.new < farm.distinctItems)

        let clean = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(clean.status == 0, "\(clean.stderr)")
        let second = counts(clean)
        // A document the failed pass left named but not durable would come back as a duplicate.
        #expect(second.duplicates == 0, "\(clean.stdout)")
        #expect(first.new + second.new == farm.distinctItems, "\(failing.stdout)\(clean.stdout)")

        let titles = folder.files(under: "store/posts").compactMap { folder.read("store/posts/" + $0) }
            .compactMap { $0.split(separator: "\n").first { $0.hasPrefix("title: ") } }
        #expect(titles.count == farm.distinctItems)
        #expect(Set(titles).count == farm.distinctItems)
        let verify = try CrawlerProcess.run(["store", "verify"], in: folder.path)
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(folder.files(under: "store/tmp").isEmpty)
    }

    @Test func anEIOFromTheSyncAfterTheLinksStoresNothingOfTheBatch() throws {
        // The first syncfs makes a batch's contents durable; from the second on, every one fails.
        try failThenRecover(fault: "syncfs:EIO:2+", message: "Input/output error")
    }

    @Test func anEIOFromTheSyncOfTheContentsStoresNothingOfTheBatch() throws {
        try failThenRecover(fault: "syncfs:EIO:1+", message: "Input/output error")
    }

    @Test func noSpaceForALinkMidBatchStoresNothingOfTheBatch() throws {
        try failThenRecover(fault: "link:ENOSPC:3+", message: "No space left on device")
    }

    @Test func noSpaceForAWriteStoresNothingOfTheBatch() throws {
        try failThenRecover(fault: "write:ENOSPC:3+", message: "No space left on device")
    }

    @Test func anExhaustedQuotaStoresNothingOfTheBatch() throws {
        try failThenRecover(fault: "write:EDQUOT:2+", message: "quota exceeded")
    }

    @Test func aFilesystemTurnedReadOnlyMidBatchStoresNothingOfTheBatch() throws {
        // From the third link on, nothing can be changed: not even the names already given can
        // be taken back, so they stay behind, unindexed, for the next pass to replace.
        try failThenRecover(fault: "link:EROFS:3+,unlink:EROFS:1+,rename:EROFS:1+",
                            message: "Read-only file system")
    }

    /// Round 53: after a crash on a full ext4 with 1 KiB blocks, `status`, `store verify`, `once`
    /// and `run` died of SIGBUS ("Bus error", exit 135) with no word: SQLite writes its
    /// shared-memory file through a mapping whose blocks the full disk cannot give. The signal is
    /// sent here (a loop mount needs privileges a test machine may not give); the crawler says
    /// what it means and exits 3, and the store is whole.
    @Test func aBusErrorIsSaidForWhatItMostLikelyIs() throws {
        let server = try farm.server()
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CrawlerProcess.binary)
        process.arguments = ["run", "--startup-spread", "0s"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        let errors = URL(fileURLWithPath: folder.path + "/run.err")
        #expect(FileManager.default.createFile(atPath: errors.path, contents: nil))
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let deadline = Date().addingTimeInterval(15)
        while folder.files(under: "store/posts").count < farm.distinctItems, Date() < deadline { usleep(100_000) }
        kill(process.processIdentifier, SIGBUS)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 3)
        let said = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        #expect(said.contains("crawler: bus error: a memory-mapped file could not be backed by the disk; most likely the "
                              + "store index's shared-memory file (index.sqlite-shm) on a full filesystem"), "\(said)")
        let verify = try CrawlerProcess.run(["store", "verify"], in: folder.path)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(folder.files(under: "store/posts").count == farm.distinctItems)
    }

    /// Round 53: a permission refused by something other than the mode (`chattr +i`, here an
    /// injected EACCES) was explained as "mode 755, which denies its owner; chmod u+rw", which
    /// is false and mends nothing; an ENOSPC from a filesystem out of inodes read as a full disk.
    @Test func aRefusalTheModeDoesNotExplainIsNotBlamedOnTheMode() throws {
        let server = try farm.server()
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        let refused = try CrawlerProcess.run(["once"], in: folder.path, shellPrefix: "export CRAWLER_FAULT='open:EACCES:2+';")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("Permission denied for user \(geteuid()): its mode (") && refused.stderr.contains(
            "allows it, so something else denies it: an immutable or append-only attribute (lsattr; chattr -i)"),
                "\(refused.stderr)")
        #expect(!refused.stderr.contains("which denies its owner"), "\(refused.stderr)")
    }

    /// Round 53: while the store's filesystem was frozen (`fsfreeze`) for 45 s, /healthz said
    /// "store writable" with `crawler_store_failing 0`, and nothing was logged. Here the first
    /// batch's sync hangs 40 s (`HANG`): the daemon says so once the batch has taken 30 s, and
    /// that it ended once it does, and every document is stored.
    @Test func aBatchTheStoreHangsOnIsAFailingStore() async throws {
        let server = try farm.server()
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        let daemon = try DaemonProcess(arguments: ["run", "--startup-spread", "0s", "--metrics", "127.0.0.1:0"],
                                       in: folder.path, environment: ["CRAWLER_FAULT": "syncfs:HANG:2"])
        defer { _ = daemon.terminate() }
        let port = try #require(daemon.waitFor { $0["event"] == "metrics" }.first?["port"])
        let slow = daemon.waitFor(timeout: 40) { $0["event"] == "store_slow" }
        #expect(slow.first?["level"] == "warning" && slow.first?["error"]?.contains(
            "one batch has been writing for 3") == true, "\(slow.map(\.fields))")
        guard case .success(let health) = await SingleFetch.getAnyStatus("http://127.0.0.1:\(port)/healthz") else {
            Issue.record("no /healthz")
            return
        }
        let said = String(decoding: health.body, as: UTF8.self)
        #expect(health.status == 503 && said.contains("store failing (store: one batch has been writing for"), "\(said)")
        let ended = daemon.waitFor(2, timeout: 20) { $0["event"] == "store_slow" }
        #expect(ended.last?["status"] == "the batch ended", "\(ended.map(\.fields))")
        #expect(daemon.terminate().status == 0)
        #expect(folder.files(under: "store/posts").count == farm.distinctItems)
    }

    /// Round 53: a symbolic link or a FIFO planted where a document was to go was replaced by it
    /// without a word (and, when the batch then failed, removed), where a file of other bytes is
    /// set aside as `.NAME.edited`. Both are set aside as they are now; the link's target is untouched.
    @Test func aLinkOrFIFOAtADocumentsPathIsSetAsideNotReplaced() throws {
        let items = Atomic<Int>(2)
        let server = try LoopbackHTTPServer { _ in
            let entries = (0..<items.load(ordering: .relaxed)).map {
                "<item><title>Story \($0)</title><guid>s\($0)</guid><pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate>"
                    + "<description>Text of story \($0).</description></item>"
            }
            return ServedResponse(text: "<rss version=\"2.0\"><channel><title>c</title>" + entries.joined() + "</channel></rss>")
        }
        let config = { (store: String) in "store: ./\(store)\nfeeds:\n  - url: \(server.url("/f.xml"))\n    name: f\n" }
        // Where the third and fourth items go, learnt from a scratch store.
        items.store(4, ordering: .relaxed)
        try folder.write(config("scratch"), to: "scratch.yaml")
        #expect(try CrawlerProcess.run(["once", "-c", "scratch.yaml"], in: folder.path).status == 0)
        let all = folder.files(under: "scratch/posts")
        items.store(2, ordering: .relaxed)
        try folder.write(config("store"), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["once"], in: folder.path).status == 0)
        let future = all.filter { !folder.files(under: "store/posts").contains($0) }.sorted()
        #expect(future.count == 2, "\(all)")
        guard future.count == 2 else { return }
        try folder.write("notes\n", to: "notes.txt")
        let linkPath = folder.file("store/posts/" + future[0]), fifoPath = folder.file("store/posts/" + future[1])
        #expect(symlink(folder.file("notes.txt"), linkPath) == 0 && mkfifo(fifoPath, 0o644) == 0)

        items.store(4, ordering: .relaxed)
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 0, "\(run.stderr)")
        for (path, kind) in [(linkPath, S_IFLNK), (fifoPath, S_IFIFO)] {
            let slash = path.lastIndex(of: "/")!
            let aside = String(path[...slash]) + "." + path[path.index(after: slash)...] + ".edited"
            var info = stat()
            #expect(lstat(aside, &info) == 0 && info.st_mode & S_IFMT == kind, "\(aside)")
            #expect(lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG, "\(path)")
        }
        #expect(folder.read("notes.txt") == "notes\n")
        #expect(folder.read("store/posts/" + future[0])?.contains("Text of story") == true)
    }

    /// A folder planted in `store/` where the document of the item titled `story` goes (learnt
    /// from a scratch store); returns its path under `posts/`.
    private func plantFolder(where story: String, goes farm: FeedFarm, server: LoopbackHTTPServer) throws -> String {
        try folder.write(farm.config(server: server, store: "./scratch"), to: "scratch.yaml")
        #expect(try CrawlerProcess.run(["once", "-c", "scratch.yaml"], in: folder.path).status == 0)
        let planted = try #require(folder.files(under: "scratch/posts").sorted().first {
            folder.read("scratch/posts/" + $0)?.contains(story) == true
        })
        try FileManager.default.createDirectory(atPath: folder.file("store/posts/" + planted), withIntermediateDirectories: true)
        return planted
    }

    /// Round 53: a document that could not be named (a folder planted at its path) failed every
    /// feed of its batch, each naming that one file; the feeds beside it fetched again for
    /// nothing. Only the feed whose document it is fails now, naming its own file.
    @Test func aDocumentThatCannotBeNamedFailsOnlyItsOwnFeed() throws {
        // Forty feeds: the one whose document cannot be named shares a batch with others (the
        // first feed parsed is stored alone, the rest gather while a batch is being stored).
        let farm = FeedFarm(feeds: 40, itemsPerFeed: 2)
        let server = try farm.server()
        let planted = try plantFolder(where: "Story 1 of feed 20", goes: farm, server: server)
        try folder.write(farm.config(server: server), to: "feeds.yaml")

        let run = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(run.status == 1, "\(run.stderr)")
        let failed = run.stdout.split(separator: "\n").filter { $0.hasPrefix("FAIL") }
        #expect(failed.count == 1 && failed.first?.contains("feed-20 ") == true, "\(run.stdout)")
        #expect(failed.first?.contains(planted) == true, "\(run.stdout)")
        #expect(run.stdout.contains("\(2 * (farm.feeds - 1) + 1) new documents"), "\(run.stdout)")
        #expect(folder.files(under: "store/posts").count == 2 * farm.feeds - 1)
        #expect(try CrawlerProcess.run(["store", "verify"], in: folder.path).status != 2)
    }

    /// The same under `run`: the store works, so it is not said to fail (`store_failing`, then
    /// `store_recovered` at the next feed's document, at every poll of that feed).
    @Test func aDocumentThatCannotBeNamedIsNoStoreOutage() throws {
        let farm = FeedFarm(feeds: 4, itemsPerFeed: 2)
        let server = try farm.server()
        let planted = try plantFolder(where: "Story 1 of feed 2", goes: farm, server: server)
        try folder.write(farm.config(server: server).replacingOccurrences(of: "feeds:\n", with: "interval: 1s\nfeeds:\n"),
                         to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        let failures = daemon.waitFor(2, timeout: 20) { $0["event"] == "fetch" && $0["feed"] == "feed-2" && $0["error"] != nil }
        #expect(daemon.terminate().status == 0)
        #expect(failures.count == 2 && failures.allSatisfy { $0["error"]?.contains(planted) == true }, "\(failures.map(\.fields))")
        let outages = daemon.logLines.filter { ["store_failing", "store_recovered"].contains($0["event"]) }
        #expect(outages.isEmpty, "\(outages.map(\.fields))")
        #expect(folder.files(under: "store/posts").count == farm.distinctItems - 1)
        // Round 54: the feed showed `ok` while its post was never written. It is failing, for
        // its own reason, and polled at its interval (the store is not the server: no backoff).
        let status = try CrawlerProcess.run(["status", "--json"], in: folder.path)
        let feeds = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])["feeds"]
        let row = try #require((feeds as? [[String: Any]])?.first { $0["feed"] as? String == "feed-2" })
        #expect((row["consecutive_errors"] as? Int ?? 0) >= 2, "\(row)")
        #expect((row["next_reason"] as? String)?.contains("at its interval, without backoff") == true, "\(row)")
    }

    /// Round 53: `forget` printed "forgot FILE" for files the disk would not remove, beside
    /// stderr's "could not remove FILE": each such line now says its file is still there.
    @Test func aForgottenFileTheDiskWouldNotRemoveIsSaidToBeThere() throws {
        let server = try farm.server()
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["once"], in: folder.path).status == 0)
        let forget = try CrawlerProcess.run(["store", "forget", "--feed", "feed-0"], in: folder.path,
                                            shellPrefix: "export CRAWLER_FAULT='unlink:EIO:1+';")
        #expect(forget.status == 1)
        let lines = forget.stdout.split(separator: "\n").filter { $0.hasPrefix("forgot posts/") }
        #expect(lines.count == farm.itemsPerFeed && lines.allSatisfy { $0.hasSuffix(" (its file could not be removed)") },
                "\(forget.stdout)")
    }

    /// Round 53: `verify` says of an emptied document that `rebuild-index` leaves it out "and
    /// the next crawl stores its item again"; it did not while the feed's body was unchanged (its
    /// validators and fingerprint answered "unchanged"). The rebuild forgets them.
    @Test func aDocumentTheRebuildLeftOutIsStoredAgainByTheNextCrawl() throws {
        let server = try farm.server()
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["once"], in: folder.path).status == 0)
        let path = try #require(folder.files(under: "store/posts").sorted().first)
        let whole = folder.read("store/posts/" + path)
        #expect(truncate(folder.file("store/posts/" + path), 0) == 0)
        let verify = try CrawlerProcess.run(["store", "verify"], in: folder.path)
        #expect(verify.stdout.contains("the next crawl stores its item again"), "\(verify.stdout)")
        #expect(try CrawlerProcess.run(["store", "rebuild-index"], in: folder.path).status == 0)
        let again = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(folder.read("store/posts/" + path) == whole, "\(again.stdout)")
        #expect(try CrawlerProcess.run(["store", "verify"], in: folder.path).status == 0)
    }

    /// Round 53: `forget --feed` deleted a document edited by hand like any other, and its
    /// dry run did not say which were edited. Chosen in bulk, an edit's file is kept as
    /// `.NAME.edited`, and both runs say so.
    @Test func aBulkForgetKeepsADocumentEditedByHand() throws {
        let server = try farm.server()
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["once"], in: folder.path).status == 0)
        let dry = try CrawlerProcess.run(["store", "forget", "--feed", "feed-0", "--dry-run"], in: folder.path)
        let path = try #require(dry.stdout.split(separator: "\n").first { $0.hasPrefix("would forget posts/") }?
            .split(separator: " ")[2]).description
        let edited = (folder.read("store/" + path) ?? "") + "My own note.\n"
        try folder.write(edited, to: "store/" + path)
        let slash = path.lastIndex(of: "/")!
        let aside = String(path[...slash]) + "." + path[path.index(after: slash)...] + ".edited"
        let again = try CrawlerProcess.run(["store", "forget", "--feed", "feed-0", "--dry-run"], in: folder.path)
        #expect(again.stdout.contains("would forget \(path) (edited by hand: its file would be kept as \(aside))"), "\(again.stdout)")
        let forget = try CrawlerProcess.run(["store", "forget", "--feed", "feed-0"], in: folder.path)
        #expect(forget.status == 0, "\(forget.stderr)")
        #expect(forget.stdout.contains("forgot \(path) (edited by hand: its file is kept as \(aside))"), "\(forget.stdout)")
        #expect(folder.read("store/" + aside) == edited)
        #expect(folder.read("store/" + path) == nil)
        #expect(folder.files(under: "store/posts").filter { !$0.contains(".edited") }.count == farm.distinctItems - farm.itemsPerFeed)
    }

    /// Round 53: an outage of the store showed only as every feed's fetch lines, again at each
    /// retry, and its end only as feeds recovering. The store's own lines say both, once.
    @Test func aStoreOutageAndItsEndAreLoggedOnce() throws {
        let server = try farm.server()
        try folder.write(farm.config(server: server).replacingOccurrences(of: "feeds:\n", with: "interval: 1s\nfeeds:\n"),
                         to: "feeds.yaml")
        let daemon = try DaemonProcess(in: folder.path, environment: ["CRAWLER_FAULT": "syncfs:EIO:2,syncfs:EIO:3"])
        defer { _ = daemon.terminate() }
        let recovered = daemon.waitFor(timeout: 20) { $0["event"] == "store_recovered" }
        // The batch that ends the outage may hold one feed; the other's comes a poll later.
        for _ in 0..<100 where folder.files(under: "store/posts").count < farm.distinctItems { usleep(100_000) }
        #expect(daemon.terminate().status == 0)
        let failing = daemon.logLines.filter { $0["event"] == "store_failing" }
        #expect(failing.count == 1 && failing.first?["error"]?.contains("Input/output error") == true, "\(failing.map(\.fields))")
        #expect(recovered.count == 1 && recovered.first?["after_s"] != nil, "\(daemon.logLines.suffix(20).map(\.fields))")
        #expect(folder.files(under: "store/posts").count == farm.distinctItems)
    }

    /// Round 53: a daemon started on a full disk could not write its runtime file and said
    /// nothing of it; `status` showed the states saved before the disk filled ("ok") and
    /// `status --failing` said "no failing feeds", exit 0. Here the file's place is taken by a
    /// folder: the daemon says so once, and `status` names the silent daemon and exits 1.
    @Test func aDaemonThatCannotPublishItsQueueIsNamedByStatus() throws {
        let server = try farm.server()
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["once"], in: folder.path).status == 0)
        try FileManager.default.createDirectory(atPath: folder.path + "/store/runtime.tmp", withIntermediateDirectories: false)
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        let said = daemon.waitFor { $0["event"] == "runtime_file" }
        #expect(said.first?["level"] == "warning" && said.first?["error"]?.contains("runtime.tmp: Is a directory") == true,
                "\(said.map(\.fields))")
        // Ten seconds after its start, a daemon that published nothing is told from one starting up.
        usleep(11_000_000)
        let status = try CrawlerProcess.run(["status", "--failing"], in: folder.path)
        #expect(status.status == 1, "\(status.stdout)\(status.stderr)")
        #expect(status.stdout.contains("has run on this store for ") && status.stdout.contains("but has published its queue "
                + "never: it cannot write to the store"), "\(status.stdout)")
        #expect(!status.stdout.contains("no failing feeds"))
        #expect(daemon.terminate().status == 0)
        #expect(daemon.logLines.filter { $0["event"] == "runtime_file" }.count == 1)
        // Stopped, it is no longer named.
        #expect(try CrawlerProcess.run(["status", "--failing"], in: folder.path).stdout == "no failing feeds\n")
    }

    /// Round 53: a full disk counted as a failure of every feed whose batch it failed, so each
    /// backed off (up to `max_backoff`, 6 h) and waited that out after the disk was mended, and
    /// every feed was alerted as failing. A store failure leaves a feed's count of failures as it
    /// was and its next fetch at its interval.
    @Test func aStoreFailureIsNotCountedAgainstTheFeeds() throws {
        let server = try farm.server()
        try folder.write(farm.config(server: server).replacingOccurrences(of: "feeds:\n", with: "interval: 20m\nfeeds:\n"),
                         to: "feeds.yaml")
        for _ in 0..<2 {
            let failing = try CrawlerProcess.run(["once", "--force"], in: folder.path,
                                                 shellPrefix: "export CRAWLER_FAULT='write:ENOSPC:1+';")
            #expect(failing.status == 1, "\(failing.stderr)")
        }
        let status = try CrawlerProcess.run(["status", "--json"], in: folder.path)
        let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let feeds = try #require(object?["feeds"] as? [[String: Any]])
        #expect(feeds.count == farm.feeds)
        for feed in feeds {
            #expect(feed["consecutive_errors"] as? Int == 0, "\(feed)")
            #expect((feed["last_error"] as? String)?.contains("No space left on device") == true, "\(feed)")
            #expect((feed["next_reason"] as? String)?.contains("the store failed (not the feed)") == true, "\(feed)")
            // Due at its interval: no backoff, and no sooner.
            let due = (feed["next_due"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) }
            let wait = due.map { $0.timeIntervalSinceNow } ?? 0
            #expect(wait > 19 * 60 && wait <= 20 * 60, "\(feed)")
        }
        let clean = try CrawlerProcess.run(["once", "--force"], in: folder.path)
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(folder.files(under: "store/posts").count == farm.distinctItems)
    }
}
