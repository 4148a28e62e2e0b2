import CrawlerTestKit
import Foundation
import Testing

/// A store on a disk that filled up, for real (a small tmpfs): the error says the disk is full,
/// and what was stored stays. Round 23: the index's failure read "disk I/O error", no more.
@Suite(.enabled(if: TemporaryMount.isPermitted, "mounting a tmpfs needs root"))
struct FullDiskTests {
    let folder = TemporaryFolder()

    /// A small filesystem of its own mounted at `store/` (unmount it when done).
    private func mountedStore() throws -> TemporaryMount {
        try FileManager.default.createDirectory(atPath: folder.file("store"), withIntermediateDirectories: true)
        return try TemporaryMount(at: folder.file("store"))
    }

    /// Takes the store's filesystem's free space with `store/filler`: all of it, or all but the
    /// last part of a 4 KB block.
    private func fillStore(toTheLastByte: Bool) throws {
        #expect(FileManager.default.createFile(atPath: folder.file("store/filler"), contents: nil))
        let filler = try #require(FileHandle(forWritingAtPath: folder.file("store/filler")))
        while (try? filler.write(contentsOf: Data(count: 4096))) != nil {}
        if toTheLastByte { while (try? filler.write(contentsOf: Data(count: 1))) != nil {} }
        try? filler.close()
    }

    @Test func aFullDiskIsNamedAsOneAndTheStoredDocumentsStay() throws {
        let server = try LoopbackHTTPServer { request in
            let name = request.path.dropFirst()
            return ServedResponse(text: GoldenDocument.rssFeed(items: ["<item><title>Story of \(name)</title>"
                + "<link>https://example.org/\(name)</link><description>Body of \(name).</description></item>"]))
        }
        try folder.write("store: ./store\nfeeds:\n  - url: \(server.url("/first"))\n    name: first\n", to: "feeds.yaml")
        let mount = try mountedStore()
        defer { mount.unmount() }
        #expect(try CrawlerProcess.run(["once"], in: folder.path).status == 0)
        let stored = folder.files(under: "store/posts")
        #expect(stored.count == 1)
        // Everything left but a few bytes taken.
        try fillStore(toTheLastByte: false)
        try folder.write("store: ./store\nfeeds:\n  - url: \(server.url("/first"))\n    name: first\n"
                         + "  - url: \(server.url("/second"))\n    name: second\n", to: "feeds.yaml")
        let full = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(full.status != 0)
        #expect(full.stderr.contains("No space left on device"), "\(full.stderr.suffix(1500))")
        #expect(!full.stderr.contains("disk I/O error\"") && !full.stderr.contains("disk I/O error\n"), "\(full.stderr.suffix(1500))")
        try FileManager.default.removeItem(atPath: folder.file("store/filler"))
        #expect(folder.files(under: "store/posts").filter(stored.contains) == stored)
        let verify = try CrawlerProcess.run(["store", "verify"], in: folder.path)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    /// Round 53: on a disk filled after a clean pass, `status` and `store verify` exited 3 with
    /// "disk I/O error (No space left on device)": SQLite's first reader resets the index's
    /// shared-memory file, which needs room. With nothing in the write-ahead log and no crawler
    /// holding the store, the index is read as it is.
    @Test func aFullDiskCanStillBeLookedAt() throws {
        let server = try LoopbackHTTPServer { _ in
            ServedResponse(text: GoldenDocument.rssFeed(items: ["<item><title>Story</title><link>https://example.org/s</link>"
                + "<description>Body.</description></item>"]))
        }
        try folder.write("store: ./store\nfeeds:\n  - url: \(server.url("/feed"))\n    name: feed\n", to: "feeds.yaml")
        let mount = try mountedStore()
        defer { mount.unmount() }
        #expect(try CrawlerProcess.run(["once"], in: folder.path).status == 0)
        try fillStore(toTheLastByte: true)
        let status = try CrawlerProcess.run(["status"], in: folder.path)
        #expect(status.status == 0 && status.stdout.contains("feed  ok"), "\(status.stdout)\(status.stderr)")
        let verify = try CrawlerProcess.run(["store", "verify"], in: folder.path)
        #expect(verify.status == 0 && verify.stdout.contains("verified 1 document"), "\(verify.stdout)\(verify.stderr)")
    }

    /// Round 53: `store forget`, the one tool to free space in a store, could not run on a full
    /// disk (the index needed room for its shared-memory file, and then to record the forget):
    /// the operator had to delete files by hand. Now the documents' own files make the room; the
    /// healthy feed's documents stay, and the next crawl does not bring the forgotten back.
    @Test func forgetFreesSpaceOnAFullDisk() throws {
        let server = try LoopbackHTTPServer { request in
            let feed = String(request.path.dropFirst())
            let items = (1...20).map { number in
                "<item><title>\(feed) story \(number)</title><link>https://example.org/\(feed)/\(number)</link>"
                    + "<pubDate>Mon, \(String(format: "%02d", number)) Jun 2025 10:00:00 GMT</pubDate>"
                    + "<description>\(String(repeating: "Body of \(feed) \(number). ", count: 60))</description></item>"
            }
            return ServedResponse(text: GoldenDocument.rssFeed(items: items))
        }
        try folder.write("store: ./store\nfeeds:\n  - url: \(server.url("/old"))\n    name: old\n"
                         + "  - url: \(server.url("/healthy"))\n    name: healthy\n", to: "feeds.yaml")
        let mount = try mountedStore()
        defer { mount.unmount() }
        #expect(try CrawlerProcess.run(["once"], in: folder.path).status == 0)
        #expect(folder.files(under: "store/posts").count == 40)
        try fillStore(toTheLastByte: true)

        let forget = try CrawlerProcess.run(["store", "forget", "--feed", "old"], in: folder.path)
        #expect(forget.status == 0, "\(forget.stdout)\(forget.stderr)")
        #expect(forget.stdout.contains("forgot 20 documents"), "\(forget.stdout)")
        let left = folder.files(under: "store/posts")
        #expect(left.count == 20 && left.allSatisfy { folder.read("store/posts/" + $0)?.contains("healthy story") == true }, "\(left)")
        let verify = try CrawlerProcess.run(["store", "verify"], in: folder.path)
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        try FileManager.default.removeItem(atPath: folder.file("store/filler"))
        #expect(try CrawlerProcess.run(["once", "--force"], in: folder.path).status == 0)
        #expect(folder.files(under: "store/posts").count == 20)
    }
}
