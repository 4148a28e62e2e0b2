import CrawlerTestKit
import Foundation
import Testing

/// The store's promises, checked against the real binary: killed at random, out of space,
/// started twice, its index lost.
@Suite struct StoreDurabilityTests {
    let folder = TemporaryFolder()

    /// Kills per run; `CRAWLER_CRASH_KILLS` raises it for a soak.
    static var kills: Int { ProcessInfo.processInfo.environment["CRAWLER_CRASH_KILLS"].flatMap(Int.init) ?? 50 }

    private func crawler(_ arguments: [String], shellPrefix: String? = nil) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path, shellPrefix: shellPrefix)
    }

    private func documentFiles() -> [String] {
        folder.files(under: "store/posts")
    }

    @Test func killedAtRandomMomentsItLosesNothingAndStoresNothingTwice() throws {
        // Enough feeds for several store batches (32 feeds each), so kills can land between them.
        let farm = FeedFarm(feeds: 80, itemsPerFeed: 6, sharedItems: 2)
        let server = try farm.server()
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        // Time whole passes (into other stores) so the kills land inside passes on any machine:
        // the faster of two, since the first may also pay for loading the binary from disk.
        var passSeconds = 5.0
        for timing in ["timing-store", "timing-store-2"] {
            try folder.write(farm.config(server: server, store: "./" + timing), to: "timing.yaml")
            let started = Date()
            _ = try crawler(["once", "--config", "timing.yaml"])
            passSeconds = min(passSeconds, Date().timeIntervalSince(started))
        }
        let passMicroseconds = UInt32(passSeconds * 1_000_000)
        var generator = SystemRandomNumberGenerator()
        var interruptedMidPass = 0, partWritten = 0, recoveries = 0
        for round in 0..<Self.kills {
            // Every tenth round starts from an empty store, so most kills land mid-crawl rather
            // than in passes that only find duplicates.
            if round % 10 == 0 { try? FileManager.default.removeItem(atPath: folder.file("store")) }
            let process = try CrawlerProcess.start(["once"], in: folder.path)
            usleep(UInt32.random(in: (passMicroseconds / 10)...passMicroseconds, using: &generator))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let verify = try crawler(["store", "verify"])
            // Read-only, verify names a batch the kill cut short (settled when the store is next
            // opened to write) and nothing else.
            let cutShortOnly = verify.status == 1 && verify.stdout.contains("were not checked")
                && verify.stdout.contains(": 1 problem\n")
            #expect(verify.status == 0 || cutShortOnly, "round \(round): \(verify.stdout)\(verify.stderr)")
            if verify.stdout.contains("recovered after an unclean stop") { recoveries += 1 }
            let stored = documentFiles().count
            if stored < farm.distinctItems { interruptedMidPass += 1 }
            if stored > 0 && stored < farm.distinctItems { partWritten += 1 }
        }
        // The kills must have landed inside passes, or this test would prove nothing.
        #expect(interruptedMidPass > 0)
        print("crash test: \(Self.kills) kills, \(interruptedMidPass) before the pass finished, "
              + "\(partWritten) with the store part-written, \(recoveries) needing recovery")
        let final = try crawler(["once"])
        #expect(final.status == 0, "\(final.stderr)")
        #expect(try crawler(["store", "verify"]).status == 0)
        let titles = documentFiles().compactMap { folder.read("store/posts/" + $0) }
            .compactMap { $0.split(separator: "\n").first { $0.hasPrefix("title: ") } }
        #expect(titles.count == farm.distinctItems)
        #expect(Set(titles).count == farm.distinctItems)
        #expect(folder.files(under: "store/tmp").isEmpty)
    }

    @Test func aFullDiskCostsNoStoredDataAndTheItemsLandOnTheNextPass() throws {
        let farm = FeedFarm(feeds: 3, itemsPerFeed: 4, bodyBytes: 60_000)
        let server = try farm.server()
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        // An empty first pass creates the store while there is room.
        try folder.write("store: ./store\nfeeds:\n  - url: \(server.url("/feed/99.xml"))\n", to: "empty.yaml")
        _ = try crawler(["once", "--config", "empty.yaml"])

        // 40 KB per file: room for the index, none for a 60 KB document, as on a full disk.
        let starved = try crawler(["once"], shellPrefix: "ulimit -f 40; trap '' XFSZ;")
        #expect(starved.status == 1)
        #expect(documentFiles().isEmpty)
        let warnings = starved.stderr.split(separator: "\n").map { LogLine(String($0)) }
            .filter { $0["event"] == "fetch" && $0["level"] == "error" }
        #expect(warnings.count == farm.feeds)
        #expect(warnings.allSatisfy { $0["error"]?.contains("File too large") == true })

        let recovered = try crawler(["once"])
        #expect(recovered.status == 0, "\(recovered.stderr)")
        #expect(documentFiles().count == farm.distinctItems)
        #expect(try crawler(["store", "verify"]).status == 0)
    }

    @Test func aSecondCrawlerOnTheSameStoreExitsAtOnceNamingTheFirst() throws {
        // The first crawler holds the store until it is terminated: its feed answers in a minute.
        let slow = try LoopbackHTTPServer { _ in ServedResponse(text: GoldenDocument.rssFeed(items: []), delay: 60) }
        try folder.write("store: ./store\nfeeds:\n  - url: \(slow.url("/feed"))\n", to: "feeds.yaml")
        let first = try CrawlerProcess.start(["once"], in: folder.path)
        defer { first.terminate(); first.waitUntilExit() }
        for _ in 0..<750 where slow.requests.isEmpty { usleep(20_000) }
        try #require(!slow.requests.isEmpty, "the first crawler never asked for its feed")
        let second = try crawler(["once"])
        #expect(second.status == 3)
        // And what it is (r68: a dry run holding the lock for a moment was "another crawler").
        #expect(second.stderr.contains("in use by another crawler (pid \(first.processIdentifier): crawler once)"), "\(second.stderr)")
    }

    /// Round 53: a second daemon started with the first one's `--metrics` address (a unit started
    /// twice, a restart while the old one still runs) said only "Address already in use", exit 2,
    /// and nothing of the daemon holding the store.
    @Test func aSecondDaemonOnTheFirstsMetricsAddressNamesTheFirst() throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: GoldenDocument.rssFeed(items: [])) }
        try folder.write("store: ./store\nfeeds:\n  - url: \(server.url("/feed"))\n", to: "feeds.yaml")
        let first = try DaemonProcess(arguments: ["run", "--startup-spread", "0s", "--metrics", "127.0.0.1:0"], in: folder.path)
        defer { _ = first.terminate() }
        let port = try #require(first.waitFor { $0["event"] == "metrics" }.first?["port"])
        let second = try crawler(["run", "--startup-spread", "0s", "--metrics", "127.0.0.1:\(port)"])
        #expect(second.status == 3, "\(second.stderr)")
        #expect(second.stderr.contains("in use by another crawler (pid \(first.process.processIdentifier): crawler run "), "\(second.stderr)")
    }

    @Test func rebuildIndexRecreatesTheSameIndexFromTheDocuments() throws {
        let farm = FeedFarm(feeds: 4, itemsPerFeed: 5)
        let server = try farm.server()
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        _ = try crawler(["once"])
        let before = try indexRows()
        #expect(before.count == farm.distinctItems)

        try Data("not a database".utf8).write(to: URL(fileURLWithPath: folder.file("store/index.sqlite")))
        try? FileManager.default.removeItem(atPath: folder.file("store/index.sqlite-wal"))
        #expect(try crawler(["store", "verify"]).status == 3)
        let rebuild = try crawler(["store", "rebuild-index"])
        #expect(rebuild.status == 0)
        #expect(rebuild.stdout.contains("indexed \(farm.distinctItems) documents"))
        #expect(try indexRows() == before)
        #expect(try crawler(["store", "verify"]).status == 0)
        let again = try crawler(["once"])
        #expect(again.stdout.contains("0 new documents, \(farm.distinctItems) duplicates"))
        #expect(rebuild.stdout.contains("the index that could not be used (unreadable, damaged, or not a crawler index) is kept as \(folder.file("store/index.sqlite.broken"))"),
                "\(rebuild.stdout)")
        // A second broken index is kept beside the first, which was overwritten before.
        try Data("broken again".utf8).write(to: URL(fileURLWithPath: folder.file("store/index.sqlite")))
        try? FileManager.default.removeItem(atPath: folder.file("store/index.sqlite-wal"))
        let second = try crawler(["store", "rebuild-index"])
        #expect(second.stdout.contains("kept as \(folder.file("store/index.sqlite.broken-2"))"), "\(second.stdout)")
        #expect(folder.read("store/index.sqlite.broken") == "not a database")
        #expect(folder.read("store/index.sqlite.broken-2") == "broken again")
    }

    /// Round 65: an index that opens but has damaged pages (a bad sector) was named by every
    /// command, which said to run rebuild-index, and rebuild-index refused with the same advice.
    /// Moved away by hand, it took the store's tombstones with it: every forgotten post came back.
    @Test func rebuildIndexSetsAsideAnIndexWithDamagedPagesAndKeepsWhatWasForgotten() throws {
        let farm = FeedFarm(feeds: 4, itemsPerFeed: 5)
        let server = try farm.server()
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        let forgotten = try #require(documentFiles().sorted().first)
        #expect(try crawler(["store", "forget", "store/posts/" + forgotten]).status == 0)
        try damageRootPage(of: "documents")
        #expect(try crawler(["store", "verify"]).status == 3)
        let rebuild = try crawler(["store", "rebuild-index"])
        #expect(rebuild.status == 0, "\(rebuild.stdout)\(rebuild.stderr)")
        #expect(rebuild.stdout.contains("indexed \(farm.distinctItems - 1) documents"), "\(rebuild.stdout)")
        #expect(rebuild.stdout.contains("kept as \(folder.file("store/index.sqlite.broken"))"), "\(rebuild.stdout)")
        #expect(rebuild.stdout.contains("carried over from it: 1 forgotten document"), "\(rebuild.stdout)")
        #expect(try crawler(["store", "verify"]).status == 0)
        let again = try crawler(["once", "--force"])
        #expect(again.stdout.contains("0 new documents"), "\(again.stdout)")
        #expect(!documentFiles().contains(forgotten))
        #expect(documentFiles().count == farm.distinctItems - 1)
    }

    /// Round 65: `verify` with the index deleted printed one "unknown" line per document and
    /// exited 1, where crawls name the lost index once (exit 3) and say what to run.
    @Test func verifyNamesALostIndexOnceAsCrawlsDo() throws {
        let farm = FeedFarm(feeds: 2, itemsPerFeed: 3)
        let server = try farm.server()
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: folder.file("store/index.sqlite" + suffix)) }
        let verify = try crawler(["store", "verify"])
        #expect(verify.status == 3, "\(verify.stdout)\(verify.stderr)")
        #expect(!verify.stdout.contains("unknown"), "\(verify.stdout)")
        #expect(verify.stderr.contains("is not there (deleted, or lost with its disk), yet the store holds documents"), "\(verify.stderr)")
        #expect(verify.stderr.contains("crawler store rebuild-index"), "\(verify.stderr)")
    }

    /// Overwrites the first page of `table` in the index, as a failing disk would.
    private func damageRootPage(of table: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            size = db.execute("PRAGMA page_size").fetchone()[0]
            root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (sys.argv[2],)).fetchone()[0]
            db.close()
            with open(sys.argv[1], "r+b") as f:
                f.seek((root - 1) * size); f.write(b"\\xff" * size)
            """, folder.file("store/index.sqlite"), table]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// The documents table as `sqlite3` would print it, read through the store's own API.
    private func indexRows() throws -> [String] {
        let run = try crawler(["store", "verify"])
        guard run.status == 0 else { return ["verify failed: \(run.stdout)"] }
        return try StoreSnapshot.rows(store: folder.file("store"))
    }
}
