import CrawlerTestKit
import Foundation
import Testing

/// `status`, `explain`, `store verify` and `parse` need no write access and no lock: on a
/// read-only copy, as another user (`nobody`), on a snapshot taken mid-run (its WAL and -shm
/// copied too), and while `crawler run` holds the store.
@Suite(.serialized) struct ReadOnlyInspectionTests {
    let folder = TemporaryFolder()
    let farm = FeedFarm(feeds: 2, itemsPerFeed: 3)

    /// The commands, run in `place` (which holds feeds.yaml and feed.xml), as root or as nobody.
    private func inspect(in place: String, asNobody: Bool) throws -> [String] {
        var failures: [String] = []
        let commands = [["status"], ["explain", "feed-0"], ["store", "verify"], ["parse", "feed.xml"]]
        for command in commands {
            let run = asNobody
                ? try CrawlerProcess.run(["--reuid=nobody", "--regid=nogroup", "--clear-groups", CrawlerProcess.binaryForAnyone] + command,
                                         in: place, executable: "/usr/bin/setpriv")
                : try CrawlerProcess.run(command, in: place)
            let expected = command[0] == "store" ? "verified 6 documents" : command[0] == "parse" ? "Story 0 of feed 0" : "feed-0"
            if run.status != 0 || !run.stdout.contains(expected) {
                failures.append("\(command.joined(separator: " ")) as \(asNobody ? "nobody" : "root"): exit \(run.status) "
                                + "\(run.stdout.prefix(300)) \(run.stderr.prefix(600))")
            }
        }
        return failures
    }

    private func crawledStore(_ server: LoopbackHTTPServer) throws {
        try folder.write(farm.config(server: server), to: "feeds.yaml")
        try folder.write(farm.document(feed: 0), to: "feed.xml")
        let once = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(once.status == 0, "\(once.stderr)")
    }

