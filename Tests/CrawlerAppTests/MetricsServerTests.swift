import CrawlerTestKit
import Foundation
import Glibc
import Synchronization
import Testing

/// The daemon's metrics endpoint under clients that hold connections open or send too much:
/// a scrape is answered at once, the crawl goes on, and the daemon does not grow.
@Suite struct MetricsServerTests {
    let folder = TemporaryFolder()

    /// The daemon crawling one healthy feed, with its metrics port.
    private func startDaemon(_ server: LoopbackHTTPServer, farm: FeedFarm) throws -> (DaemonProcess, Int) {
        try folder.write(farm.config(server: server).replacingOccurrences(of: "feeds:", with: "interval: 1h\nfeeds:"),
                         to: "feeds.yaml")
        let daemon = try DaemonProcess(arguments: ["run", "--startup-spread", "0s", "--metrics", "127.0.0.1:0"],
                                       in: folder.path)
        let port = daemon.waitFor { $0["event"] == "metrics" }.first?["port"].flatMap { Int($0) }
        return (daemon, try #require(port))
    }

    /// A scrape as Prometheus sends it, timed on this thread alone: an async client's time would
    /// include waiting for a free thread of the test process, which other suites keep busy.
    private func scrape(_ port: Int) -> (status: Int, seconds: Double)? {
        let start = Date()
        guard let client = RawClient(port: port) else { return nil }
        client.send(Array("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/plain\r\n\r\n".utf8))
        let answer = client.receive(timeout: 10)
        guard answer.closed, let status = answer.text.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return nil }
        return (status, Date().timeIntervalSince(start))
    }

    /// Round 47: on a full disk every store write failed and /healthz answered "200 OK ... store
    /// writable" (the folder's mode was all it asked), and `status` showed nothing wrong. A store
    /// that refuses writes is failing until a document is stored again: /healthz answers 503,
    /// /metrics has `crawler_store_failing 1`, `status` says so and exits 1.
    @Test func aStoreThatRefusesWritesIsUnhealthyUntilOneWorks() throws {
        let polls = Atomic<Int>(0)
        let server = try LoopbackHTTPServer { _ in
            let poll = polls.add(1, ordering: .relaxed).newValue
            return ServedResponse(text: AlertTests.rss(["story-\(poll)"]))
        }
        defer { server.stop() }
        try folder.write("store: ./store\nhost_gap: 0s\ninterval: 10s\nfeeds:\n  - url: \(server.url("/f.xml"))\n    name: news\n",
                         to: "feeds.yaml")
        // The first document's link fails as on a read-only filesystem; the next poll's works.
        let daemon = try DaemonProcess(arguments: ["run", "--startup-spread", "0s", "--metrics", "127.0.0.1:0"],
                                       in: folder.path, environment: ["CRAWLER_FAULT": "link:EROFS:1"])
        defer { _ = daemon.terminate() }
        let port = try #require(daemon.waitFor { $0["event"] == "metrics" }.first?["port"].flatMap { Int($0) })
        let failed = daemon.waitFor(timeout: 20) { $0["event"] == "fetch" && $0["error"]?.contains("Read-only file system") == true }
        #expect(!failed.isEmpty, "\(daemon.logLines.suffix(5).map(\.fields))")
        let health = ask(port, "GET /healthz")
        #expect(health.hasPrefix("HTTP/1.1 503 ") && health.contains("store failing (news: store:"), "\(health)")
        #expect(ask(port, "GET /metrics").contains("crawler_store_failing 1"))
        var status = CrawlerProcess.Run(status: 0, stdout: "", stderr: "")
        for _ in 0..<30 {
            status = try CrawlerProcess.run(["status"], in: folder.path)
            if status.stdout.contains("store:     failing since") { break }
            usleep(200_000)
        }
        #expect(status.status == 1 && status.stdout.contains("Read-only file system"), "\(status.stdout)")
        // The next poll (after the interval or its back-off) stores its document: healthy again.
        let stored = daemon.waitFor(timeout: 40) { $0["event"] == "fetch" && $0["new"] == "1" }
        #expect(!stored.isEmpty)
        #expect(ask(port, "GET /healthz").hasPrefix("HTTP/1.1 200 "))
        #expect(ask(port, "GET /metrics").contains("crawler_store_failing 0"))
    }

