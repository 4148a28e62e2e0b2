@testable import Fetch
import Testing

@Suite struct HeaderTextTests {
    private func status(_ line: String) -> Int {
        Array(line.utf8).withUnsafeBytes { HeaderText.statusCode(ofStatusLine: $0) }
    }

    private func name(_ line: String) -> String {
        Array(line.utf8).withUnsafeBytes { HeaderText.lowercasedName($0[...]) }
    }

    @Test func readsTheStatusOfEveryShapeOfStatusLine() {
        #expect(status("HTTP/1.1 304 Not Modified\r\n") == 304)
        #expect(status("HTTP/1.0 200 OK\r\n") == 200)
        #expect(status("HTTP/2 301 \r\n") == 301)
        #expect(status("HTTP/2 200\r\n") == 200)
        #expect(status("HTTP/3 429") == 429)
    }

    @Test func aStatusLineWithoutThreeDigitsIsZero() {
        #expect(status("HTTP/1.1\r\n") == 0)
        #expect(status("HTTP/1.1 20 OK\r\n") == 0)
        #expect(status("HTTP/1.1 2000 OK\r\n") == 0)
        #expect(status("HTTP/1.1 abc\r\n") == 0)
    }

    @Test func namesAreLowerCasedByteForByte() {
        #expect(name("Content-Type") == "content-type")
        #expect(name("ETag") == "etag")
        #expect(name("X-Mixed-CASE-0123456789-Longer-Than-Fifteen") == "x-mixed-case-0123456789-longer-than-fifteen")
        #expect(name("") == "")
    }
}
