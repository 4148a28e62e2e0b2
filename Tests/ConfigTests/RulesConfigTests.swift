@testable import Config
import FeedModel
import Testing

/// `block:`, `keep:` and `rewrite:`: global rules come before a feed's own, and every mistake
/// names its line.
@Suite struct RulesConfigTests: ParsesConfig {
    let parser = Self.testParser

    @Test func readsGlobalRulesBeforeAFeedsOwn() throws {
        let config = try parser.parse("""
            block:
              - title: "(?i)sponsored"
            rewrite:
              '<p class="ad">.*?</p>': ''
            feeds:
              - url: https://example.org/a
                block:
                  - author: "^PR Desk$"
                    categories: Promo
                keep:
                  - link: "/news/"
                rewrite:
                  'http://(img\\.example\\.org)': 'https://$1'
              - url: https://example.org/b
            """)
        let own = config.feeds[0].rules
        #expect(own.block.map(\.conditions) == [
            [.init(field: "title", pattern: "(?i)sponsored")],
            [.init(field: "author", pattern: "^PR Desk$"), .init(field: "categories", pattern: "Promo")],
        ])
        #expect(own.block.map(\.place) == ["feeds.yaml:2", "feeds.yaml:8"])
        #expect(own.keep.map(\.conditions) == [[.init(field: "link", pattern: "/news/")]])
        #expect(own.rewrite == [BodyRewriteRule(pattern: "<p class=\"ad\">.*?</p>", replacement: ""),
                                BodyRewriteRule(pattern: "http://(img\\.example\\.org)", replacement: "https://$1")])
        let other = config.feeds[1].rules
        #expect(other.block.count == 1 && other.keep.isEmpty && other.rewrite.count == 1)
    }

    @Test func aBadRegularExpressionNamesItsLine() {
        let problem = error("""
            feeds:
              - url: https://example.org/a
                block:
                  - title: ok
                  - title: "(unclosed"
            """)
        #expect(problem?.line == 5)
        #expect(problem?.key == "feeds[0].block[1].title")
        #expect(problem?.description.contains("'(unclosed' is not a valid regular expression") == true)
    }

    @Test func aBadRewritePatternNamesItsLine() {
        let problem = error("""
            rewrite:
              'fine': ''
              '[z-a]': x
            feeds:
              - url: https://example.org/a
            """)
        #expect(problem?.line == 3)
        #expect(problem?.key == "rewrite")
    }

    @Test func anUnknownFieldIsRefusedWithTheKnownOnes() {
        let problem = error("""
            feeds:
              - url: https://example.org/a
                keep:
                  - titel: x
            """)
        #expect(problem?.line == 4)
        #expect(problem?.description.contains("unknown field 'titel'") == true)
        #expect(problem?.description.contains("title, content, author, link, categories") == true)
    }

    @Test func aRuleMustBeAMappingAndTheListAList() {
        #expect(error("feeds:\n  - url: https://example.org/a\n    block: sponsored\n")?.line == 3)
        #expect(error("feeds:\n  - url: https://example.org/a\n    block:\n      - sponsored\n")?.line == 4)
        #expect(error("rewrite: [a, b]\nfeeds:\n  - url: https://example.org/a\n")?.line == 1)
    }
}
