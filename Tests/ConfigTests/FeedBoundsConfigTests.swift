@testable import Config
import FeedModel
import Testing

/// max_items, max_documents_per_day, parse_time_limit (global, overridable per feed) and max_backlog_bytes.
@Suite struct FeedBoundsConfigTests {
    let parser = ConfigParser(fileName: "feeds.yaml", baseDirectory: "/srv/crawler")

    @Test func defaultsBoundEveryFeedWhenNothingIsSet() throws {
        let config = try parser.parse("feeds:\n  - url: https://example.org/feed.xml\n")
        let bounds = config.bounds(for: config.feeds[0])
        #expect(bounds == FeedBounds(maxItems: 1000, maxDocumentsPerDay: 2000, parseTimeLimit: 10))
        #expect(config.maxBacklogBytes == 256 << 20)
    }

    @Test func aFeedsOwnBoundsOverrideTheGlobalOnes() throws {
        let config = try parser.parse("""
            max_items: 500
            max_documents_per_day: 300
            parse_time_limit: 2s
            max_backlog_bytes: 64MB
            feeds:
              - url: https://example.org/a.xml
                max_items: 100
                max_documents_per_day: 10
                parse_time_limit: 250ms
              - url: https://example.org/b.xml
            """)
        #expect(config.bounds(for: config.feeds[0]) == FeedBounds(maxItems: 100, maxDocumentsPerDay: 10, parseTimeLimit: 0.25))
        #expect(config.bounds(for: config.feeds[1]) == FeedBounds(maxItems: 500, maxDocumentsPerDay: 300, parseTimeLimit: 2))
        #expect(config.maxBacklogBytes == 64 << 20)
    }

    @Test func millisecondsAreADurationAndMinutesStayMinutes() {
        #expect(DurationParser.seconds("1ms") == 0.001)
        #expect(DurationParser.seconds("1m30s") == 90)
        #expect(DurationParser.seconds("1s500ms") == 1.5)
        #expect(DurationParser.seconds("15m") == 900)
        #expect(DurationParser.seconds("5mss") == nil)
    }

    @Test func nonsenseBoundsAreRefusedWithTheirLine() {
        for (yaml, key) in [("max_items: 0", "max_items"), ("max_documents_per_day: many", "max_documents_per_day"),
                            ("parse_time_limit: soon", "parse_time_limit"), ("max_backlog_bytes: -1MB", "max_backlog_bytes")] {
            #expect(throws: ConfigError.self) { try parser.parse("\(yaml)\nfeeds:\n  - url: https://example.org/f\n") }
            do {
                _ = try parser.parse("feeds:\n  - url: https://example.org/f\n    \(yaml)\n")
                if key != "max_backlog_bytes" { Issue.record("\(yaml) accepted on a feed") }
            } catch {
                #expect(error.line == 3 || key == "max_backlog_bytes", "\(error)")
            }
        }
    }
}
