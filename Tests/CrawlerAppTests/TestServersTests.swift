import CrawlerTestKit
import Foundation
import Testing

/// The servers the tests start must not keep other tests' descriptors: a pipe whose write end
/// a long-lived nginx or PostgreSQL inherited would never reach its end for the test reading it.
@Suite struct TestServersTests {
    @Test func nginxKeepsNoDescriptorOfTheTestProcess() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)  // without O_CLOEXEC, as Foundation's Pipe makes them
        let server = try NginxServer()
        defer { server.stop() }
        close(ends[1])
        var poller = pollfd(fd: ends[0], events: Int16(POLLIN), revents: 0)
        // With the write end closed here and nowhere else, the read end is at its end at once.
        let readable = poll(&poller, 1, 2_000) == 1
        #expect(readable, "the pipe's end never came: nginx holds its write end")
        var byte: UInt8 = 0
        if readable { #expect(read(ends[0], &byte, 1) == 0) }
        close(ends[0])
    }
}
