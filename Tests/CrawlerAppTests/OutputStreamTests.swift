import CrawlerTestKit
import Foundation
import Testing

/// Round 57: `status` and `store verify` died of SIGPIPE when their reader closed early (a
/// monitoring script's `| head -5`), so 141 replaced their exit status; `once >/dev/full` lost its
/// summary and exited 0.
@Suite struct OutputStreamTests {
    let folder = TemporaryFolder()

    /// `script` run by bash in the folder, `$CRAWLER` the binary; its stdout.
    private func shell(_ script: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        process.environment = ["CRAWLER": CrawlerProcess.binary, "PATH": "/usr/bin:/bin"]
        process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aReaderThatClosesEarlyLeavesTheExitStatus() throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/gone" ? ServedResponse(status: 410, body: [])
                : ServedResponse(text: AlertTests.rss(["h"]))
        }
        var yaml = "store: ./store\nfeeds:\n  - url: \(server.url("/healthy"))\n    name: healthy\n"
        for index in 0..<20 { yaml += "  - url: \(server.url("/gone"))?n=\(index)\n    name: gone\(index)\n" }
        try folder.write(yaml, to: "feeds.yaml")
        _ = try CrawlerProcess.run(["once"], in: folder.path)
        // A reader gone before the first line.
        let failing = try shell("\"$CRAWLER\" status --failing | true; echo ${PIPESTATUS[0]}")
        let unpiped = try shell("\"$CRAWLER\" status --failing >/dev/null; echo $?")
        #expect(failing == unpiped && ["0", "1"].contains(failing), "status --failing exited \(failing), \(unpiped) unpiped")
        let verify = try shell("\"$CRAWLER\" store verify | true; echo ${PIPESTATUS[0]}")
        #expect(verify == "0", "store verify exited \(verify)")
        let full = try shell("\"$CRAWLER\" once --feed healthy >/dev/full; echo $?")
        #expect(full == "1", "once >/dev/full exited \(full)")
        #expect(folder.files(under: "store/posts").count == 1)
    }

    /// `parse -` with stdin closed or a folder trapped in Foundation, with a stack trace.
    @Test func parseSaysWhyStdinCannotBeRead() throws {
        let closed = try shell("\"$CRAWLER\" parse - <&- 2>&1; echo \"rc=$?\"")
        #expect(closed.hasPrefix("crawler: cannot read the feed from stdin: ") && closed.hasSuffix("rc=1"), "\(closed)")
        let folder = try shell("\"$CRAWLER\" parse - < /tmp 2>&1; echo \"rc=$?\"")
        #expect(folder == "crawler: cannot read the feed from stdin: Is a directory\nrc=1", "\(folder)")
    }

    /// Round 57: a bare `crawler` (a timer line that lost its arguments) printed the help and exited 0.
    @Test func noCommandIsAUsageError() throws {
        let bare = try shell("\"$CRAWLER\" 2>&1 >/dev/null | head -1; echo \"rc=${PIPESTATUS[0]}\"")
        #expect(bare.hasPrefix("OVERVIEW: Fetches RSS") && bare.hasSuffix("rc=64"), "\(bare)")
        let help = try shell("\"$CRAWLER\" --help >/dev/null; echo \"rc=$?\"")
        #expect(help == "rc=0")
    }
}
