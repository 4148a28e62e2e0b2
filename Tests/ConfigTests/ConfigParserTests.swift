@testable import Config
import FeedModel
import Testing

@Suite struct ConfigParserTests: ParsesConfig {
    let parser = Self.testParser

    @Test func readsEveryDocumentedKey() throws {
        let config = try parser.parse("""
            store: ./store
            interval: 30m
            concurrency: 32
            user_agent: "crawler/0.1 (+https://example.org/about-our-crawler)"
            timeout: 30s
            feeds:
              - url: https://rsshub.example/sina/finance
                name: sina-china
                categories: [金融, 新浪财经, 新浪财经－国內]
                author: 新浪财经
                image: https://example.org/default.png
                interval: 15m
              - url: https://example.org/blog/feed.xml
            """)
        #expect(config.storePath == "/srv/crawler/store")
        #expect(config.interval == 1800)
        #expect(config.concurrency == 32)
        #expect(config.timeout == 30)
        #expect(config.userAgent == "crawler/0.1 (+https://example.org/about-our-crawler)")
        let first = config.feeds[0]
        #expect(first.name == "sina-china")
        #expect(first.categories == ["金融", "新浪财经", "新浪财经－国內"])
        #expect(first.author == "新浪财经")
        #expect(first.image == "https://example.org/default.png")
        #expect(first.interval == 900)
        #expect(first.line == 7)
        #expect(config.feeds[1].name == "example.org/blog/feed.xml")
        #expect(config.feeds[1].interval == 1800)
    }

    @Test func namesLineAndKeyOfABadDuration() {
        let problem = error("""
            feeds:
              - url: https://example.org/a
                interval: 15x
            """)
        #expect(problem?.line == 3)
        #expect(problem?.key == "feeds[0].interval")
        #expect(problem?.description.contains("'15x' is not a duration") == true)
    }

    @Test func suggestsTheKeyAMisspeltOneMeant() {
        let problem = error("intervall: 5m\nfeeds: []\n")
        #expect(problem?.line == 1)
        #expect(problem?.message.contains("did you mean 'interval'") == true)
    }

    @Test func namesTheLineOfAFeedsMisspeltKeyAndOfAListWhereAValueBelongs() {
        let misspelt = error("""
            feeds:
              - url: https://a.example/f
              - url: https://b.example/f
                name: b
                categries: [news]
            """)
        #expect(misspelt?.line == 5)
        #expect(misspelt?.key == "feeds[1].categries")
        #expect(misspelt?.message.contains("did you mean 'categories'") == true)
        let list = error("feeds:\n  - url: https://a.example/f\n    author: [a, b]\n")
        #expect(list?.line == 3)
        #expect(list?.key == "feeds[0].author")
        #expect(list?.message.contains("must be a single value") == true)
    }

    @Test func readsTheFleetSettingsAndRejectsWhatCannotWork() throws {
        let config = try parser.parse("database: postgresql://crawler@db.internal/feeds\nlease: 5m\nfeeds: []\n")
        #expect(config.database == "postgresql://crawler@db.internal/feeds")
        #expect(config.lease == 300)
        let notAURL = error("database: host=db dbname=feeds\nfeeds: []\n")
        #expect(notAURL?.key == "database")
        #expect(notAURL?.line == 1)
        #expect(notAURL?.message.contains("PGPASSWORD") == true)
        let shortLease = error("timeout: 30s\nlease: 40s\nfeeds: []\n")
        #expect(shortLease?.key == "lease")
        #expect(shortLease?.line == 2)
        #expect(shortLease?.message.contains("at least twice the timeout") == true)
    }

    @Test func readsAllowPrivateNetworksGloballyAndPerFeedTheFeedWinning() throws {
        let config = try parser.parse("""
            allow_private_networks: true
            feeds:
              - url: http://intranet.example/a
              - url: http://intranet.example/b
                allow_private_networks: false
            """)
        #expect(config.allowPrivateNetworks)
        #expect(config.feeds.map(\.allowPrivateNetworks) == [true, false])
        let defaults = try parser.parse("feeds:\n  - url: http://a.example/x\n  - url: http://b.example/y\n    allow_private_networks: yes\n")
        #expect(!defaults.allowPrivateNetworks)
        #expect(defaults.feeds.map(\.allowPrivateNetworks) == [false, true])
        let bad = error("feeds:\n  - url: http://a.example/x\n    allow_private_networks: maybe\n")
        #expect(bad?.key == "feeds[0].allow_private_networks")
        #expect(bad?.line == 3)
    }

    @Test func rejectsAFeedWithoutURL() {
        let problem = error("feeds:\n  - name: nameless\n")
        #expect(problem?.key == "feeds[0].url")
        #expect(problem?.line == 2)
    }

