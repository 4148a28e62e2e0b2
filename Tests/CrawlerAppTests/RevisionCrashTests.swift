import CrawlerTestKit
import Foundation
import Testing

/// Killed while rewriting documents (a `replace`, a `rerender`): after recovery every document is
/// its old or its new version, whole, in exactly one file. `CRAWLER_FAULT=rename:KILL:N` kills
/// the process at its Nth rename, the step that puts a rewritten document in place; N runs over
/// every rename the command makes, and one more so that the last lands after all of them.
@Suite struct RevisionCrashTests {
    let folder = TemporaryFolder()
    let feeds: RevisionFeedServer
    static let stories = 6

    init() throws {
        feeds = try RevisionFeedServer()
        feeds.serve("healthy", items: [RevisionFeedServer.item(guid: "h1", title: "Healthy", body: "steady text")])
        serveNews(version: "first")
    }

    private func serveNews(version: String) {
        feeds.serve("news", items: (1...Self.stories).map {
            RevisionFeedServer.item(guid: "n\($0)", title: "Story \($0)", body: "\(version) version of story \($0)",
                                    date: "Sun, 0\($0) Nov 2026 10:00:00 +0000")
        })
    }

    private func run(_ arguments: [String], in store: String, fault: String? = nil) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments + ["--config", store + ".yaml"], in: folder.path,
                               shellPrefix: fault.map { "export CRAWLER_FAULT='\($0)';" })
    }

    /// Each document by the short hash in its file name (all files under the store's folders).
    private func documentsByHash(in store: String) -> [String: [String]] {
        var byHash: [String: [String]] = [:]
        for file in folder.files(under: store) where file.hasSuffix(".md") || file.hasSuffix(".html") {
            let name = file.split(separator: "/").last.map(String.init) ?? file
            let hash = String(name.prefix { $0 != "." }.suffix(16))
            byHash[hash, default: []].append(folder.read(store + "/" + file) ?? "")
        }
        return byHash
    }

    private func copyStore(_ from: String, to: String, config: String) throws {
        try? FileManager.default.removeItem(atPath: folder.file(to))
        try FileManager.default.copyItem(atPath: folder.file(from), toPath: folder.file(to))
        try folder.write(config.replacingOccurrences(of: "store: ./store", with: "store: ./\(to)"), to: to + ".yaml")
    }

    /// Every document is one whole file holding its old or its new text, never both, never neither.
    private func expectOldOrNew(_ store: String, old: [String: [String]], new: [String: [String]], round: Int) {
        let now = documentsByHash(in: store)
        #expect(Set(now.keys) == Set(old.keys), "round \(round)")
        for (hash, texts) in now {
            #expect(texts.count == 1, "round \(round): \(hash) in \(texts.count) files")
            #expect(texts.allSatisfy { $0 == old[hash]?.first || $0 == new[hash]?.first }, "round \(round): \(hash) torn")
        }
    }

    @Test func killedDuringAReplaceEachDocumentIsOldOrNewAndTheNextPassFinishes() throws {
        let config = feeds.config(["news", "healthy"])
        try folder.write(config, to: "store.yaml")
        #expect(try run(["once"], in: "store").status == 0)
        let old = documentsByHash(in: "store")
        serveNews(version: "second")
        try copyStore("store", to: "finished", config: config)
        #expect(try run(["once"], in: "finished").status == 0)
        let new = documentsByHash(in: "finished")
        #expect(new.values.filter { $0.first?.contains("second version") == true }.count == Self.stories)

        var killed = 0
        for round in 1...(Self.stories + 1) {
            try copyStore("store", to: "crashed", config: config)
            let crashed = try run(["once"], in: "crashed", fault: "rename:KILL:\(round)")
            if crashed.status == SIGKILL { killed += 1 }
            // Read-only, verify cannot settle the documents being rewritten: it said "verified 1
            // documents, no problems" over a store of 600 left so; it says what they are now.
            let verify = try run(["store", "verify"], in: "crashed")
            let cut = crashed.status == SIGKILL
            #expect(verify.status == (cut ? 1 : 0), "round \(round): \(verify.stdout)")
            #expect(verify.stdout.contains("cut short (a kill, a power cut, or a write the disk refused) were not checked") == cut, "round \(round): \(verify.stdout)")
            expectOldOrNew("crashed", old: old, new: new, round: round)
            #expect(try run(["once"], in: "crashed").status == 0)
            #expect(documentsByHash(in: "crashed") == new, "round \(round)")
            #expect(try run(["store", "verify"], in: "crashed").status == 0, "round \(round)")
        }
        #expect(killed == Self.stories)
    }

    /// The store killed at its first rename, a correction of each story listed and not yet in
    /// place; returns the path (under `store/posts`) of story 1's post, still its first version.
    private func killedWithACorrectionListed() throws -> String {
        try folder.write(feeds.config(["news", "healthy"]), to: "store.yaml")
        #expect(try run(["once"], in: "store").status == 0)
        serveNews(version: "second")
        #expect(try run(["once"], in: "store", fault: "rename:KILL:1").status == SIGKILL)
        return try #require(folder.files(under: "store/posts").first {
            folder.read("store/posts/" + $0)?.contains("first version of story 1<") == true
        })
    }

    /// Round 24: killed with a correction listed and not yet in place, the post then edited by
    /// hand before the next run: finishing the rewrite wrote over the edit, and kept no copy.
    @Test func anEditMadeAfterACrashIsKeptBesideWhenTheRewriteIsFinished() throws {
        let post = try killedWithACorrectionListed()
        let edited = try #require(folder.read("store/posts/" + post)).replacingOccurrences(
            of: "first version of story 1<", with: "first version of story 1, edited by hand<")
        try folder.write(edited, to: "store/posts/" + post)
        #expect(try run(["once"], in: "store").status == 0)
        let kept = folder.files(under: "store/posts").filter { $0.hasSuffix(".edited") }
        #expect(kept.count == 1 && folder.read("store/posts/" + kept[0]) == edited, "\(folder.files(under: "store/posts"))")
        #expect(try run(["store", "verify"], in: "store").status == 0)
    }

    /// Round 26: the same, the post deleted by hand instead: finishing the rewrite brought it
    /// back (with its new text), where a crawl without the crash leaves a deleted post deleted.
    @Test func aPostDeletedAfterACrashStaysDeletedWhenTheRewriteIsFinished() throws {
        let post = try killedWithACorrectionListed()
        try FileManager.default.removeItem(atPath: folder.file("store/posts/" + post))
        #expect(try run(["once"], in: "store").status == 0)
        #expect(!FileManager.default.fileExists(atPath: folder.file("store/posts/" + post)))
        #expect(!folder.files(under: "store/posts").contains { folder.read("store/posts/" + $0)?.contains("version of story 1<") == true })
        #expect(folder.files(under: "store/tmp").isEmpty)
        let verify = try run(["store", "verify"], in: "store")
        #expect(verify.stdout.contains("missing"), "\(verify.stdout)")
    }

    @Test func killedDuringRerenderEachDocumentIsOldOrNewAndARerunFinishes() throws {
        let config = feeds.config(["news", "healthy"])
        try folder.write(config, to: "store.yaml")
        #expect(try run(["once"], in: "store").status == 0)
        let old = documentsByHash(in: "store")
        let hugo = feeds.config(["news", "healthy"], global: "output: hugo\ndocument_path: content/{year}/{hash}.html\n")
        try copyStore("store", to: "finished", config: hugo)
        #expect(try run(["store", "rerender"], in: "finished").status == 0)
        let new = documentsByHash(in: "finished")
        #expect(new.count == Self.stories + 1)

        var killed = 0
        for round in 1...(Self.stories + 2) {
            try copyStore("store", to: "crashed", config: hugo)
            let crashed = try run(["store", "rerender"], in: "crashed", fault: "rename:KILL:\(round)")
            if crashed.status == SIGKILL { killed += 1 }
            // Read-only, verify passes over the documents a crash left being rewritten, and says
            // the rerender was cut short (it said "no problems" over a store in two formats, some
            // documents under both names); opening the store to write (here a dry run) finishes
            // the rewrites under way, and a crawl is refused until the rerender is run to its end.
            let cut = crashed.status == SIGKILL
            // The lock file names a dead writer, whose PID may be any live process's by now.
            if cut { try folder.write("1\n", to: "crashed/lock") }
            let verify = try run(["store", "verify"], in: "crashed")
            #expect(verify.status == (cut ? 1 : 0), "round \(round): \(verify.stdout)")
            #expect(verify.stdout.contains("did not finish") == cut, "round \(round): \(verify.stdout)")
            let dry = try run(["store", "rerender", "--dry-run"], in: "crashed")
            #expect(dry.status == 0, "round \(round)")
            // It may find every document up to date: it says a real run is still needed all the same.
            #expect(dry.stdout.contains("was cut short: run it") == cut, "round \(round): \(dry.stdout)")
            expectOldOrNew("crashed", old: old, new: new, round: round)
            if cut {
                try folder.write(config.replacingOccurrences(of: "store: ./store", with: "store: ./crashed"), to: "crashed.yaml")
                let refused = try run(["once"], in: "crashed")
                #expect(refused.status == 2 && refused.stderr.contains("did not finish"), "round \(round): \(refused.stderr)")
                // One feed's rerender cannot finish the whole store's (it cleared the mark, and the
                // store of two formats then verified clean).
                let oneFeed = try run(["store", "rerender", "--feed", "news"], in: "crashed")
                #expect(oneFeed.status == 2 && oneFeed.stderr.contains("without --feed"), "round \(round): \(oneFeed.stderr)")
                try folder.write(hugo.replacingOccurrences(of: "store: ./store", with: "store: ./crashed"), to: "crashed.yaml")
            }
            let rerun = try run(["store", "rerender"], in: "crashed")
            #expect(rerun.status == 0, "round \(round): \(rerun.stderr)")
            #expect(documentsByHash(in: "crashed") == new, "round \(round)")
            #expect(try run(["once"], in: "crashed").stdout.contains("0 new documents"), "round \(round)")
        }
        #expect(killed == Self.stories + 1)
    }
    /// `verify` beside a rerender under way reported thousands of false problems (documents moved
    /// after it read the index), with advice to remove or move them: it says the rerender is
    /// under way and checks nothing, and once the rerender has finished the store is clean.
    @Test func verifyBesideARerenderUnderWaySaysSo() throws {
        let config = feeds.config(["news", "healthy"])
        try folder.write(config, to: "store.yaml")
        #expect(try run(["once"], in: "store").status == 0)
        let hugo = feeds.config(["news", "healthy"], global: "output: hugo\ndocument_path: content/{year}/{hash}.html\n")
        try folder.write(hugo, to: "store.yaml")
        let rerender = try CrawlerProcess.start(["store", "rerender", "--config", "store.yaml"], in: folder.path,
                                                shellPrefix: "export CRAWLER_FAULT='rename:STOP:2';")
        defer { if rerender.isRunning { kill(rerender.processIdentifier, SIGKILL) } }
        var state = ""
        for _ in 0..<200 {
            state = (try? String(contentsOfFile: "/proc/\(rerender.processIdentifier)/stat", encoding: .utf8)) ?? ""
            if state.split(separator: " ").dropFirst(2).first == "T" { break }
            usleep(20_000)
        }
        #expect(state.split(separator: " ").dropFirst(2).first == "T", "never stopped: \(state)")
        let verify = try run(["store", "verify"], in: "store")
        #expect(verify.status == 3, "\(verify.stdout)")
        #expect(verify.stdout.contains("is under way (pid \(rerender.processIdentifier))"), "\(verify.stdout)")
        #expect(!verify.stdout.contains("misplaced") && !verify.stdout.contains("not on disk"), "\(verify.stdout)")
        kill(rerender.processIdentifier, SIGCONT)
        rerender.waitUntilExit()
        #expect(rerender.terminationStatus == 0)
        let after = try run(["store", "verify"], in: "store")
        #expect(after.status == 0, "\(after.stdout)")
    }
}
