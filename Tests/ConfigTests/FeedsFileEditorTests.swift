import Config
import FeedModel
import Testing

@Suite struct FeedsFileEditorTests {
    let editor = FeedsFileEditor(parser: ConfigParser(fileName: "feeds.yaml", baseDirectory: "/srv"))

    /// The appended text exists nowhere on disk: a problem in it is named by the feed, not by a
    /// line number the operator would look for in vain.
    @Test func anEntryThatWouldNotLoadIsNamedByItsFeed() {
        let text = "store: ./store\nfeeds:\n  - url: https://example.org/a.xml\n"
        let feeds = [FeedConfig(name: "good", url: "https://example.org/b.xml"),
                     FeedConfig(name: "spaced", url: "https://example.org/my feed.xml")]
        do {
            _ = try editor.appending(feeds, to: text, comment: "Imported")
            Issue.record("an entry that does not load was appended")
        } catch {
            #expect(error.description == "feeds.yaml: cannot add 'spaced' (https://example.org/my feed.xml): url: "
                    + "'https://example.org/my feed.xml' contains a space; write a space in a URL as %20; the file is left as it was")
        }
    }

    @Test func siteURLIsWrittenAndReadBack() throws {
        var feed = FeedConfig(name: "rust", url: "https://blog.rust-lang.org/feed.xml", categories: ["Tech", "Rust"])
        feed.siteURL = "https://blog.rust-lang.org/"
        let text = try editor.appending([feed], to: "feeds: []\n", comment: "Imported")
        let loaded = try editor.parser.parse(text)
        #expect(loaded.feeds.first?.siteURL == "https://blog.rust-lang.org/")
        #expect(loaded.feeds.first?.categories == ["Tech", "Rust"])
    }
}