    @Test func rejectsDuplicateURLsAndNames() {
        #expect(error("feeds:\n  - url: https://a.example/x\n  - url: https://a.example/x\n")?.message
            .contains("duplicate of the feed on line 2") == true)
        #expect(error("feeds:\n  - url: https://a.example/x\n    name: n\n  - url: https://b.example/y\n    name: n\n")?
            .key == "feeds[1].name")
    }

    @Test func rejectsNonHTTPURLs() {
        #expect(error("feeds:\n  - url: ftp://example.org/feed\n")?.message.contains("not an http://") == true)
    }

    @Test func reportsYAMLSyntaxErrorsWithTheirLine() {
        let problem = error("store: ./s\nfeeds:\n  - url: [unclosed\n")
        #expect(problem != nil)
        #expect((problem?.line ?? 0) >= 3)
    }

    @Test(arguments: [("45s", 45.0), ("15m", 900), ("2h", 7200), ("1d", 86400), ("1h30m", 5400), ("90", 90)])
    func parsesDurations(text: String, seconds: Double) {
        #expect(DurationParser.seconds(text) == seconds)
    }

    @Test(arguments: ["", "0s", "m", "1h30", "-5m", "ten minutes"])
    func rejectsBadDurations(text: String) {
        #expect(DurationParser.seconds(text) == nil)
    }
}

@Suite struct OutputConfigTests {
    let parser = ConfigParser(fileName: "feeds.yaml", baseDirectory: "/srv/crawler")

    @Test func defaultsToTheGoldenHexoFormatAndLayout() throws {
        let config = try parser.parse("feeds: []\n")
        #expect(config.output == .hexo)
        #expect(config.documentPath == "posts/{year}/{month}/{hash}.md")
    }

    @Test func jekyllGetsItsDatedFileNames() throws {
        let config = try parser.parse("output: jekyll\nfeeds: []\n")
        #expect(config.output == .jekyll)
        #expect(config.documentPath == "_posts/{year}-{month}-{day}-{hash}.html")
    }

    @Test func aTemplateIsResolvedAgainstTheConfigFolder() throws {
        let config = try parser.parse("output: template\ntemplate: post.mustache\nfeeds: []\n")
        #expect(config.output == .template("/srv/crawler/post.mustache"))
    }

    @Test(arguments: [
        ("output: markdown\nfeeds: []\n", "output", 1),
        ("output: template\nfeeds: []\n", "output", 1),
        ("template: t.mustache\nfeeds: []\n", "template", 1),
        ("document_path: posts/{year}/{slug}.md\nfeeds: []\n", "document_path", 1),
        ("document_path: posts/{year}/all.md\nfeeds: []\n", "document_path", 1),
        ("document_path: posts/{year}/{day}{hash}.md\nfeeds: []\n", "document_path", 1),
        ("document_path: posts/{year}/feed{hash}.md\nfeeds: []\n", "document_path", 1),
        ("document_path: posts/{hash}e.md\nfeeds: []\n", "document_path", 1),
        ("document_path: posts/{hash}-0123456789abcdef.md\nfeeds: []\n", "document_path", 1),
        ("document_path: posts/{hash}.{year}{month}{day}{year}{month}{day}.md\nfeeds: []\n", "document_path", 1),
        ("document_path: tmp/{hash}.md\nfeeds: []\n", "document_path", 1),
        ("document_path: ./tmp/{hash}.md\nfeeds: []\n", "document_path", 1),
        ("document_path: posts/./{hash}.md\nfeeds: []\n", "document_path", 1),
    ])
    func rejectsBadOutputSettings(yaml: String, key: String, line: Int) {
        do {
            _ = try parser.parse(yaml)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.key == key)
            #expect(error.line == line)
        }
    }
}

@Suite struct SchedulingConfigTests {
    let parser = ConfigParser(fileName: "feeds.yaml", baseDirectory: "/srv")

    @Test func adaptiveBoundsAreInheritedAndOverridable() throws {
        let config = try parser.parse("""
            adaptive: true
            min_interval: 5m
            max_interval: 6h
            max_backoff: 2h
            feeds:
              - url: https://a.example/feed
              - url: https://b.example/feed
                adaptive: false
                max_interval: 1d
            """)
        #expect(config.maxBackoff == 7200)
        #expect(config.feeds[0].adaptive && config.feeds[0].minInterval == 300 && config.feeds[0].maxInterval == 21_600)
        #expect(!config.feeds[1].adaptive && config.feeds[1].maxInterval == 86_400)
    }

    @Test func boundsTheWrongWayRoundAreAnError() {
        #expect(throws: ConfigError.self) {
            try parser.parse("feeds:\n  - url: https://a.example/f\n    min_interval: 2h\n    max_interval: 1h\n")
        }
    }

    @Test func unquotedNullsAreAbsentButQuotedOnesAreText() throws {
        let config = try parser.parse("""
            default_image: ~
            feeds:
              - url: https://a.example/f
                author: null
              - url: https://b.example/f
                author:
              - url: https://c.example/f
                author: "null"
              - url: https://d.example/f
                author: !!str ~
              - url: https://e.example/f
                author: nullish
            """)
        #expect(config.defaultImage == nil)
        #expect(config.feeds.map(\.author) == [nil, nil, "null", "~", "nullish"])
    }
}
