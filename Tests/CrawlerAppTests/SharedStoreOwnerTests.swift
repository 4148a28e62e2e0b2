import CrawlerTestKit
import Foundation
import Testing

/// A store the service runs as its own user (DynamicUser=, or `nobody` here) and that the
/// operator also crawls as root (`crawler once --feed NAME` to try a feed): root's run made the
/// month folders its own, and from then on every pass of the service failed each feed with an
/// item of that month (`rename into place …: Permission denied`), its new items never stored.
@Suite struct SharedStoreOwnerTests {
    let folder = TemporaryFolder()
    let feeds: RevisionFeedServer

    init() throws {
        feeds = try RevisionFeedServer()
        feeds.serve("service", items: [RevisionFeedServer.item(guid: "s1", title: "Service one", body: "first story",
                                                               date: "Sat, 01 Jun 2024 10:00:00 +0000")])
        feeds.serve("tried", items: [RevisionFeedServer.item(guid: "t1", title: "Tried one", body: "tried story",
                                                             date: "Wed, 15 Jan 2025 10:00:00 +0000")])
    }

    private func asService(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(["--reuid=nobody", "--regid=nogroup", "--clear-groups", CrawlerProcess.binaryForAnyone]
                               + arguments, in: folder.path, executable: "/usr/bin/setpriv")
    }

    @Test func foldersRootMakesInTheServicesStoreStayTheServices() throws {
        chmod(folder.path, 0o755)
        try FileManager.default.createDirectory(atPath: folder.file("store"), withIntermediateDirectories: false)
        chown(folder.file("store"), 65534, 65534)
        try folder.write(feeds.config(["service", "tried"]), to: "feeds.yaml")
        let first = try asService(["once", "--feed", "service"])
        #expect(first.status == 0, "\(first.stderr)")

        let byRoot = try CrawlerProcess.run(["once", "--feed", "tried"], in: folder.path)
        #expect(byRoot.status == 0, "\(byRoot.stderr)")
        for made in ["store/posts/2025", "store/posts/2025/01"] {
            var info = stat()
            #expect(stat(folder.file(made), &info) == 0 && info.st_uid == 65534 && info.st_gid == 65534, "\(made)")
        }

        feeds.serve("service", items: [
            RevisionFeedServer.item(guid: "s1", title: "Service one", body: "first story", date: "Sat, 01 Jun 2024 10:00:00 +0000"),
            RevisionFeedServer.item(guid: "s2", title: "Service two", body: "second story", date: "Mon, 20 Jan 2025 10:00:00 +0000"),
        ])
        let again = try asService(["once"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(folder.documents().values.contains { $0.contains("second story") }, "\(again.stderr)")
    }

    /// Round 14: the other way round, the service's user on root's store was told only
    /// `open lock …: Permission denied`; it is told whose the store is, and what to do.
    @Test func aStoreOfAnotherUserIsNamedWithItsOwner() throws {
        chmod(folder.path, 0o755)
        try folder.write(feeds.config(["service"]), to: "feeds.yaml")
        #expect(try CrawlerProcess.run(["once"], in: folder.path).status == 0)
        let refused = try asService(["once"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("lock: Permission denied for user 65534: it is owned by user 0 with mode 600; "
                                        + "run this as that user, or as root"), "\(refused.stderr)")
    }

    /// Round 36: the service's own lock made read-only (mode 400) told the service to run as itself.
    @Test func aStoreFileItsOwnerMayNotWriteSaysSo() throws {
        chmod(folder.path, 0o755)
        try FileManager.default.createDirectory(atPath: folder.file("store"), withIntermediateDirectories: false)
        chown(folder.file("store"), 65534, 65534)
        try folder.write(feeds.config(["service"]), to: "feeds.yaml")
        #expect(try asService(["once"]).status == 0)
        chmod(folder.file("store/lock"), 0o400)
        let refused = try asService(["once"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("lock: Permission denied for user 65534: it is this user's, with mode 400, "
                                        + "which denies its owner; give the owner access (chmod u+rw)"), "\(refused.stderr)")
    }

    /// Round 15: in the service's store, still empty, root's first `once` made the lock and the
    /// index its own (mode 600): every later pass of the service was refused.
    @Test func theFilesRootMakesInTheServicesStoreStayTheServices() throws {
        chmod(folder.path, 0o755)
        try FileManager.default.createDirectory(atPath: folder.file("store"), withIntermediateDirectories: false)
        chown(folder.file("store"), 65534, 65534)
        try folder.write(feeds.config(["service", "tried"]), to: "feeds.yaml")
        let byRoot = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(byRoot.status == 0, "\(byRoot.stderr)")
        for made in ["store/lock", "store/index.sqlite"] {
            var info = stat()
            #expect(stat(folder.file(made), &info) == 0 && info.st_uid == 65534, "\(made)")
        }
        let service = try asService(["once"])
        #expect(service.status == 0, "\(service.stderr)")
    }
}
