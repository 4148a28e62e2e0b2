import Foundation
import Testing

/// The harness that runs the binary: what a child prints must never hold the child up.
@Suite struct CrawlerProcessTests {
    @Test func aChildFillingItsStderrBeforeItsStdoutEndsIsCollected() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        // 256 KB of log lines while stdout is still open: four times a pipe's buffer.
        process.arguments = ["-c", "for i in $(seq 4096); do printf '%063d\\n' $i >&2; done; echo done"]
        let run = try CrawlerProcess.collect(process)
        #expect(run.status == 0)
        #expect(run.stdout == "done\n")
        #expect(run.stderr.utf8.count == 4096 * 64)
    }
}
