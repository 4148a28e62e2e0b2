import CrawlerTestKit
import Foundation
import Testing

/// A store re-rendered to Hugo and then back to Hexo, through the real binary. Until the rerender
/// back has run to its end (the operator has not run it yet, or a crash or power cut interrupted
/// it), documents are whole in the profile they were written with: `store verify` must not call
/// them corrupt (and advise forgetting them) for not being Hexo.
@Suite struct RerenderBackToHexoTests {
    let folder = TemporaryFolder()
    let feeds: RevisionFeedServer
    static let stories = 5

    init() throws {
        feeds = try RevisionFeedServer()
        feeds.serve("healthy", items: [RevisionFeedServer.item(guid: "h1", title: "Healthy", body: "steady text")])
        feeds.serve("news", items: (1...Self.stories).map {
            RevisionFeedServer.item(guid: "n\($0)", title: "Story \($0)", body: "story number \($0)",
                                    date: "Sun, 0\($0) Nov 2026 10:00:00 +0000")
        })
    }

    private var hexo: String { feeds.config(["news", "healthy"]) }
    private var hugo: String {
        feeds.config(["news", "healthy"], global: "output: hugo\ndocument_path: content/{year}/{hash}.html\n")
    }

    private func crawler(_ arguments: [String], fault: String? = nil) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path, shellPrefix: fault.map { "export CRAWLER_FAULT='\($0)';" })
    }

    /// The document files under the store, by their path in it.
    private func documents() -> [String: String] {
        var byPath: [String: String] = [:]
        for file in folder.files(under: "store") where file.hasSuffix(".md") || file.hasSuffix(".html") {
            byPath[file] = folder.read("store/" + file)
        }
        return byPath
    }

    /// A store of Hugo documents under content/, rerendered there from Hexo.
    private func hugoStore() throws {
        try folder.write(hexo, to: "feeds.yaml")
        #expect(try crawler(["once"]).status == 0)
        try folder.write(hugo, to: "feeds.yaml")
        #expect(try crawler(["store", "rerender"]).status == 0)
        #expect(documents().keys.allSatisfy { $0.hasPrefix("content/") })
        #expect(documents().count == Self.stories + 1)
    }

    @Test func verifyIsCleanBeforeTheRerenderBackToHexoHasRun() throws {
        try hugoStore()
        try folder.write(hexo, to: "feeds.yaml")
        let verify = try crawler(["store", "verify"])
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(!verify.stdout.contains("corrupt"))

        #expect(try crawler(["store", "rerender"]).status == 0)
        let back = documents()
        #expect(back.count == Self.stories + 1)
        #expect(back.allSatisfy { $0.key.hasPrefix("posts/") && $0.value.hasPrefix("\n---\ntitle: ") })
        #expect(try crawler(["store", "verify"]).status == 0)
        // Once the store is Hexo again, Hexo's grammar holds: a document edited out of it is found.
        let (path, text) = try #require(back.first { $0.key.contains("posts/") })
        try folder.write(String(text.prefix(text.count / 2)), to: "store/" + path)
        let edited = try crawler(["store", "verify"])
        #expect(edited.status == 1)
        #expect(edited.stdout.contains(path + ": corrupt"))
    }

    /// Killed, the rerender is reported as cut short (run it again), never its documents as corrupt.
    @Test func killedDuringTheRerenderBackToHexoVerifyIsCleanAndARerunFinishes() throws {
        try hugoStore()
        try folder.write(hexo, to: "feeds.yaml")
        let killed = try crawler(["store", "rerender"], fault: "rename:KILL:3")
        #expect(killed.status == SIGKILL)
        let cut = documents()
        #expect(cut.keys.contains { $0.hasPrefix("posts/") } && cut.keys.contains { $0.hasPrefix("content/") })
        let verify = try crawler(["store", "verify"])
        #expect(verify.status == 1 && verify.stdout.contains("did not finish"), "\(verify.stdout)")
        #expect(!verify.stdout.contains("corrupt"), "\(verify.stdout)")
        // Opening the store to write finishes the batch the kill interrupted: all its documents are Hexo.
        #expect(try crawler(["store", "rerender", "--dry-run"]).status == 0)
        #expect(documents().count == Self.stories + 1)
        #expect(documents().keys.allSatisfy { $0.hasPrefix("posts/") })
        let afterRecovery = try crawler(["store", "verify"])
        #expect(afterRecovery.status == 1 && !afterRecovery.stdout.contains("corrupt"), "\(afterRecovery.stdout)")

        #expect(try crawler(["store", "rerender"]).status == 0)
        #expect(documents().count == Self.stories + 1)
        #expect(documents().keys.allSatisfy { $0.hasPrefix("posts/") })
        #expect(try crawler(["store", "verify"]).status == 0)
        let pass = try crawler(["once"])
        #expect(pass.status == 0)
        #expect(pass.stdout.contains("0 new documents"))
    }

    /// The index lost before the rerender back to Hexo has run: rebuilt from the files, every
    /// Hugo document is indexed, not skipped as "not Hexo", and the rerender then finds them all.
    @Test func rebuildIndexBeforeTheRerenderBackToHexoKeepsEveryDocument() throws {
        try hugoStore()
        try folder.write(hexo, to: "feeds.yaml")
        let rebuilt = try crawler(["store", "rebuild-index"])
        #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
        #expect(rebuilt.stdout.contains("indexed \(Self.stories + 1) documents"), "\(rebuilt.stdout)")
        #expect(!rebuilt.stdout.contains("skipped"), "\(rebuilt.stdout)")
        #expect(try crawler(["store", "verify"]).status == 0)

        #expect(try crawler(["store", "rerender"]).status == 0)
        #expect(documents().count == Self.stories + 1)
        #expect(documents().keys.allSatisfy { $0.hasPrefix("posts/") })
        #expect(try crawler(["store", "verify"]).status == 0)
    }
}
