@testable import CrawlerApp
import FeedModel
import Logging
import Testing

@Suite struct LogfmtHandlerTests {
    private func line(_ metadata: Logger.Metadata) -> String {
        let sink = LineSink()
        let logger = Logger(label: "test") { _ in LogfmtHandler(level: .debug, sink: sink) }
        logger.info("fetch", metadata: metadata)
        return sink.captured.first.map { String($0.drop(while: { $0 != " " }).dropFirst()) } ?? ""
    }

    @Test func leadingKeysComeFirstAndTheRestInNameOrder() {
        #expect(line(["zeta": "1", "feed": "f", "alpha": "2", "status": "200"])
                == "level=info event=fetch feed=f status=200 alpha=2 zeta=1")
    }

    @Test func valuesAreQuotedOnlyWhenTheyMustBe() {
        #expect(line(["feed": "plain-Ünïcode"]) == "level=info event=fetch feed=plain-Ünïcode")
        #expect(line(["feed": ""]) == "level=info event=fetch feed=\"\"")
        #expect(line(["feed": "a b"]) == "level=info event=fetch feed=\"a b\"")
        #expect(line(["feed": "a=b"]) == "level=info event=fetch feed=\"a=b\"")
        #expect(line(["feed": "say \"hi\" \\o/"]) == "level=info event=fetch feed=\"say \\\"hi\\\" \\\\o/\"")
        #expect(line(["feed": "two\r\nlines"]) == "level=info event=fetch feed=\"two\\r\\nlines\"")
        #expect(line(["feed": "para\u{2029}graph"]) == "level=info event=fetch feed=\"para\\u2029graph\"")
    }

    /// A quoted libpq password holding an escaped quote: logfmt doubled its backslash before the
    /// line was redacted, and the rest of the password showed (round 29).
    @Test(arguments: [LogFormat.logfmt, .json])
    func aQuotedPasswordIsMaskedBeforeTheLineIsQuoted(format: LogFormat) {
        let sink = LineSink()
        let logger = Logger(label: "test") { _ in LogfmtHandler(level: .debug, sink: sink, format: format) }
        logger.error("database", metadata: ["database": "host=h password='it\\'s SECRET1' dbname=d"])
        let line = sink.captured.first ?? ""
        #expect(!line.contains("SECRET1") && line.contains("password=***"), "\(line)")
    }

    /// Round 66: a feed's 1 MB guid was a 1 MB value. Each value is cut to whole characters,
    /// saying how long it was; a password past the cut is masked before it.
    @Test func aLongValueIsCutToWholeCharactersAndSaysItsLength() {
        let value = String(repeating: "a", count: 4095) + "é" + String(repeating: "b", count: 10_000)
        let said = line(["item": .string(value)])
        #expect(said == "level=info event=fetch item=\"" + String(repeating: "a", count: 4095) + "… (14097 bytes in all)\"")
        let secret = line(["url": .string(String(repeating: "x", count: 5000) + " http://u:SECRET2@h/")])
        #expect(!secret.contains("SECRET2") && secret.contains("bytes in all"))
        #expect(line(["item": .string(String(repeating: "c", count: 4096))]) == "level=info event=fetch item=" + String(repeating: "c", count: 4096))
        // Counted as printed (r68): 1,000 ESC are 6,000 bytes of `\u001b`; cut at 4 KB of them, whole.
        let escapes = line(["stderr": .string(String(repeating: "\u{1B}", count: 1000))])
        #expect(escapes == "level=info event=fetch stderr=\"" + String(repeating: "\\u001b", count: 682) + "… (1000 bytes in all)\"")
    }

    /// Round 66: `added_feeds="alpha, beta,gamma"` could not be split back into its names.
    @Test func aReloadsListOfNamesSplitsBackIntoThem() {
        #expect(Daemon.names(["one", "two"]) == "one,two")
        #expect(Daemon.names(["alpha, beta", "gamma", "say \"hi\"", "back\\slash"])
                == #""alpha, beta",gamma,"say \"hi\"","back\\slash""#)
        #expect(Daemon.names((1...22).map { "f\($0)" }).hasSuffix(",f20 (2 more)"))
        // r68: twenty long names passed the log's 4 KB cut, which took their count with it.
        let long = Daemon.names((1...22).map { String(repeating: "n", count: 300) + "\($0)" })
        #expect(long.utf8.count < 4096 && long.hasSuffix(" more)"), "\(long.suffix(40))")
    }

    @Test func terminalEscapesAndControlsNeverReachTheLineRaw() {
        #expect(line(["feed": "\u{1B}[31mred"]) == "level=info event=fetch feed=\"\\u001b[31mred\"")
        #expect(line(["feed": "del\u{7F}c1\u{9B}"]) == "level=info event=fetch feed=\"del\\u007fc1\\u009b\"")
        #expect(line(["feed": "bidi\u{202E}exe\u{2066}"]) == "level=info event=fetch feed=\"bidi\\u202eexe\\u2066\"")
        #expect(line(["item": "spon\u{200B}sored\u{FEFF}"]) == "level=info event=fetch item=\"spon\\u200bsored\\ufeff\"")
        #expect(line(["item": "می\u{200C}خواهم"]) == "level=info event=fetch item=می\u{200C}خواهم")
    }

    @Test func jsonNumbersAreOnlyWhatJSONReadsAsNumbers() {
        for number in ["0", "200", "-3", "0.25", "1234567"] { #expect(LogJSON.isNumber(number), "\(number)") }
        for text in ["", "-", "007", "1.", ".5", "1e5", "12a", "NaN", "+1", "1.2.3"] { #expect(!LogJSON.isNumber(text), "\(text)") }
    }

    @Test func jsonLinesEscapeWhatATerminalActsOnToo() {
        let sink = LineSink()
        let logger = Logger(label: "test") { _ in LogfmtHandler(level: .debug, sink: sink, format: .json) }
        logger.info("fetch", metadata: ["feed": "\u{1B}]0;x\u{07}\u{9B}\u{202E}\u{2028}"])
        let line = sink.captured.first ?? ""
        #expect(line.contains(#""feed":"\u001b]0;x\u0007\u009b\u202e\u2028""#), "\(line)")
    }
}

@Suite struct SecretRedactionTests {
    @Test(arguments: [
        ("url=http://user:s3cret@host/feed", "url=http://user:***@host/feed"),
        ("postgresql://crawler:p@ss@db:5432/feeds failed", "postgresql://crawler:***@db:5432/feeds failed"),
        ("host=db password=s3cret user=x", "host=db password=*** user=x"),
        ("https://h/feed?a=1&PASSWORD=s3cret&b=2", "https://h/feed?a=1&PASSWORD=***&b=2"),
        ("mailto:a@b and http://user@host/", "mailto:a@b and http://***@host/"),
        // A password may hold `&`, `;` and quotes as written; a token alone is user info too.
        ("url=http://alice:PW&AMP-SECRET@127.0.0.1:18081/f1.xml", "url=http://alice:***@127.0.0.1:18081/f1.xml"),
        ("url=\"http://alice:p;w'x\"y@host/\" next", "url=\"http://alice:***@host/\" next"),
        ("url=http://TOKENONLY-SECRET@host/feed", "url=http://***@host/feed"),
        ("url=http://ghp_TOKEN:@host/feed", "url=http://***@host/feed"),
        // A private feed's token in its query: `password=` alone was masked.
        ("url=http://h/f?token=T1&access_token=T2&api_key=T3&passwd=T4&x=1", "url=http://h/f?token=***&access_token=***&api_key=***&passwd=***&x=1"),
        ("https://h/f?key=K1&sig=S1&id=7 client_secret=C1", "https://h/f?key=***&sig=***&id=7 client_secret=***"),
        // A signed URL's signature and credential (S3's, Google's).
        ("https://b/o?X-Amz-Credential=AK/x&X-Amz-Signature=S9&X-Goog-Signature=G9&jwt=J9&n=1",
         "https://b/o?X-Amz-Credential=***&X-Amz-Signature=***&X-Goog-Signature=***&jwt=***&n=1"),
        // libpq's quoted values and spaces around `=` (round 28: printed whole, or after the mask).
        ("host=h user=x password='QUOTED SECRET1': refused", "host=h user=x password=***: refused"),
        ("host=h password='it\\'s SECRET3' user=x", "host=h password=*** user=x"),
        ("host=h user=x password = SPACED_SECRET2 port=1", "host=h user=x password = *** port=1"),
        // Round 29: a backslash-escaped space, and double quotes libpq keeps as part of the password.
        ("host=h password=SEC\\ RET2 user=x", "host=h password=*** user=x"),
        ("host=h password=\"SECRET3\" user=x", "host=h password=*** user=x"),
        // Round 30: any white space libpq allows around `=`, and a quote inside an unquoted value.
        ("host=h password\t=\tTAB_SECRET1 user=x", "host=h password\t=\t*** user=x"),
        ("host=h password\r=CR_SECRET2 user=x", "host=h password\r=*** user=x"),
        ("host=h password=\u{0B}VT_SECRET3 user=x", "host=h password=\u{0B}*** user=x"),
        ("host=h password=a=b\"QUOTE_SECRET4 user=x", "host=h password=*** user=x"),
        // A session in a path parameter, a name written percent-encoded; the `: ` after a URL stays.
        ("http://h/feed;jsessionid=S1: Failed to connect", "http://h/feed;jsessionid=***: Failed to connect"),
        ("http://h/f?t%6fken=T2&PHPSESSID=P2 next", "http://h/f?t%6fken=***&PHPSESSID=*** next"),
        ("http://h/f?token=T3: Failed to connect", "http://h/f?token=***: Failed to connect"),
        // Our own log fields named `key` are not secrets; a query's `key` is.
        ("event=restart_needed key=store reason=x", "event=restart_needed key=store reason=x"),
        ("nothing here", "nothing here"),
    ])
    func passwordsNeverReachOutput(input: String, expected: String) {
        #expect(SecretRedaction.redact(input) == expected)
    }
}
