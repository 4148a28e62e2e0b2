import FeedModel
import Foundation
import Parse
import Testing

enum Fixture {
    static let feedURL = "https://example.org/feed.xml"

    static func bytes(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/" + name, withExtension: nil))
        return [UInt8](try Data(contentsOf: url))
    }

    static func parse(_ name: String, charset: String? = nil) throws -> Feed {
        try FeedParser.parse(bytes(name), url: feedURL, httpCharset: charset)
    }

    static func parse(text: String) throws -> Feed {
        try FeedParser.parse(Array(text.utf8), url: feedURL)
    }
}
