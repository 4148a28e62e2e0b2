import CrawlerTestKit
import Foundation
import Testing

/// libpq's messages come from the database server (or whatever answers in its place) and span
/// lines: `…Connection refused` and a tab-indented `Is the server running…`. Printed as they
/// came, the human `crawler:` line broke into several, and a server could write a whole line of
/// its own that read as the crawler's log (round 66: `ts=… level=info event=fetch feed=forged`).
@Suite struct DatabaseErrorLinesTests {
    let folder = TemporaryFolder()

    @Test func aDatabasesMessageStaysOnItsLine() throws {
        try folder.write("""
            store: ./store
            database: "postgresql://u@127.0.0.1:1/db?connect_timeout=2"
            feeds:
              - url: http://127.0.0.1:1/feed
                name: one
            """, to: "feeds.yaml")
        for command in [["once"], ["status"]] {
            let run = try CrawlerProcess.run(command, in: folder.path)
            #expect(run.status != 0, "\(command): \(run.stdout)")
            let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
            #expect(lines.contains { $0.hasPrefix("crawler: ") && $0.contains("cannot connect") && $0.contains("refused") },
                    "\(command): \(run.stderr)")
            #expect(lines.allSatisfy { $0.hasPrefix("ts=") || $0.hasPrefix("crawler: ") }, "\(command): \(run.stderr)")
        }
    }

    /// The operator's own argument, quoted back in the same line, is held to it too.
    @Test func aFeedNameAskedForStaysOnItsLine() throws {
        try folder.write("store: ./store\nfeeds:\n  - url: http://127.0.0.1:1/feed\n    name: one\n", to: "feeds.yaml")
        _ = try CrawlerProcess.run(["once"], in: folder.path)
        let run = try CrawlerProcess.run(["explain", "x\nts=0 level=error event=forged"], in: folder.path)
        #expect(run.status != 0)
        let lines = run.stderr.split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.contains { $0.contains("no feed named or at 'x\\u000ats=0") }, "\(run.stderr)")
        #expect(lines.allSatisfy { $0.hasPrefix("ts=") || $0.hasPrefix("crawler: ") }, "\(run.stderr)")
    }
}
