@testable import Config
import FeedModel
import Testing

/// `images:`, `max_image_size:` (global defaults, a feed's own over them) and `assets_url:`;
/// every mistake names its line.
@Suite struct ImageSettingsConfigTests: ParsesConfig {
    let parser = Self.testParser

    @Test func globalImageSettingsAreEachFeedsDefault() throws {
        let config = try parser.parse("""
            images: local
            max_image_size: 2MB
            assets_url: https://cdn.example/assets/
            feeds:
              - url: https://example.org/a
              - url: https://example.org/b
                images: remote
                max_image_size: 512KB
            """)
        #expect(config.assetsURL == "https://cdn.example/assets/")
        #expect(config.feeds[0].article.localImages && config.feeds[0].article.maxImageBytes == 2 << 20)
        #expect(!config.feeds[1].article.localImages && config.feeds[1].article.maxImageBytes == 512 << 10)
    }

    @Test func defaultsKeepImagesRemote() throws {
        let config = try parser.parse("feeds:\n  - url: https://example.org/a\n")
        #expect(config.assetsURL == "/assets/")
        #expect(!config.feeds[0].article.localImages)
        #expect(config.feeds[0].article.maxImageBytes == 10 << 20)
    }

    @Test func anUnknownImagesModeNamesItsLine() {
        let problem = error("feeds:\n  - url: https://example.org/a\n    images: copy\n")
        #expect(problem?.line == 3)
        #expect(problem?.key == "feeds[0].images")
        #expect(problem?.description.contains("'copy' is not one of local, remote") == true)
    }

    @Test func anAssetsURLWithoutTrailingSlashOrWithAQuoteIsRefused() {
        for value in ["/assets", "'/as\"sets/'"] {
            let problem = error("assets_url: \(value)\nfeeds:\n  - url: https://example.org/a\n")
            #expect(problem?.line == 1, "\(value)")
            #expect(problem?.key == "assets_url")
        }
    }

    @Test func aBadImageSizeNamesItsLine() {
        let problem = error("max_image_size: lots\nfeeds:\n  - url: https://example.org/a\n")
        #expect(problem?.line == 1)
        #expect(problem?.description.contains("is not a size") == true)
    }
}
