@testable import Fetch
import CCurl
import Glibc
import Testing

/// The fixed-position reading of an HTTP date must give what curl_getdate gives, and leave every
/// other spelling to it.
@Suite struct HTTPDateTests {
    @Test func everyFixdateReadsAsCurlReadsIt() throws {
        var generator = SystemRandomNumberGenerator()
        var moments: [Int] = [0, 59, 86_399, 951_782_400, 4_107_542_399, 253_402_300_799]  // 2000-02-29, 2100-02-28, 9999
        moments += (0..<3_000).map { _ in Int.random(in: 0...253_402_300_799, using: &generator) }
        for moment in moments {
            let text = Self.fixdate(moment)
            #expect(HTTPDate.imfFixdate(Array(text.utf8)) == Int64(moment), "\(text)")
            #expect(HTTPDate.seconds(text) == Int64(moment), "\(text)")
        }
    }

    @Test func otherSpellingsAreLeftToCurl() {
        let others = [
            "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 +0000",
            "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 gmt", "Sun, 31 Feb 2021 08:49:37 GMT",
            "Sun, 29 Feb 2100 00:00:00 GMT", "Sun, 06 Nov 1969 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:49:60 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nox 1994 08:49:37 GMT",
            "Sun, 0a Nov 1994 08:49:37 GMT", "not a date at all, not at all",
        ]
        for text in others {
            #expect(HTTPDate.imfFixdate(Array(text.utf8)) == nil, "\(text)")
            let curl = curl_getdate(text, nil)
            #expect(HTTPDate.seconds(text) == (curl == -1 ? nil : Int64(curl)), "\(text)")
        }
        #expect(HTTPDate.seconds("Sunday, 06-Nov-94 08:49:37 GMT") == 784_111_777)
        #expect(HTTPDate.seconds("not a date at all, not at all") == nil)
    }

    /// The date as servers write it, by the C library in the C locale.
    private static func fixdate(_ moment: Int) -> String {
        var time = time_t(moment), parts = tm()
        gmtime_r(&time, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let length = strftime(&buffer, buffer.count, "%a, %d %b %Y %H:%M:%S GMT", &parts)
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
