import CrawlerTestKit
import Foundation
import Testing

/// Names that look the same were taken as different feeds (`Foo` and `foo`, `news` and `news `,
/// `news` and `ne\u200bws`), and names of nothing visible (`\u200b`, `\u00a0`) as names: `list`,
/// `status` and the logs showed two feeds no one could tell apart, and `--feed news` picked one.
@Suite struct FeedNamesTests {
    let folder = TemporaryFolder()

    private func crawler(_ arguments: [String]) throws -> CrawlerProcess.Run {
        try CrawlerProcess.run(arguments, in: folder.path)
    }

    private func refused(_ feeds: String, with message: String) throws {
        try folder.write("store: ./store\nfeeds:\n" + feeds, to: "feeds.yaml")
        let run = try crawler(["check"])
        #expect(run.status == 2, "\(feeds)")
        let printed = run.stderr.split(separator: "\n").filter { $0.hasPrefix("crawler: ") }
        #expect(printed == ["crawler: " + message[...]], "\(run.stderr)")
    }

    @Test func namesThatLookTheSameAreRefused() throws {
        try refused("  - url: http://127.0.0.1:9/a\n    name: Foo\n  - url: http://127.0.0.1:9/b\n    name: foo\n",
                    with: "feeds.yaml:5: feeds[1].name: name 'foo' is already used by the feed on line 3 (as 'Foo'); "
                        + "names must be unique, whatever their case")
        try refused("  - url: http://127.0.0.1:9/a\n    name: news\n  - url: http://127.0.0.1:9/b\n    name: \"news \"\n",
                    with: "feeds.yaml:6: feeds[1].name: 'news ' begins or ends with white space, which no one sees; "
                        + "write the name without it")
        try refused("  - url: http://127.0.0.1:9/a\n    name: news\n  - url: http://127.0.0.1:9/b\n    name: \"ne\\u200bws\"\n",
                    with: "feeds.yaml:6: feeds[1].name: 'ne\\u200bws' holds an invisible character (U+200B); "
                        + "write the name without it")
        // Round 33: other characters renderers ignore (the combining grapheme joiner, a Hangul filler).
        for (hidden, code) in [("\\u034f", "034F"), ("\\u3164", "3164")] {
            try refused("  - url: http://127.0.0.1:9/a\n    name: news\n  - url: http://127.0.0.1:9/b\n    name: \"ne\(hidden)ws\"\n",
                        with: "feeds.yaml:6: feeds[1].name: 'ne\(hidden)ws' holds an invisible character "
                            + "(U+\(code)); write the name without it")
        }
        // NFC and NFD spellings of one name were already one name: still.
        try refused("  - url: http://127.0.0.1:9/a\n    name: \"caf\\u00e9\"\n  - url: http://127.0.0.1:9/b\n    name: \"CAFE\\u0301\"\n",
                    with: "feeds.yaml:5: feeds[1].name: name 'CAFÉ' is already used by the feed on line 3 (as 'café'); "
                        + "names must be unique, whatever their case")
    }

    /// `"   "` was refused as empty; a name of only a no-break, ideographic or zero-width space,
    /// or a byte order mark, was taken.
    @Test(arguments: ["   ", "\\u00a0", "\\u3000", "\\u200b", "\\u200d\\ufeff", "\\u2060"])
    func aNameOfNothingVisibleIsRefused(name: String) throws {
        try refused("  - url: http://127.0.0.1:9/a\n    name: \"\(name)\"\n",
                    with: "feeds.yaml:4: feeds[0].name: is empty; give the feed a name or leave name: out")
    }

    @Test func aNameAskedOfAddIsTakenWhateverItsCase() throws {
        try folder.write("store: ./store\nfeeds:\n  - url: http://127.0.0.1:9/a\n    name: foo\n", to: "feeds.yaml")
        let run = try crawler(["add", "http://127.0.0.1:9/b", "--name", "FOO", "--allow-private-networks"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("crawler: the name 'FOO' is already used by the feed on line 3 of feeds.yaml"), "\(run.stderr)")
    }

    /// An OPML title holding a zero-width space, a trailing space or another case of a name made a
    /// second feed no one could tell apart from the first; they are cleaned, and numbered as clashes.
    @Test func importOPMLMakesNoNameThatLooksLikeAnother() throws {
        try folder.write("store: ./store\nfeeds:\n  - url: https://a.example/feed\n    name: n\n"
                             + "  - url: https://b.example/feed\n    name: foo\n", to: "feeds.yaml")
        try folder.write("""
            <opml version="2.0"><body>\
            <outline text="n&#x200B;" xmlUrl="https://c.example/feed"/>\
            <outline text="FOO" xmlUrl="https://d.example/feed"/>\
            <outline text="news&#xA0; " xmlUrl="https://e.example/feed"/>\
            <outline text="&#x200B;&#x2060;" xmlUrl="https://f.example/feed"/>\
            <outline text="Ne&#x200D;ws" xmlUrl="https://g.example/feed"/>\
            </body></opml>
            """, to: "subs.opml")
        let run = try crawler(["import-opml", "subs.opml"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let rows = try crawler(["list"]).stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        for (name, url) in [("n-2", "c.example"), ("FOO-2", "d.example"), ("news", "e.example"), ("f.example/feed", "f.example"),
                            ("News-2", "g.example")] {
            #expect(rows.contains { $0.first == name && $0.contains("https://\(url)/feed") }, "\(name): \(rows)")
        }
        #expect(try crawler(["check"]).status == 0)
    }
}