    /// One request, its whole answer.
    private func ask(_ port: Int, _ line: String) -> String {
        guard let client = RawClient(port: port) else { return "" }
        client.send(Array("\(line) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
        return client.receive(timeout: 10).text
    }

    @Test func silentClientsNeitherDelayAScrapeNorTheCrawl() throws {
        let farm = FeedFarm(feeds: 1, itemsPerFeed: 2)
        let server = try farm.server()
        let (daemon, port) = try startDaemon(server, farm: farm)
        defer { _ = daemon.terminate() }
        // More than the server keeps at once: the oldest silent ones give way to newcomers.
        let silent = (0..<100).compactMap { _ in RawClient(port: port) }
        #expect(silent.count == 100)
        usleep(200_000)
        let scraped = scrape(port)
        #expect(scraped?.status == 200)
        // Behind the silent clients it would wait out their 5 s read deadlines.
        #expect((scraped?.seconds ?? 99) < 3, "the scrape took \(scraped?.seconds ?? -1) s")
        #expect(daemon.waitFor { $0["event"] == "fetch" && $0["new"] == "2" }.count == 1)
        #expect(folder.files(under: "store/posts").count == farm.distinctItems)
        // The last one connected is still held, until its read deadline passes: then it is closed.
        let start = Date()
        #expect(silent.last?.receive(timeout: 8).closed == true)
        #expect(Date().timeIntervalSince(start) < 7)
    }

    /// What scrapers send besides a plain GET: a query (`params:`), the absolute form, HEAD, a
    /// request line without a version; other methods are refused.
    @Test func requestsAsScrapersWriteThemAreAnswered() throws {
        let farm = FeedFarm(feeds: 1, itemsPerFeed: 2)
        let server = try farm.server()
        let (daemon, port) = try startDaemon(server, farm: farm)
        defer { _ = daemon.terminate() }
        func ask(_ line: String) -> String {
            guard let client = RawClient(port: port) else { return "" }
            client.send(Array((line + "\r\nHost: 127.0.0.1\r\n\r\n").utf8))
            return client.receive(timeout: 5).text
        }
        #expect(ask("GET /metrics?target=x HTTP/1.1").hasPrefix("HTTP/1.1 200 "))
        #expect(ask("GET http://127.0.0.1:\(port)/metrics HTTP/1.1").hasPrefix("HTTP/1.1 200 "))
        #expect(ask("GET /healthz").hasPrefix("HTTP/1.1 200 "))
        let head = ask("HEAD /metrics HTTP/1.1")
        #expect(head.hasPrefix("HTTP/1.1 200 ") && head.hasSuffix("\r\n\r\n"), "\(head.suffix(80))")
        #expect(ask("POST /metrics HTTP/1.1").hasPrefix("HTTP/1.1 405 "))
        // A line over 8 KB is refused however the reads cut it: one of 10 KB, whose end came in
        // the third 4 KB read, was answered.
        for length in [8_200, 10_000, 12_000] {
            let line = "GET /metrics?" + String(repeating: "a", count: length) + " HTTP/1.1"
            #expect(ask(line).hasPrefix("HTTP/1.1 414 "), "\(length)")
        }
    }

    @Test func aRequestOfAMegabyteIsRefusedWithoutGrowingTheDaemon() throws {
        let farm = FeedFarm(feeds: 1, itemsPerFeed: 2)
        let server = try farm.server()
        let (daemon, port) = try startDaemon(server, farm: farm)
        defer { _ = daemon.terminate() }
        daemon.waitFor { $0["event"] == "fetch" }
        let before = try #require(residentKilobytes(daemon.process.processIdentifier))
        let huge = Array("GET /".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        let answers = (0..<8).map { _ in
            let client = RawClient(port: port)
            client?.send(huge)
            return client?.receive(timeout: 5).text ?? ""
        }
        #expect(answers.allSatisfy { $0.hasPrefix("HTTP/1.1 414 ") }, "\(answers.map { $0.prefix(40) })")
        let after = try #require(residentKilobytes(daemon.process.processIdentifier))
        #expect(after - before < 4096, "resident memory grew from \(before) KB to \(after) KB")
        #expect(scrape(port)?.status == 200)
        #expect(folder.files(under: "store/posts").count == farm.distinctItems)
    }

    private func residentKilobytes(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
        return Int(line.split(separator: " ")[1])
    }
}

/// A plain TCP connection to 127.0.0.1, for what no HTTP client sends: nothing, or far too much.
final class RawClient {
    private let descriptor: Int32

    init?(port: Int) {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard descriptor >= 0, connected == 0 else {
            close(descriptor)
            return nil
        }
    }

    deinit {
        close(descriptor)
    }

    /// Sends what the server takes within 5 s; a server that stops reading ends it.
    func send(_ bytes: [UInt8]) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return }
            offset += sent
        }
    }

    /// What arrives until the server closes the connection or `timeout` seconds pass.
    func receive(timeout: Double) -> (text: String, closed: Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while case let left = deadline.timeIntervalSinceNow, left > 0 {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(left * 1000) + 1) > 0 else { continue }
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count <= 0 { return (String(decoding: received, as: UTF8.self), true) }
            received += chunk[..<count]
        }
        return (String(decoding: received, as: UTF8.self), false)
    }
}
