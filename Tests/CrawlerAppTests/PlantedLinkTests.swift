import CrawlerTestKit
import Foundation
import Testing

/// Symbolic links planted inside the store, through the real binary: none is followed, nothing
/// outside the store is written, emptied or truncated, and the error names the link.
@Suite struct PlantedLinkTests {
    let folder = TemporaryFolder()
    /// Where the planted links point: must look the same after every run.
    let outside = TemporaryFolder(prefix: "crawler-outside")

    /// Two feeds: `december` (items of December 2026, in posts/2026/12) and `february`
    /// (February 2022, in posts/2022/02), two items each.
    private func serveFeeds() throws -> LoopbackHTTPServer {
        let server = try LoopbackHTTPServer { request in
            let december = request.path.hasSuffix("december.xml")
            let items = (0..<2).map { index in
                """
                <item><title>\(december ? "December" : "February") story \(index)</title>
                <link>https://example.org/\(request.path)/\(index)</link>
                <pubDate>0\(index + 1) \(december ? "Dec 2026" : "Feb 2022") 10:00:00 GMT</pubDate>
                <description>Body \(index) of \(request.path).</description></item>
                """
            }
            return ServedResponse(text: GoldenDocument.rssFeed(items: items))
        }
        try folder.write("""
            store: ./store
            feeds:
              - url: \(server.url("/december.xml"))
                name: december
              - url: \(server.url("/february.xml"))
                name: february
            """, to: "feeds.yaml")
        return server
    }

    private func crawl() throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(["once"], in: folder.path)
    }

    private func plant(_ name: String, pointingAt target: String) throws {
        try FileManager.default.createDirectory(atPath: folder.file("store/" + name).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: folder.file("store/" + name))
        try FileManager.default.createSymbolicLink(atPath: folder.file("store/" + name), withDestinationPath: target)
    }

    /// Every file under `outside` with its contents.
    private func outsideContents() -> [String: String] {
        Dictionary(uniqueKeysWithValues: outside.files().map { ($0, outside.read($0) ?? "") })
    }

    @Test func aDocumentFolderLinkedOutsideIsRefusedAndTheOtherFeedIsStored() throws {
        let server = try serveFeeds()
        try plant("posts/2026/12", pointingAt: outside.path)
        let run = try crawl()
        #expect(run.status == 1)
        #expect(outsideContents().isEmpty, "documents were written outside the store")
        #expect(run.stdout.contains("FAIL  december"), "\(run.stdout)")
        #expect(run.stdout.contains("ok    february"), "\(run.stdout)")
        let error = run.stderr.split(separator: "\n").map { LogLine(String($0)) }
            .first { $0["feed"] == "december" }?["error"] ?? ""
        #expect(error.contains("store/posts/2026/12 is a symbolic link"), "\(run.stderr)")
        #expect(folder.files(under: "store/posts/2022/02").count == 2)
        // Once the link is gone, the refused feed's documents are stored: nothing was marked seen.
        try FileManager.default.removeItem(atPath: folder.file("store/posts/2026/12"))
        let again = try crawl()
        #expect(again.status == 0, "\(again.stderr)")
        #expect(folder.files(under: "store/posts/2026/12").count == 2)
        #expect(try CrawlerProcess.run(["store", "verify"], in: folder.path).status == 0)
        _ = server
    }

    @Test func aTempFolderLinkedOutsideIsNotEmptied() throws {
        let server = try serveFeeds()
        try outside.write("keep me", to: "notes.txt")
        try plant("tmp", pointingAt: outside.path)
        let run = try crawl()
        #expect(run.status == 3)
        #expect(run.stderr.contains("store/tmp is a symbolic link"), "\(run.stderr)")
        #expect(outsideContents() == ["notes.txt": "keep me"])
        _ = server
    }

    @Test func aLockLinkedOutsideIsNotTruncated() throws {
        let server = try serveFeeds()
        try outside.write("precious", to: "file")
        try plant("lock", pointingAt: outside.file("file"))
        let run = try crawl()
        #expect(run.status == 3)
        #expect(run.stderr.contains("store/lock is a symbolic link"), "\(run.stderr)")
        #expect(outsideContents() == ["file": "precious"])
        _ = server
    }

    @Test(arguments: ["index.sqlite", "index.sqlite-wal"])
    func anIndexFileLinkedOutsideIsRefused(name: String) throws {
        let server = try serveFeeds()
        #expect(try crawl().status == 0)
        try outside.write("precious", to: "file")
        try plant(name, pointingAt: outside.file("file"))
        let run = try crawl()
        #expect(run.status == 3)
        #expect(run.stderr.contains("store/\(name) is a symbolic link"), "\(run.stderr)")
        #expect(outsideContents() == ["file": "precious"])
        _ = server
    }
}

extension String {
    fileprivate var deletingLastPathComponent: String { (self as NSString).deletingLastPathComponent }
}
