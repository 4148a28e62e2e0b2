@testable import Convert
import FeedModel
import Testing
import Yams

/// Random Unicode in every field of every profile: the front matter must parse with a real YAML
/// parser, to exactly the values written, with no key added or lost.
@Suite struct FrontMatterPropertyTests {
    static let date = Timestamp(year: 2022, month: 2, day: 16, hour: 23, minute: 50, second: 43)!

    /// A deterministic generator (SplitMix64), so a failure names a seed that reproduces it.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    /// Pieces chosen to break YAML: quotes, markers, breaks, controls, combining marks, planes.
    static let pieces: [String] = ["'", "\"", "\n---\n", "---", "\r\n", "\u{2028}", "\u{2029}", "\u{85}", "\u{FEFF}",
                                   "\u{7}", "\u{0}", "\u{1B}[31m", "\u{7F}", "\u{9F}", "'\u{301}", "\\\u{301}", ": ",
                                   " #", "{", "}", "[", "]", "&", "*", "!", "|", ">", "%", "@", "`", "\t", " ",
                                   "true", "1e3", "2022-02-16", "~", "新浪", "\u{1F600}", "\u{10FFFD}", "\u{FFFE}",
                                   "a", "Z", "9", "/", "?", "<b>"]

    static func randomString(_ random: inout Random) -> String {
        (0..<(1 + random.below(8))).map { _ in pieces[random.below(pieces.count)] }.joined()
    }

    static func frontMatter(of text: String) throws -> [String: Any] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = lines.firstIndex(of: "---")!
        let end = lines[(start + 1)...].firstIndex(of: "---")!
        let yaml = lines[(start + 1)..<end].joined(separator: "\n")
        return try #require(try Yams.load(yaml: yaml) as? [String: Any])
    }

    static let keys: [OutputProfile: Set<String>] = [
        .hexo: ["title", "categories", "headimg", "author", "comments", "date", "thumbnail"],
        .hugo: ["title", "date", "author", "categories", "images", "source", "draft"],
        .jekyll: ["layout", "title", "date", "author", "categories", "image", "source", "excerpt"],
    ]

    @Test(arguments: [OutputProfile.hexo, .hugo, .jekyll])
    func randomFieldsParseBackExactly(profile: OutputProfile) throws {
        var random = Random(state: 20_261_202)
        let format = try OutputFormat(profile)
        for round in 0..<300 {
            let feed = FeedConfig(name: "f", url: "https://example.org/feed",
                                  categories: [Self.randomString(&random), Self.randomString(&random)],
                                  author: Self.randomString(&random))
            var item = Item(title: Self.randomString(&random) + "x", link: "https://example.org/" + Self.randomString(&random),
                            published: Self.date, contentHTML: "<p>body</p>")
            // Half the rounds a plain URL, half a hostile one that must be left out.
            item.bodyImage = "https://example.org/i" + (round.isMultiple(of: 2) ? "/\(round).png" : Self.randomString(&random))
            let renderer = DocumentRenderer(feed: feed, channelTitle: "c", format: format)
            let text = renderer.render(item, firstSeen: Self.date).text
            let fields = renderer.fields(for: item, firstSeen: Self.date)
            guard let parsed = try? Self.frontMatter(of: text) else {
                Issue.record("round \(round): the front matter does not parse:\n\(text)")
                continue
            }
            // A hostile image gives way to none (DocumentRenderer.isPlainWebURL): then no image key.
            let imageKeys: Set<String> = ["headimg", "thumbnail", "images", "image"]
            var expected = fields.image == nil ? Self.keys[profile]!.subtracting(imageKeys) : Self.keys[profile]!
            // So does a link that is no web URL (DocumentRenderer.isWebLink): then no source.
            if fields.link == nil { expected.remove("source") }
            #expect(Set(parsed.keys) == expected, "round \(round): \(text)")
            let image = fields.image.map(YAMLScalar.yamlSafe)
            switch profile {
            case .hexo:
                // Hexo's values keep braces away from Nunjucks, as the body does.
                #expect(parsed["headimg"] as? String == image.map(BraceEscaper.escape), "round \(round)")
                #expect(parsed["author"] as? String == BraceEscaper.escape(YAMLScalar.yamlSafe(fields.author)),
                        "round \(round)")
                #expect((parsed["categories"] as? [Any])?.count == fields.categories.count, "round \(round)")
            case .hugo:
                // A title's `<` and `>` are `_` (FeedText.title): Liquid and some themes print it raw.
                #expect(parsed["title"] as? String == YAMLScalar.yamlSafe(FeedText.title(fields.title)), "round \(round)")
                #expect(parsed["author"] as? String == YAMLScalar.yamlSafe(fields.author), "round \(round)")
                #expect(parsed["source"] as? String == fields.link.map(YAMLScalar.yamlSafe), "round \(round)")
                #expect(parsed["categories"] as? [String] == fields.categories.map(YAMLScalar.yamlSafe), "round \(round)")
                #expect(parsed["images"] as? [String] == image.map { [$0] }, "round \(round)")
            default:
                #expect(parsed["title"] as? String == YAMLScalar.yamlSafe(FeedText.title(fields.title)), "round \(round)")
                #expect(parsed["image"] as? String == image, "round \(round)")
                #expect(parsed["source"] as? String == fields.link.map(YAMLScalar.yamlSafe), "round \(round)")
            }
        }
    }
}