    /// A copy of the folder, readable by everyone and writable by no one.
    private func readOnlyCopy(named name: String) throws -> String {
        let copy = folder.file(name)
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: false)
        for entry in ["feeds.yaml", "feed.xml", "store"] {
            try FileManager.default.copyItem(atPath: folder.file(entry), toPath: copy + "/" + entry)
        }
        chmod(folder.path, 0o755)
        let chmodRun = Process()
        chmodRun.executableURL = URL(fileURLWithPath: "/bin/chmod")
        chmodRun.arguments = ["-R", "a+rX,a-w", copy]
        try chmodRun.run()
        chmodRun.waitUntilExit()
        return copy
    }

    @Test func aReadOnlyCopyIsInspectedByItsOwnerAndByAnotherUser() throws {
        try crawledStore(try farm.server())
        let copy = try readOnlyCopy(named: "copy")
        // Nobody first: a reader that can write the folder (root) leaves an -shm file behind.
        #expect(!FileManager.default.fileExists(atPath: copy + "/store/index.sqlite-shm"))
        #expect(try inspect(in: copy, asNobody: true) == [])
        #expect(try inspect(in: copy, asNobody: false) == [])
    }

    /// The index is made 0600: another user's `status` met SQLite's "unable to open database
    /// file", which says neither that it was refused nor what to do.
    @Test func anIndexThisUserCannotReadIsSaidToBeRefused() throws {
        try crawledStore(try farm.server())
        let copy = try readOnlyCopy(named: "copy")
        chmod(copy + "/store/index.sqlite", 0o600)
        let status = try CrawlerProcess.run(["--reuid=nobody", "--regid=nogroup", "--clear-groups", CrawlerProcess.binaryForAnyone,
                                             "status"], in: copy, executable: "/usr/bin/setpriv")
        #expect(status.status == 3)
        #expect(status.stderr.contains("permission denied for user 65534: it is owned by user 0 with mode 600; "
                                       + "run this as that user or as root"), "\(status.stderr)")
    }

    /// Round 57: a store folder this user cannot enter (umask 027) was "no store: nothing has been
    /// crawled there", every feed never fetched, exit 0; `--failing` exited 3 with no word.
    @Test func aStoreFolderThisUserCannotEnterIsSaidToBeRefused() throws {
        try crawledStore(try farm.server())
        let copy = try readOnlyCopy(named: "copy")
        chmod(copy + "/store", 0o750)
        for arguments in [["status"], ["status", "--failing"]] {
            let status = try CrawlerProcess.run(["--reuid=nobody", "--regid=nogroup", "--clear-groups", CrawlerProcess.binaryForAnyone]
                                                + arguments, in: copy, executable: "/usr/bin/setpriv")
            #expect(status.status == 3, "\(arguments) \(status.stdout)")
            #expect(status.stderr.contains("cannot read the store at \(copy)/store (permission denied for user 65534): "
                                           + "it is owned by user 0 with mode 750; run this as that user, or as root"),
                    "\(arguments) \(status.stderr)")
            #expect(!status.stdout.contains("never fetched"))
        }
    }

    /// A document another user may not read was reported as missing, with advice to forget it.
    @Test func aDocumentThisUserCannotReadIsNotCalledMissing() throws {
        try crawledStore(try farm.server())
        let copy = try readOnlyCopy(named: "copy")
        let document = try #require(folder.files(under: "copy/store/posts").first)
        chmod(copy + "/store/posts/" + document, 0o600)
        let verify = try CrawlerProcess.run(["--reuid=nobody", "--regid=nogroup", "--clear-groups", CrawlerProcess.binaryForAnyone,
                                             "store", "verify"], in: copy, executable: "/usr/bin/setpriv")
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("posts/\(document): cannot read it (permission denied"), "\(verify.stdout)")
        #expect(!verify.stdout.contains("not on disk") && !verify.stdout.contains("missing"), "\(verify.stdout)")
    }

    /// `rebuild-index` as a user who cannot read one document skipped it "unreadable" and rebuilt
    /// without it: its item's kept source values and history went, for good.
    @Test func rebuildIndexRefusesAStoreWithADocumentThisUserCannotRead() throws {
        try crawledStore(try farm.server())
        let copy = try readOnlyCopy(named: "copy")
        let owner = Process()
        owner.executableURL = URL(fileURLWithPath: "/bin/chown")
        owner.arguments = ["-R", "nobody:nogroup", copy]
        try owner.run()
        owner.waitUntilExit()
        let chmodRun = Process()
        chmodRun.executableURL = URL(fileURLWithPath: "/bin/chmod")
        chmodRun.arguments = ["-R", "u+w", copy]
        try chmodRun.run()
        chmodRun.waitUntilExit()
        let document = try #require(folder.files(under: "copy/store/posts").first)
        chown(copy + "/store/posts/" + document, 0, 0)
        chmod(copy + "/store/posts/" + document, 0o600)
        let index = FileManager.default.contents(atPath: copy + "/store/index.sqlite")
        let rebuild = try CrawlerProcess.run(["--reuid=nobody", "--regid=nogroup", "--clear-groups", CrawlerProcess.binaryForAnyone,
                                              "store", "rebuild-index"], in: copy, executable: "/usr/bin/setpriv")
        #expect(rebuild.status == 3, "\(rebuild.stdout)\(rebuild.stderr)")
        #expect(rebuild.stderr.contains("cannot be read by this user: nothing was rebuilt"), "\(rebuild.stderr)")
        #expect(FileManager.default.contents(atPath: copy + "/store/index.sqlite") == index)
    }

    @Test func whileRunHoldsTheStoreItAndASnapshotOfItAreInspected() throws {
        let server = try farm.server()
        try crawledStore(server)
        let daemon = try DaemonProcess(in: folder.path)
        defer { _ = daemon.terminate() }
        daemon.waitFor { $0["event"] == "startup" || $0["event"] == "fetch" }
        // The store is held: a second writer is refused, the readers are not.
        #expect(try CrawlerProcess.run(["once"], in: folder.path).status == 3)
        #expect(try inspect(in: folder.path, asNobody: false) == [])

        // As another user, with the index made readable to them (its -wal and -shm too).
        chmod(folder.path, 0o755)
        for name in ["store", "store/index.sqlite", "store/index.sqlite-wal", "store/index.sqlite-shm"] {
            chmod(folder.file(name), name == "store" ? 0o755 : 0o644)
        }
        chmod(folder.file("feeds.yaml"), 0o644)
        chmod(folder.file("feed.xml"), 0o644)
        #expect(FileManager.default.fileExists(atPath: folder.file("store/index.sqlite-shm")))
        #expect(try inspect(in: folder.path, asNobody: true) == [])

        // A snapshot taken now carries the WAL and -shm of a live index.
        let copy = try readOnlyCopy(named: "snapshot")
        #expect(FileManager.default.fileExists(atPath: copy + "/store/index.sqlite-shm"))
        #expect(try inspect(in: copy, asNobody: true) == [])
        #expect(try inspect(in: copy, asNobody: false) == [])
    }
}
