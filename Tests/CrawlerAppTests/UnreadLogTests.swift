import CrawlerTestKit
import Foundation
import Testing

/// Round 57: with stderr a pipe nobody read (a stuck journald, a log shipper gone, `2>&1 | filter`
/// with the filter stopped), the crawl stopped at the 64 KB the pipe holds: nothing more fetched
/// or stored, /healthz still "alive", SIGTERM unheard. The log waits; the crawl does not.
@Suite(.serialized) struct UnreadLogTests {
    let folder = TemporaryFolder()

    /// 400 feeds of one item each: a line each.
    private func serve() throws -> LoopbackHTTPServer {
        let server = try OneItemFeeds.server()
        var yaml = "store: ./store\nconcurrency: 16\nhost_gap: 0s\nper_host_concurrency: 16\nallow_private_networks: true\n"
            + "interval: 2s\nmin_interval: 1s\nfeeds:\n  - url: \(server.url("/healthy"))\n    name: healthy\n"
        for index in 0..<400 { yaml += "  - url: \(server.url("/feed\(index)"))\n    name: feed-with-a-long-name-\(index)\n" }
        try folder.write(yaml, to: "feeds.yaml")
        return server
    }

    /// Started with stderr a pipe the test holds open and never reads.
    private func start(_ arguments: [String], unread: Pipe) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CrawlerProcess.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = unread
        try process.run()
        return process
    }

    private func waitForExit(_ process: Process, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning { process.terminate(); usleep(500_000); kill(process.processIdentifier, SIGKILL) }
        return !process.isRunning
    }

    @Test func onceStoresEveryFeedWhileItsLogIsNotRead() throws {
        let server = try serve()
        let unread = Pipe()
        let once = try start(["once"], unread: unread)
        let exited = waitForExit(once, seconds: 60)
        #expect(exited && once.terminationStatus == 0, "once did not finish with its log unread")
        #expect(folder.files(under: "store/posts").count == 401, "\(folder.files(under: "store/posts").count)")
        _ = server
    }

    @Test func theDaemonGoesOnAndStopsOnSIGTERMWhileItsLogIsNotRead() throws {
        let server = try serve()
        let unread = Pipe()
        let daemon = try start(["run", "--startup-spread", "0s"], unread: unread)
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        // The first round fills the pipe many times over; the healthy feed is asked again and again after it.
        Thread.sleep(forTimeInterval: 8)
        let healthyRequests = server.requests.filter { $0.path == "/healthy" }.count
        #expect(healthyRequests >= 3, "the healthy feed was asked \(healthyRequests) times in 8 s (interval 2s)")
        kill(daemon.processIdentifier, SIGTERM)
        let started = Date()
        let exited = waitForExit(daemon, seconds: 15)
        #expect(exited && Date().timeIntervalSince(started) < 5, "SIGTERM took \(Date().timeIntervalSince(started)) s")
        #expect(folder.files(under: "store/posts").count == 401)
        // Read once it has gone: the lines that fitted, and no more than the queue's bound.
        let logged = unread.fileHandleForReading.readDataToEndOfFile()
        #expect(logged.count >= 60_000 && logged.count <= 70_000, "\(logged.count) bytes")
    }
}
