import CrawlerTestKit
import Foundation
import Testing

/// What feeds.yaml's mistakes look like to the operator, through the real binary. Nothing is
/// fetched from a file that does not load, the healthy feed beside the mistake included.
@Suite struct ConfigMessagesTests {
    let folder = TemporaryFolder()

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    private func refused(_ yaml: String, with message: String) throws {
        try ConfigRefusal.expect(yaml, with: message, in: folder)
    }

    /// A `timeout:` over 60 s (the README's advice for huge feeds) was refused for a fleet's
    /// `lease:` by a crawler with no `database:`; a fleet's lease is still checked against it.
    @Test func aLongTimeoutNeedsALeaseOnlyInAFleet() throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: GoldenDocument.rssFeed(items: [])) }
        try folder.write("store: ./store\ntimeout: 90s\nfeeds:\n  - url: \(server.url("/healthy"))\n", to: "feeds.yaml")
        let checked = try crawler(["check"])
        #expect(checked.status == 0, "\(checked.stderr)")
        try refused("store: ./store\ndatabase: postgresql://crawler@127.0.0.1:9/crawler\ntimeout: 90s\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:3: lease: 120s must be at least twice the timeout (90s): a node renews its leases between transfers")
    }

    /// Round 58: `interval: 2d` under `max_interval: 1d` passed `check` without a word, and the
    /// adaptive feed's first wait was 2d anyway. Refusing it would stop a running file from
    /// loading after an upgrade, so `check` notes it and the scheduler holds the start to the bounds.
    @Test func anIntervalOutsideItsAdaptiveBoundsIsNoted() throws {
        try folder.write("""
            store: ./store
            feeds:
              - url: http://127.0.0.1:9/a
                name: slow
                interval: 2d
                adaptive: true
                max_interval: 1d
              - url: http://127.0.0.1:9/b
                name: quick
                interval: 1m
                adaptive: true
                min_interval: 10m
                max_interval: 1h
              - url: http://127.0.0.1:9/c
                name: fixed
                interval: 2d
                max_interval: 1d
            """, to: "feeds.yaml")
        let checked = try crawler(["check"])
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stdout.contains("note: feed 'slow': interval 2d is above max_interval 1d; adaptive polling keeps it within 1d"),
                "\(checked.stdout)")
        #expect(checked.stdout.contains("note: feed 'quick': interval 1m is below min_interval 10m; adaptive polling keeps it at 10m or more"),
                "\(checked.stdout)")
        // Without `adaptive:` the bounds only cap what servers ask; the interval is the feed's.
        #expect(!checked.stdout.contains("feed 'fixed'"), "\(checked.stdout)")
    }

    /// Round 61: a password in the file's `database:` was used without a word, where the README
    /// says never in the file. Refusing it would stop a running fleet after an upgrade: `check`
    /// says so, and names where it belongs.
    @Test func aPasswordInTheFilesDatabaseURLIsNoted() throws {
        for url in ["postgresql://crawler:s3cret@127.0.0.1:9/feeds", "postgres://crawler@127.0.0.1:9/feeds?password=s3cret"] {
            try folder.write("store: ./store\ndatabase: \(url)\nfeeds:\n  - url: http://127.0.0.1:9/a\n", to: "feeds.yaml")
            let checked = try crawler(["check"])
            #expect(checked.status == 0, "\(checked.stderr)")
            #expect(checked.stdout.contains("note: database: holds a password; put it in PGPASSWORD or ~/.pgpass, "
                                            + "which keep it out of this file"), "\(checked.stdout)")
            #expect(!checked.stdout.contains("s3cret") && !checked.stderr.contains("s3cret"), "\(checked.stdout)")
        }
        try folder.write("store: ./store\ndatabase: postgresql://crawler@127.0.0.1:9/feeds\nfeeds:\n  - url: http://127.0.0.1:9/a\n",
                         to: "feeds.yaml")
        #expect(!(try crawler(["check"])).stdout.contains("password"))
    }

    @Test func aNumberWithoutUnitIsRefusedWithAHint() throws {
        try refused("store: ./store\ninterval: 30\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:2: interval: '30' has no unit; write 30s or 30m (seconds or minutes)")
        try refused("feeds:\n  - url: SERVER/healthy\n    interval: 90\n",
                    with: "feeds.yaml:3: feeds[0].interval: '90' has no unit; write 90s or 90m (seconds or minutes)")
    }

    /// Round 23: `interval: 5ms` was taken (listed as "every 0s", the feed polled as fast as it
    /// answered), `1h30m1h` read as 2h30m, and `5M` as five minutes; `0s` was "not a duration".
    @Test func anIntervalUnderASecondOrWrittenLooselyIsRefused() throws {
        let cases = [
            ("feeds:\n  - url: SERVER/healthy\n    interval: 5ms\n",
             "feeds.yaml:3: feeds[0].interval: '5ms' is under a second; the shortest is 1s"),
            ("min_interval: 500ms\nfeeds:\n  - url: SERVER/healthy\n",
             "feeds.yaml:1: min_interval: '500ms' is under a second; the shortest is 1s"),
            ("interval: 1h30m1h\nfeeds:\n  - url: SERVER/healthy\n",
             "feeds.yaml:1: interval: '1h30m1h' is not a duration; use forms like 45s, 15m, 2h30m, 1d (lowercase units, each once, largest first)"),
            ("interval: 5M\nfeeds:\n  - url: SERVER/healthy\n",
             "feeds.yaml:1: interval: '5M' is not a duration; use forms like 45s, 15m, 2h30m, 1d (lowercase units, each once, largest first)"),
            ("interval: 0s\nfeeds:\n  - url: SERVER/healthy\n", "feeds.yaml:1: interval: '0s' must be more than zero"),
        ]
        for (yaml, message) in cases { try refused(yaml, with: message) }
    }

    /// Round 23: a feed name of 5 MB was taken and written into every row and log line of its
    /// feed (the index grew by 50 MB), and a URL of megabytes with it.
    @Test func aNameOrURLOfMegabytesIsRefused() throws {
        let long = String(repeating: "n", count: 1_001), path = String(repeating: "a", count: 1_200)
        try refused("feeds:\n  - url: SERVER/healthy\n    name: \(long)\n",
                    with: "feeds.yaml:3: feeds[0].name: is 1001 bytes long; a feed's name may be 1000 at most")
        try refused("feeds:\n  - url: http://example.org/\(path)\n",
                    with: "feeds.yaml:2: feeds[0].name: is 1212 bytes long; a feed's name may be 1000 at most "
                        + "(made from its url's host and path: give the feed a shorter name:)")
        let url = "http://example.org/" + String(repeating: "a", count: 9_000)
        try refused("feeds:\n  - url: SERVER/healthy\n  - url: \(url)\n    name: huge\n",
                    with: "feeds.yaml:3: feeds[1].url (feed 'huge'): '\(url.prefix(60))…' is 9019 bytes long; a feed's url may be 8192 at most")
    }

    /// Round 25: a proxy of a scheme libcurl has not (`ftp://`) passed `check`, and every feed then
    /// failed; a header given twice in two cases was sent twice; a Latin-1 byte was refused with
    /// no line.
    @Test func aProxySchemeAHeaderTwiceAndALegacyByteAreNamed() throws {
        try refused("proxy: ftp://proxy.example:3128\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:1: proxy: 'ftp://proxy.example:3128': ftp:// is no proxy scheme; use one of "
                        + "http, https, socks4, socks4a, socks5, socks5h")
        // Round 26: without `://` a misspelt scheme was taken for a host name.
        for typo in ["socks5h//127.0.0.1:1080", "https:127.0.0.1:3128", "socks5h:"] {
            try refused("proxy: '\(typo)'\nfeeds:\n  - url: SERVER/healthy\n",
                        with: "feeds.yaml:1: proxy: '\(typo)' is neither host:port nor scheme://host:port (e.g. socks5h://127.0.0.1:1080)")
        }
        try folder.write("proxy: proxy.example:3128\nfeeds:\n  - url: http://example.org/f\n    proxy: reader:pw@[::1]:1080\n", to: "feeds.yaml")
        #expect(try crawler(["check"]).status == 0)
        try refused("feeds:\n  - url: SERVER/healthy\n    headers: {X-Key: aaa, x-key: bbb}\n",
                    with: "feeds.yaml:3: feeds[0].headers.x-key: is the header X-Key again (header names know no case); give it once")
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: GoldenDocument.rssFeed(items: [])) }
        let latin1 = Data("feeds:\n  - url: \(server.url("/healthy"))\n    author: Ren".utf8) + Data([0xE9]) + Data("\n".utf8)
        try latin1.write(to: URL(fileURLWithPath: folder.file("feeds.yaml")))
        let run = try crawler(["check"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("crawler: feeds.yaml:3: is not UTF-8 text: 0xE9 at column 16"), "\(run.stderr)")
        // Columns count characters, as YAML's own messages do (round 26: it counted bytes).
        let wide = Data("feeds:\n  - url: \(server.url("/healthy"))\n    author: 日本".utf8) + Data([0xFF]) + Data("\n".utf8)
        try wide.write(to: URL(fileURLWithPath: folder.file("feeds.yaml")))
        #expect(try crawler(["check"]).stderr.contains("feeds.yaml:3: is not UTF-8 text: 0xFF at column 15"))
        #expect(server.requests.isEmpty)
    }

    /// Round 23: two URLs apart only in their query got one name, and the message spoke of a
    /// name the operator never wrote.
    @Test func aNameMadeTwiceFromURLsIsSaidToBeMadeFromThem() throws {
        try refused("feeds:\n  - url: http://example.org/feed?cat=1\n  - url: http://example.org/feed?cat=2\n",
                    with: "feeds.yaml:3: feeds[1].name: name 'example.org/feed' (made from its url's host and path, without "
                        + "the query) is already used by the feed on line 2; names must be unique: give one of them a name:")
        try refused("feeds:\n  - url: SERVER/a\n    name: x\n  - url: SERVER/b\n    name: x\n",
                    with: "feeds.yaml:4: feeds[1].name: name 'x' is already used by the feed on line 2; names must be unique")
    }

    @Test func aURLWithASpaceIsNamedForTheSpace() throws {
        try refused("feeds:\n  - url: SERVER/healthy\n  - url: http://example.org/my feed.xml\n",
                    with: "feeds.yaml:3: feeds[1].url: 'http://example.org/my feed.xml' contains a space; "
                        + "write a space in a URL as %20")
    }

    /// A line break or tab in a URL (`"\\n"` in YAML, `&#10;` in an imported OPML) passed the check,
    /// and `list` printed the URL across two lines. It is refused, shown escaped.
    @Test func aURLWithALineBreakOrTabIsRefused() throws {
        try refused("feeds:\n  - url: SERVER/healthy\n  - url: \"http://example.org/a\\nb.xml\"\n",
                    with: "feeds.yaml:3: feeds[1].url: 'http://example.org/a\\nb.xml' holds a line break or another "
                        + "control character; write it as %0A, %09...")
        try refused("feeds:\n  - url: SERVER/healthy\n  - url: \"http://example.org/a\\tb.xml\"\n",
                    with: "feeds.yaml:3: feeds[1].url: 'http://example.org/a\\tb.xml' holds a line break or another "
                        + "control character; write it as %0A, %09...")
    }

    /// A control character in a category (`add --categories` took one) made `export-opml` write
    /// `&#x1;`, which no XML reader accepts.
    @Test func aCategoryWithAControlCharacterIsRefused() throws {
        try refused("feeds:\n  - url: SERVER/healthy\n    categories: [\"ok\", \"a\\u0001b\"]\n",
                    with: "feeds.yaml:3: feeds[0].categories: each must be one line of text, without line breaks, "
                        + "tabs or other C0 controls")
    }

    /// Documents under the store's own `assets/` were stored, then indexed by no rebuild (its walk
    /// passes over assets/): rebuild-index emptied the index. The store's own names are refused.
    @Test func aDocumentPathInTheStoresOwnFoldersIsRefused() throws {
        for first in ["assets", "runtime", "index.sqlite-wal"] {
            try refused("document_path: \(first)/{year}/{hash}.md\nfeeds:\n  - url: SERVER/healthy\n",
                        with: "feeds.yaml:1: document_path: '\(first)/{year}/{hash}.md' must start with a folder of its own "
                            + "(e.g. posts/), not tmp, assets, lock, runtime or index.sqlite")
        }
    }

    @Test func oneFeedWrittenTwoWaysIsADuplicate() throws {
        try refused("feeds:\n  - url: SERVER/healthy\n    name: a\n  - url: HTTP://Example.org:80/feed#top\n"
                        + "    name: b\n  - url: http://example.org/feed\n    name: c\n",
                    with: "feeds.yaml:6: feeds[2].url: duplicate of the feed on line 4: http://example.org/feed")
    }

    /// Numbers too large for the crawler's integers trapped (SIGILL) in `check`, `once` and a
    /// daemon's reload; they are mistakes in the file like any other.
    @Test func sizesAndDurationsBeyondAnyUseAreRefused() throws {
        try refused("max_body_size: 8589934592GB\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:1: max_body_size: '8589934592GB' is larger than 1TB")
        // Durations need their unit; sizes did not, and `max_body_size: 32` was 32 bytes (every feed failed).
        try refused("max_body_size: 32\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:1: max_body_size: '32' has no unit; write 32B, 32KB or 32MB")
        // Round 58: `0` was told to write `0B`, which was then "not a size"; the 1TB the messages name could not be written.
        try refused("max_body_size: 0\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:1: max_body_size: '0' is no size at all; give one above 0, such as 512KB or 32MB")
        try refused("max_image_size: 0B\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:1: max_image_size: '0B' is no size at all; give one above 0, such as 512KB or 32MB")
        try refused("max_body_size: 2TB\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:1: max_body_size: '2TB' is larger than 1TB")
        try folder.write("store: ./store\nmax_body_size: 1tb\nfeeds:\n  - url: http://127.0.0.1:9/feed\n", to: "feeds.yaml")
        let tera = try crawler(["check"])
        #expect(tera.status == 0, "\(tera.stderr)")
        // Round 58/59: an image that is no URL was left out of every document without a word, and a
        // javascript: assets_url was written into kept images' src.
        try refused("default_image: img.png\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:1: default_image: 'img.png' is not an http:// or https:// URL")
        try refused("feeds:\n  - url: SERVER/healthy\n    name: h\n    image: \"javascript:alert(1)\"\n",
                    with: "feeds.yaml:4: feeds[0].image (feed 'h'): 'javascript:alert(1)' is not an http:// or https:// URL")
        try refused("assets_url: \"javascript:alert(1)/\"\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:1: assets_url: 'javascript:alert(1)/' has the scheme javascript:; write a path (/assets/) or an http(s) URL")
        let spread = try crawler(["run", "--startup-spread", "5"])
        #expect(spread.status == 64 && spread.stderr.contains("--startup-spread '5' is not a duration; write it with its unit"), "\(spread.stderr)")
        // Round 58: a spread of years was taken without a word; a mistake printed the top-level usage.
        #expect(spread.stderr.contains("Usage: crawler run"), "\(spread.stderr)")
        // Round 60: a negative spread read as "Missing value for '--startup-spread'".
        let negative = try crawler(["run", "--startup-spread", "-5s"])
        #expect(negative.status == 64 && negative.stderr.contains("--startup-spread '-5s' is negative; write 0s"), "\(negative.stderr)")
        let years = try crawler(["run", "--startup-spread", "3650d"])
        #expect(years.status == 64 && years.stderr.contains("--startup-spread 3650d is longer than a day"), "\(years.stderr)")
        try refused("max_backlog_bytes: infMB\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:1: max_backlog_bytes: 'infMB' is not a size; use forms like 512KB, 32MB")
        try refused("host_gap: 99999999999999999999d\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:1: host_gap: '99999999999999999999d' is longer than 36500d (100 years)")
        try refused("feeds:\n  - url: SERVER/healthy\n    parse_time_limit: 40000d\n",
                    with: "feeds.yaml:3: feeds[0].parse_time_limit: '40000d' is longer than 36500d (100 years)")
        try refused("feeds:\n  - url: SERVER/healthy\n    keep: 99999999999999999999d\n",
                    with: "feeds.yaml:3: feeds[0].keep: '99999999999999999999d' is longer than 36500d (100 years)")
    }

    /// A name heads rows of `list` and `status` and names the feed in every log line.
    @Test func blankNamesAndNamesOverSeveralLinesAreRefused() throws {
        try refused("feeds:\n  - url: SERVER/healthy\n    name: \"  \"\n",
                    with: "feeds.yaml:3: feeds[0].name: is empty; give the feed a name or leave name: out")
        try refused("feeds:\n  - url: SERVER/healthy\n    name: \"a\\nb\"\n",
                    with: "feeds.yaml:3: feeds[0].name: must be one line of text, without line breaks, tabs or other C0 controls")
        // Round 54: U+2028 was refused as a "C0 control".
        try refused("feeds:\n  - url: SERVER/healthy\n    name: \"a\\u2028b\"\n",
                    with: "feeds.yaml:3: feeds[0].name: must be one line of text: it holds U+2028, Unicode's line separator")
    }

    /// Round 38: a 100 KB header value passed the check and was sent, and the feed failed with
    /// "HTTP 431", which named neither the header nor feeds.yaml. Servers refuse header lines over
    /// 8 KB (nginx, Apache): such a value is refused with its line, as a cookie string is.
    @Test func aHeaderOrCookieValueNoServerTakesIsRefusedWithItsLine() throws {
        let long = String(repeating: "v", count: 9000)
        try refused("feeds:\n  - url: SERVER/healthy\n    headers: {X-Big: \(long)}\n",
                    with: "feeds.yaml:3: feeds[0].headers.X-Big: is 9000 bytes; servers refuse a header line over "
                        + "8 KB (nginx, Apache), so the feed could never be fetched")
        try refused("headers: {X-Big: \(long)}\nfeeds:\n  - url: SERVER/healthy\n",
                    with: "feeds.yaml:1: headers.X-Big: is 9000 bytes; servers refuse a header line over "
                        + "8 KB (nginx, Apache), so the feed could never be fetched")
        try refused("feeds:\n  - url: SERVER/healthy\n    cookies: \"a=\(long)\"\n",
                    with: "feeds.yaml:3: feeds[0].cookies: is 9002 bytes; servers refuse a header line over "
                        + "8 KB (nginx, Apache), so the feed could never be fetched")
    }

    /// Round 48: libyaml's words name its own state ("did not find expected '-' indicator"), and
    /// an unclosed quote was reported at the file's last line. Each message now says the likely
    /// edit, and where the quote opened.
    @Test(arguments: [
        ("feeds:\n  - url: SERVER/healthy\n\tname: a\n",
         "feeds.yaml:3: YAML syntax: found a tab character that violates indentation (column 1); indent with spaces"),
        ("feeds:\n  - url: SERVER/healthy\n     name: a\n",
         "feeds.yaml:3: YAML syntax: mapping values are not allowed in this context (column 10); this line is indented more"),
        ("feeds:\n  - url: SERVER/healthy\n  name: a\n",
         "feeds.yaml:3: YAML syntax: did not find expected '-' indicator (column 3); this line's indentation does not match"),
        ("feeds:\n  - url: SERVER/healthy\n    categories: \"news\n  - url: SERVER/other\n",
         "feeds.yaml:5: YAML syntax: found unexpected end of stream (column 1); a quote opened on line 3 is not closed"),
    ])
    func aYAMLSyntaxErrorSaysWhatEditCausedIt(_ text: String, _ expected: String) throws {
        try folder.write(text.replacingOccurrences(of: "SERVER", with: "http://127.0.0.1:1"), to: "feeds.yaml")
        let run = try crawler(["check"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("crawler: " + expected), "\(run.stderr)")
    }

    @Test func aKeyGivenTwiceIsNamedWithItsLine() throws {
        try refused("feeds:\n  - url: SERVER/healthy\n    name: a\n    name: b\n",
                    with: "feeds.yaml:3: name: given more than once in one mapping (again on line 4); keep one")
    }

    @Test func aConfigurationThatIsAFolderIsSaidToBeOne() throws {
        try FileManager.default.createDirectory(atPath: folder.path + "/feeds.yaml", withIntermediateDirectories: true)
        let run = try crawler(["check"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("crawler: feeds.yaml: is a folder; pass the feeds.yaml inside it with --config PATH"),
                "\(run.stderr)")
    }

    /// Round 68: a FIFO or /dev/zero as feeds.yaml was refused as "You don't have permission".
    @Test func aFeedsFileThatIsNoFileSaysWhatItIs() throws {
        #expect(mkfifo(folder.file("fifo.yaml"), 0o600) == 0)
        try FileManager.default.createSymbolicLink(atPath: folder.file("zero.yaml"), withDestinationPath: "/dev/zero")
        for (name, kind) in [("fifo.yaml", "a FIFO"), ("zero.yaml", "a character device")] {
            let check = try crawler(["check", "--config", name])
            #expect(check.status != 0)
            #expect(check.stderr.contains("\(name): is \(kind), not a file"), "\(check.stderr)")
        }
    }
}
