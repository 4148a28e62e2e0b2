import CrawlerTestKit
import Foundation
import Testing

/// Round 57: under a hard open-file limit of 32 to 80 (`LimitNOFILE=`, `docker --ulimit`), nearly
/// every connect failed with EMFILE, logged as "Couldn't connect to server" against each feed and
/// backed off, the healthy feed's included. The transfers at once now fit the limit, said once.
@Suite struct OpenFileLimitTests {
    let folder = TemporaryFolder()

    @Test func aLowHardLimitSlowsTheCrawlButFailsNoFeed() throws {
        let server = try OneItemFeeds.server()
        var yaml = "store: ./store\nconcurrency: 48\nper_host_concurrency: 48\nhost_gap: 0s\nallow_private_networks: true\n"
            + "feeds:\n  - url: \(server.url("/healthy"))\n    name: healthy\n"
        for index in 0..<150 { yaml += "  - url: \(server.url("/feed\(index)"))\n    name: feed\(index)\n" }
        try folder.write(yaml, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path, shellPrefix: "ulimit -n 40;")
        #expect(run.status == 0, "\(run.stdout.suffix(1500))")
        #expect(run.stdout.contains("151 ok, 0 failed"), "\(run.stdout.suffix(1500))")
        #expect(folder.files(under: "store/posts").count == 151)
        let warning = run.stderr.split(separator: "\n").map { LogLine(String($0)) }.filter { $0["event"] == "open_file_limit" }
        #expect(warning.count == 1 && warning.first?["limit"] == "40" && warning.first?["concurrency"] == "48", "\(run.stderr.prefix(2000))")
    }

    /// Round 57: under `ulimit -v` of 150–190 MB `once` hung without a line. A limit under what
    /// the crawler maps is said at start, so that a hang has its reason in the log.
    @Test func aLowAddressSpaceLimitIsSaidAtStart() throws {
        let server = try OneItemFeeds.server()
        try folder.write("store: ./store\nfeeds:\n  - url: \(server.url("/healthy"))\n    name: healthy\n", to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path, shellPrefix: "ulimit -v 450000;")
        #expect(run.status == 0, "\(run.stderr.suffix(1500))")
        let said = run.stderr.split(separator: "\n").map { LogLine(String($0)) }.filter { $0["event"] == "process_limit" }
        #expect(said.count == 1 && said.first?["limit"] == "address space 439 MB (ulimit -v, LimitAS=)", "\(run.stderr.prefix(1500))")
        let plain = try CrawlerProcess.run(["once"], in: folder.path)
        #expect(!plain.stderr.contains("process_limit"))
    }
}
