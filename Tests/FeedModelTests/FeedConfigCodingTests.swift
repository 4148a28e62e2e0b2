import FeedModel
import Foundation
import Testing

/// A fleet keeps each feed's configuration as JSON: rules and article settings travel with it,
/// and a row written before they existed still reads, with their defaults.
@Suite struct FeedConfigCodingTests {
    @Test func rulesAndArticleSettingsSurviveARoundTrip() throws {
        var feed = FeedConfig(name: "news", url: "https://example.org/feed")
        feed.rules = ItemRules(block: [ItemRule(conditions: [.init(field: "title", pattern: "^Ad:")], place: "feeds.yaml:4")],
                               keep: [ItemRule(conditions: [.init(field: "categories", pattern: "金融")])],
                               rewrite: [BodyRewriteRule(pattern: "http://", replacement: "https://")])
        feed.article = ArticleSettings(fullContent: true, contentSelector: "#artibody", remove: [".ad"])
        let decoded = try JSONDecoder().decode(FeedConfig.self, from: JSONEncoder().encode(feed))
        #expect(decoded == feed)
    }

    @Test func aRowWithoutThemReadsWithTheirDefaults() throws {
        let old = #"{"name":"news","url":"https://example.org/feed","categories":[],"interval":1800,"itemCategories":false,"sanitize":true,"line":3}"#
        let decoded = try JSONDecoder().decode(FeedConfig.self, from: Data(old.utf8))
        #expect(decoded.rules == ItemRules())
        #expect(decoded.article == ArticleSettings())
    }
}
