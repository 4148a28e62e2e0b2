import CrawlerTestKit
import Foundation
import Testing

/// A document folder that is a mount point: one syncfs of the store would not make its documents
/// durable, so the store refuses it. Needs root (to mount a tmpfs), as the crawler's tests run here.
@Suite(.enabled(if: TemporaryMount.isPermitted, "mounting a tmpfs needs root"))
struct OtherFilesystemTests {
    let folder = TemporaryFolder()

    @Test func aDocumentFolderOnAnotherFilesystemIsRefusedAndTheOtherFeedIsStored() throws {
        let server = try LoopbackHTTPServer { request in
            let year = request.path.hasSuffix("old.xml") ? "2022" : "2026"
            let item = """
                <item><title>Story of \(year)</title><link>https://example.org/\(year)</link>
                <pubDate>01 Dec \(year) 10:00:00 GMT</pubDate><description>Body of \(year).</description></item>
                """
            return ServedResponse(text: GoldenDocument.rssFeed(items: [item]))
        }
        try folder.write("""
            store: ./store
            feeds:
              - url: \(server.url("/old.xml"))
                name: old
              - url: \(server.url("/new.xml"))
                name: new
            """, to: "feeds.yaml")
        try FileManager.default.createDirectory(atPath: folder.file("store/posts/2022"), withIntermediateDirectories: true)
        let mount = try TemporaryMount(at: folder.file("store/posts/2022"))
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        let mounted = FileManager.default.enumerator(atPath: mount.path)?.allObjects.count ?? -1
        mount.unmount()
        #expect(run.status == 1)
        #expect(run.stdout.contains("FAIL  old") && run.stdout.contains("ok    new"), "\(run.stdout)")
        #expect(run.stderr.contains("store/posts/2022 is on another filesystem than the rest of the store"), "\(run.stderr)")
        #expect(mounted == 0, "documents were written on the other filesystem")
        #expect(folder.files(under: "store/posts/2026/12").count == 1)
    }
}

extension OtherFilesystemTests {
    /// One feed of one item, dated December 2022, crawled into `store`.
    private func storedOneDocument() throws -> LoopbackHTTPServer {
        let server = try LoopbackHTTPServer { _ in
            ServedResponse(text: GoldenDocument.rssFeed(items: ["<item><title>Kept</title><link>https://example.org/k</link>"
                + "<pubDate>01 Dec 2022 10:00:00 GMT</pubDate><description>Body.</description></item>"]))
        }
        try folder.write("store: ./store\nfeeds:\n  - url: \(server.url("/feed.xml"))\n    name: feed\n", to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["once"], in: folder.path).status == 0)
        return server
    }

    /// Documents stored, then their folder put on another filesystem (its files copied onto a
    /// tmpfs mounted over it): verify called them missing and offered `forget --missing`, which
    /// forgot them for good, and rebuild-index indexed none. Now verify names the folder, and
    /// both commands refuse while it is there.
    @Test func documentsOnAnotherFilesystemAreNeitherForgottenNorDroppedFromTheIndex() throws {
        let server = try storedOneDocument()
        defer { withExtendedLifetime(server) {} }
        let files = folder.files(under: "store/posts/2022/12")
        #expect(files.count == 1)
        let saved = folder.file("saved")
        try FileManager.default.copyItem(atPath: folder.file("store/posts/2022/12"), toPath: saved)
        let mount = try TemporaryMount(at: folder.file("store/posts/2022"))
        defer { mount.unmount() }
        try FileManager.default.createDirectory(atPath: mount.path + "/12", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: saved + "/" + files[0], toPath: mount.path + "/12/" + files[0])
        let verify = try CrawlerProcess.run(["store", "verify"], in: folder.path)
        #expect(verify.stdout.contains("posts/2022: a folder the store cannot enter"), "\(verify.stdout)")
        #expect(!verify.stdout.contains("forget --missing"), "\(verify.stdout)")
        let forget = try CrawlerProcess.run(["store", "forget", "--missing"], in: folder.path)
        #expect(forget.status != 0 && forget.stderr.contains("cannot enter"), "\(forget.stdout)\(forget.stderr)")
        let rebuild = try CrawlerProcess.run(["store", "rebuild-index"], in: folder.path)
        #expect(rebuild.status != 0 && rebuild.stderr.contains("nothing was rebuilt"), "\(rebuild.stdout)\(rebuild.stderr)")
        mount.unmount()
        #expect(try CrawlerProcess.run(["store", "verify"], in: folder.path).status == 0)
    }
}

extension OtherFilesystemTests {
    /// A bind mount has the store's device number: the store entered it. The document folder
    /// bound at another folder of the store made verify call every document a second copy to
    /// remove (removing them emptied the store); an empty folder bound over a document folder
    /// made every document missing, `forget --missing` forgot them and rebuild-index dropped them.
    @Test func aBindMountInsideTheStoreIsNeitherEnteredNorTakenForDeletedDocuments() throws {
        let server = try storedOneDocument()
        defer { withExtendedLifetime(server) {} }
        try FileManager.default.createDirectory(atPath: folder.file("store/mirror"), withIntermediateDirectories: true)
        let mirror = try TemporaryMount(binding: folder.file("store/posts"), at: folder.file("store/mirror"))
        let mirrored = try CrawlerProcess.run(["store", "verify"], in: folder.path)
        mirror.unmount()
        #expect(mirrored.status == 0 && !mirrored.stdout.contains("rm "), "\(mirrored.stdout)")

        try FileManager.default.createDirectory(atPath: folder.file("empty"), withIntermediateDirectories: true)
        let over = try TemporaryMount(binding: folder.file("empty"), at: folder.file("store/posts/2022"))
        defer { over.unmount() }
        let verify = try CrawlerProcess.run(["store", "verify"], in: folder.path)
        #expect(verify.stdout.contains("posts/2022: a folder the store cannot enter") && verify.stdout.contains("mount point"),
                "\(verify.stdout)")
        #expect(!verify.stdout.contains("forget --missing"), "\(verify.stdout)")
        #expect(try CrawlerProcess.run(["store", "forget", "--missing"], in: folder.path).status != 0)
        #expect(try CrawlerProcess.run(["store", "rebuild-index"], in: folder.path).status != 0)
        over.unmount()
        #expect(try CrawlerProcess.run(["store", "verify"], in: folder.path).status == 0)
        #expect(folder.files(under: "store/posts/2022/12").count == 1)
    }
}

/// A tmpfs (or a bind mount) mounted for one test, unmounted by `unmount` or when released.
final class TemporaryMount {
    let path: String
    private var mounted = true

    init(at path: String) throws {
        self.path = path
        guard Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "crawler-test", path]) else {
            throw CocoaError(.fileWriteNoPermission)
        }
    }

    init(binding source: String, at path: String) throws {
        self.path = path
        guard Self.run("/bin/mount", ["--bind", source, path]) else { throw CocoaError(.fileWriteNoPermission) }
    }

    func unmount() {
        if mounted { _ = Self.run("/bin/umount", [path]) }
        mounted = false
    }

    deinit { unmount() }

    static let isPermitted: Bool = {
        let probe = TemporaryFolder(prefix: "crawler-mount-probe")
        return (try? TemporaryMount(at: probe.path)) != nil
    }()

    private static func run(_ tool: String, _ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
