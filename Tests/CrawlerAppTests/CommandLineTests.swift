import CrawlerTestKit
import Foundation
import Testing

/// What every command shares: version, help, option values, counts.
@Suite struct CommandLineTests {
    let folder = TemporaryFolder()

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    @Test func versionIsPrinted() throws {
        let run = try crawler(["--version"])
        #expect(run.status == 0)
        #expect(run.stdout == "crawler 0.1.0\n")
    }

    @Test func helpForACommandThatDoesNotExistFails() throws {
        let run = try crawler(["help", "nosuch"])
        #expect(run.status == 64)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains("crawler: help: 'crawler nosuch' is not a command; commands: run, once, "))
        let nested = try crawler(["help", "store", "nosuch"])
        #expect(nested.status == 64)
        #expect(nested.stderr.contains("crawler: help: 'crawler store nosuch' is not a command; commands: verify, rebuild-index, forget"))
        let known = try crawler(["help", "once"])
        #expect(known.status == 0)
        #expect(known.stdout.contains("USAGE: crawler once"))
    }

    @Test func anUnknownLogFormatIsNamedWithTheCommandsUsage() throws {
        try folder.write("feeds: []\n", to: "feeds.yaml")
        let run = try crawler(["once", "--log-format", "xml"])
        #expect(run.status == 64)
        #expect(run.stderr.contains("Error: --log-format 'xml' is not logfmt or json"), "\(run.stderr)")
        #expect(run.stderr.contains("Usage: crawler once"))
        let level = try crawler(["run", "--log-level", "loud"])
        #expect(level.stderr.contains("Error: --log-level 'loud' is not one of: debug, info, notice, warning, error"))
        // Round 59: swift-log's own `trace` passed silently.
        let trace = try crawler(["once", "--log-level", "trace"])
        #expect(trace.status == 64 && trace.stderr.contains("--log-level 'trace' is not one of"), "\(trace.stderr)")
    }

    /// Round 60: JOURNAL_STREAM, inherited by a command whose stderr goes elsewhere (a file, a
    /// pipe), put `<6>` before each of its lines. Only a stream that is stderr is the journal's.
    @Test func onlyAJournalStreamThatIsStderrPrefixesPriorities() throws {
        try folder.write("feeds: []\n", to: "feeds.yaml")
        let journal = try CrawlerProcess.run(["once"], in: folder.path,
                                             shellPrefix: "exec 2>log.txt; export JOURNAL_STREAM=$(stat -c %d:%i log.txt);")
        #expect(journal.status == 0)
        #expect(folder.read("log.txt")?.hasPrefix("<") == true, "\(folder.read("log.txt") ?? "")")
        let elsewhere = try CrawlerProcess.run(["once"], in: folder.path, shellPrefix: "JOURNAL_STREAM=1:2")
        #expect(elsewhere.stderr.split(separator: "\n").allSatisfy { !$0.hasPrefix("<") }, "\(elsewhere.stderr)")
        #expect(elsewhere.stderr.contains("ts="), "\(elsewhere.stderr)")
    }

    @Test func countsOfOneAreSingular() throws {
        let feed = GoldenDocument.rssFeed(items: [try GoldenDocument.all()[0].rssItem])
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: feed) }
        try folder.write("store: ./store\nfeeds:\n  - url: \(server.url("/one"))\n    name: one\n", to: "feeds.yaml")
        let once = try crawler(["once"])
        #expect(once.stdout.contains("ok    one  200  1 new, 0 dup, 1 item, "), "\(once.stdout)")
        #expect(once.stdout.contains("total: 1 feed, 1 ok, 0 failed; 1 new document, 0 duplicates; "))
        #expect(try crawler(["check"]).stdout.contains("feeds.yaml: 1 feed, valid"))
    }
}
