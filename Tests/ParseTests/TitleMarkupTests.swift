import FeedModel
import Foundation
import Parse
import Testing

/// RSS and JSON Feed titles may carry HTML: its formatting tags go, anything else in angle
/// brackets stays as written; and that reading is linear in the title (round 55: each `<` searched
/// the rest of the title again, and 16,000 of them took 15 s of a fetch that no limit stopped).
@Suite struct TitleMarkupTests {
    private func rssTitle(_ escaped: String) throws -> String {
        let feed = try Fixture.parse(text: "<rss version=\"2.0\"><channel><title>F</title><item><title>\(escaped)</title>"
            + "<link>https://example.org/1</link></item><item><title>healthy</title><link>https://example.org/2</link></item>"
            + "</channel></rss>")
        #expect(feed.items.count == 2 && feed.items.last?.title == "healthy")
        return try #require(feed.items.first).title
    }

    @Test(arguments: [
        ("&lt;b&gt;Bold&lt;/b&gt; news", "Bold news"),
        ("The history of the &lt;blink&gt; tag", "The history of the <blink> tag"),
        ("std::vector&lt;bool&gt; and Either&lt;A, B&gt;", "std::vector<bool> and Either<A, B>"),
        ("if a&lt;b and c&gt;d then", "if a<b and c>d then"),
        ("one&lt;br&gt;two", "one two"),
        // Blocks' breaks are spaces (the white-space rule trims the last when the document is written).
        ("&lt;p&gt;first&lt;/p&gt;&lt;p&gt;second&lt;/p&gt;", "first second "),
        ("&lt;B&gt;Caps&lt;/B&gt; too", "Caps too"),
        // `</bold` closes `<b>`, and stays: not a tag of HTML's formatting.
        ("&lt;b&gt;closed by a longer name&lt;/bold&gt;", "closed by a longer name</bold>"),
        ("&lt;em&gt;never closed", "<em>never closed"),
        ("3 &lt; 5", "3 < 5"),
        ("&lt;a\u{00A0}href=x&gt;link&lt;/a&gt;", "link"),
        ("trailing &lt;", "trailing <"),
        ("&lt;b no end", "<b no end"),
    ])
    func formattingGoesAndOtherAngleBracketsStay(escaped: String, expected: String) throws {
        #expect(try rssTitle(escaped) == expected)
    }

    /// The title's reading at `count` repetitions of `unit`, best of three, in seconds.
    private func seconds(_ unit: String, _ count: Int) throws -> Double {
        let title = String(repeating: unit, count: count)
        var best = Double.infinity
        for _ in 0..<3 {
            let start = ContinuousClock.now
            _ = try rssTitle(title)
            let elapsed = ContinuousClock.now - start
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        return best
    }

    /// Four times the title, about four times the time (quadratic work took sixteen).
    @Test(arguments: ["&lt; ", "&lt;a", "&lt;b&gt;x", "&lt;/", "&lt;b "])
    func aTitleOfManyAngleBracketsReadsInLinearTime(unit: String) throws {
        let small = try seconds(unit, 20_000), large = try seconds(unit, 80_000)
        #expect(large / max(small, 0.002) < 8, "\(unit): \(small) s, then \(large) s")
    }
}
