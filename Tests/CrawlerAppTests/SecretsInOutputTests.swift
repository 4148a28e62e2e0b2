import CrawlerTestKit
import Foundation
import Testing

/// A feed URL with credentials: the password must reach neither the logs nor the summary.
@Suite struct SecretsInOutputTests {
    let folder = TemporaryFolder()

    @Test func aFeedPasswordIsRedactedInLogsAndSummary() throws {
        let server = try LoopbackHTTPServer { request in
            request.path == "/private" ? ServedResponse(status: 500, text: "no")
                : ServedResponse(text: GoldenDocument.rssFeed(items: []))
        }
        let secretURL = server.url("/private").replacingOccurrences(of: "http://", with: "http://reader:s3cret-pw@")
        try folder.write("""
            store: ./out
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(secretURL)
                name: private
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once", "--log-level", "debug"], in: folder.path)
        #expect(run.status == 1)
        #expect(run.stdout.contains("ok    healthy"))
        #expect(run.stdout.contains("FAIL  private"))
        #expect(!run.stdout.contains("s3cret-pw"))
        #expect(!run.stderr.contains("s3cret-pw"))
        #expect(run.stderr.contains("reader:***@"))
        // The index keeps the URL: only the crawler's user may read it, and the lock likewise.
        for file in ["out/index.sqlite", "out/lock"] {
            let mode = try FileManager.default.attributesOfItem(atPath: folder.path + "/" + file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
    }

    /// libpq's key=value form with a quoted password, or spaces around `=`: the password was
    /// printed whole (after the mask) in the log line and the error (round 28).
    @Test(arguments: ["password='QUOTED SECRET1'", "password = SPACED_SECRET1"])
    func aDatabasePasswordWrittenAsLibpqAllowsIsMasked(password: String) throws {
        try folder.write("feeds:\n  - url: http://127.0.0.1:9/f.xml\n", to: "feeds.yaml")
        let dsn = "host=127.0.0.1 port=9 user=x \(password) connect_timeout=2"
        let run = try CrawlerProcess.run(["once"], in: folder.path,
                                         shellPrefix: "export CRAWLER_DATABASE_URL=\"\(dsn)\";")
        #expect(run.status != 0)
        #expect(run.stderr.contains("password") && run.stderr.contains("***"), "\(run.stderr)")
        #expect(!(run.stdout + run.stderr).contains("SECRET1"), "\(run.stderr)")
    }

    /// Round 61: `--node` without a database was ignored (the "node" crawled every feed into a
    /// store of its own), and CRAWLER_DATABASE_URL skipped the checks `database:` gets.
    @Test func aNodeNeedsADatabaseAndTheEnvironmentsDatabaseIsCheckedAsTheFilesIs() throws {
        try folder.write("store: ./store\nkeep: 90d\nfeeds:\n  - url: http://127.0.0.1:9/f.xml\n", to: "feeds.yaml")
        let node = try CrawlerProcess.run(["once", "--node", "zz"], in: folder.path, shellPrefix: "sed -i /keep/d feeds.yaml;")
        #expect(node.status == 2 && node.stderr.contains("--node names a node of a fleet, and feeds.yaml has no database:"),
                "\(node.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.file("store")))
        try folder.write("store: ./store\nkeep: 90d\nfeeds:\n  - url: http://127.0.0.1:9/f.xml\n", to: "feeds.yaml")
        let keep = try CrawlerProcess.run(["check"], in: folder.path,
                                          shellPrefix: "export CRAWLER_DATABASE_URL=postgresql://crawler@127.0.0.1:9/feeds;")
        #expect(keep.status == 2 && keep.stderr.contains("keep: a fleet's store (database:) keeps every document"), "\(keep.stderr)")
        let mysql = try CrawlerProcess.run(["check"], in: folder.path, shellPrefix: "export CRAWLER_DATABASE_URL=mysql://x@127.0.0.1/feeds;")
        #expect(mysql.status == 2 && mysql.stderr.contains("CRAWLER_DATABASE_URL: (in the environment) must be a PostgreSQL URL"),
                "\(mysql.stderr)")
    }

    /// Round 61: `--node` took a blank name, a tab, a zero-width space and 5,000 bytes, and `status`
    /// listed nodes no one could tell apart. Refused before the database is asked.
    @Test(arguments: [(" ", "is empty"), ("web1 ", "begins or ends with white space"), ("x\ty", "must be one line of text"),
                      ("a\u{200B}b", "holds an invisible character (U+200B)"),
                      (String(repeating: "n", count: 5_000), "is 5000 bytes long; a node's name may be 200 at most")])
    func aNodeNameNoOneCouldTellApartIsRefused(name: String, problem: String) throws {
        try folder.write("feeds:\n  - url: http://127.0.0.1:9/f.xml\n", to: "feeds.yaml")
        for command in ["once", "run"] {
            let run = try CrawlerProcess.run([command, "--node", name], in: folder.path,
                                             shellPrefix: "export CRAWLER_DATABASE_URL=postgresql://crawler@127.0.0.1:9/feeds;")
            #expect(run.status == 2 && run.stderr.contains("--node: ") && run.stderr.contains(problem), "\(run.stderr)")
            #expect(!run.stderr.contains("connect"), "\(run.stderr)")
        }
    }

    /// Round 42: a password holding an unescaped `@` (`crawler:hunter@TopSecret42@host`). The mask
    /// ran to the last `@`, libpq split at the first, and its "could not translate host name
    /// "TopSecret42@127.0.0.1"" printed the rest of the password (and asked DNS for it). Such a URL
    /// is refused before anything is sent, saying how to write it.
    @Test func aDatabaseURLWithAnUnescapedAtInItsPasswordIsRefusedUnsent() throws {
        try folder.write("feeds:\n  - url: http://127.0.0.1:9/f.xml\n", to: "feeds.yaml")
        let dsn = "postgresql://crawler:hunter@TopSecret42@127.0.0.1:9/feeds"
        for command in [["once"], ["status"]] {
            let run = try CrawlerProcess.run(command, in: folder.path, shellPrefix: "export CRAWLER_DATABASE_URL='\(dsn)';")
            #expect(run.status != 0)
            #expect(!(run.stdout + run.stderr).contains("TopSecret42"), "\(run.stderr)")
            #expect(!(run.stdout + run.stderr).contains("hunter"), "\(run.stderr)")
            #expect(run.stderr.contains("%40"), "\(run.stderr)")
        }
    }

    /// A Java session in a path parameter and a token whose name is percent-encoded were printed
    /// whole by `once` and `list`; a masked token took the `: ` after its URL with it.
    @Test func sessionsAndEncodedTokenNamesInFeedURLsAreMasked() throws {
        try folder.write("""
            store: ./out
            connect_timeout: 1s
            feeds:
              - url: http://127.0.0.1:9/feed;jsessionid=SESSION_SECRET_1
                name: a
              - url: http://127.0.0.1:9/feed?t%6fken=TOKEN_SECRET_2
                name: b
            """, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        let list = try CrawlerProcess.run(["list"], in: folder.path)
        let all = run.stdout + run.stderr + list.stdout + list.stderr
        #expect(!all.contains("SECRET_1") && !all.contains("SECRET_2"), "\(all)")
        #expect(run.stdout.contains("jsessionid=***: "), "\(run.stdout)")
    }

    /// Private feeds' other secrets in the query: an OAuth `code=`, a CAS `ticket=`, a forum's
    /// `hash=`, a tracker's `passkey=`/`authkey=`/`rsskey=` were printed whole.
    @Test func otherQuerySecretsInFeedURLsAreMasked() throws {
        let queries = ["code=CODE_SECRET_1", "ticket=TICKET_SECRET_2", "uid=7&hash=HASH_SECRET_3",
                       "passkey=PASSKEY_SECRET_4", "a=1&authkey=AUTHKEY_SECRET_5", "rsskey=RSSKEY_SECRET_6"]
        let feeds = queries.enumerated().map { "  - url: http://127.0.0.1:9/feed?\($1)\n    name: f\($0)\n" }.joined()
        try folder.write("store: ./out\nconnect_timeout: 1s\nfeeds:\n" + feeds, to: "feeds.yaml")
        let run = try CrawlerProcess.run(["once"], in: folder.path)
        let list = try CrawlerProcess.run(["list"], in: folder.path)
        let all = run.stdout + run.stderr + list.stdout + list.stderr
        #expect(!all.contains("_SECRET_"), "\(all)")
        #expect(all.contains("uid=7&hash=***"), "\(all)")
    }

    /// The index keeps each feed's URL to notice a changed one; it keeps it without the password,
    /// and the feed is still known as the same one on the next pass (its validators are sent back).
    @Test func theIndexKeepsNoPasswordAndTheFeedIsStillRecognised() throws {
        let server = try LoopbackHTTPServer { request in
            ServedResponse.conditional(request, etag: "\"v1\"", lastModified: nil,
                                       text: GoldenDocument.rssFeed(items: []))
        }
        let secretURL = server.url("/private").replacingOccurrences(of: "http://", with: "http://reader:s3cret-pw@")
        try folder.write("""
            store: ./out
            feeds:
              - url: \(server.url("/healthy"))
                name: healthy
              - url: \(secretURL)
                name: private
            """, to: "feeds.yaml")
        for _ in 0..<2 {
            let run = try CrawlerProcess.run(["once"], in: folder.path)
            #expect(run.status == 0)
            #expect(run.stdout.contains("ok    healthy"))
        }
        let second = server.requests.filter { $0.path == "/private" }.last
        #expect(second?.headers["if-none-match"] == "\"v1\"")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path + "/out")
            .filter { $0.hasPrefix("index.sqlite") }
        #expect(!files.isEmpty)
        for file in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/out/" + file))
            #expect(bytes.range(of: Data("s3cret-pw".utf8)) == nil, "\(file) holds the password")
        }
    }

    /// A feed without `name:` is named after its URL: after its host and path, never the
    /// password before the host, in the logs, the tables, the index or feeds.yaml (`add`).
    @Test func aNameTakenFromTheURLLeavesTheCredentialsOut() throws {
        let server = try LoopbackHTTPServer { _ in ServedResponse(text: GoldenDocument.rssFeed(items: [])) }
        let secretURL = server.url("/private").replacingOccurrences(of: "http://", with: "http://reader:s3cret-pw@")
        let addedURL = server.url("/added").replacingOccurrences(of: "http://", with: "http://adder:0th3r-pw@")
        try folder.write("store: ./out\nfeeds:\n  - url: \(server.url("/healthy"))\n    name: healthy\n"
                         + "  - url: \(secretURL)\n", to: "feeds.yaml")
        let added = try CrawlerProcess.run(["add", addedURL], in: folder.path)
        #expect(added.status == 0, "\(added.stderr)")
        var printed = added.stdout + added.stderr
        for command in [["once"], ["list"], ["status"], ["explain", "127.0.0.1:\(server.port)/private"]] {
            let run = try CrawlerProcess.run(command, in: folder.path)
            #expect(run.status == 0, "\(command): \(run.stderr.suffix(800))")
            printed += run.stdout + run.stderr
        }
        #expect(printed.contains("127.0.0.1:\(server.port)/private"))
        #expect(printed.contains("127.0.0.1:\(server.port)/added"))
        #expect(!printed.contains("s3cret-pw") && !printed.contains("0th3r-pw"), "\(printed)")
        let yaml = try #require(folder.read("feeds.yaml"))
        #expect(!yaml.contains("name: adder"), "\(yaml)")
        let index = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/out/index.sqlite"))
        #expect(index.range(of: Data("s3cret-pw".utf8)) == nil)
    }
}
