@testable import Config
import Testing

/// What a feed's name may hold, and when two names are one, as rules of their own.
@Suite struct FeedNamesConfigTests: ParsesConfig {
    let parser = Self.testParser

    /// Variation selectors pick how the character before them is drawn: an emoji's, Mongolian's.
    @Test(arguments: ["I \u{2764}\u{FE0F} news", "\u{1820}\u{180B} mongol", "\u{845B}\u{E0100}"])
    func variationSelectorsAreNoInvisibleCharacters(name: String) {
        #expect(FeedNames.problem(with: name) == nil)
    }

    @Test(arguments: ["news ", " news", "news\u{A0}", "\u{3000}news", "news\u{2003}"])
    func whiteSpaceAtEitherEndIsRefused(name: String) {
        #expect(FeedNames.problem(with: name)?.contains("begins or ends with white space") == true)
    }

    @Test(arguments: ["ne\u{200B}ws", "news\u{200D}", "\u{FEFF}news", "ne\u{200E}ws", "n\u{2060}ews", "n\u{AD}ews"])
    func anInvisibleFormatCharacterIsRefused(name: String) {
        #expect(FeedNames.problem(with: name)?.contains("holds an invisible character") == true)
    }

    @Test(arguments: ["", "   ", "\u{200B}", "\u{A0}", "\u{3000}\u{FEFF}"])
    func nothingVisibleIsEmpty(name: String) {
        #expect(FeedNames.problem(with: name)?.hasPrefix("is empty") == true)
    }

    @Test(arguments: ["news", "Nachrichten aus Köln", "新浪财经", "a b", "🎉 party"])
    func aNameThatReadsAsWrittenIsTaken(name: String) {
        #expect(FeedNames.problem(with: name) == nil)
    }

    @Test func namesEqualButForCaseOrNormalFormAreOneName() {
        #expect(FeedNames.key("Foo") == FeedNames.key("foo"))
        #expect(FeedNames.key("Caf\u{E9}") == FeedNames.key("CAFE\u{301}"))
        #expect(FeedNames.key("news") != FeedNames.key("news-2"))
        let problem = error("feeds:\n  - url: https://a.example/\n    name: Foo\n  - url: https://b.example/\n    name: FOO\n")
        #expect(problem?.line == 4 && problem?.message.contains("line 2 (as 'Foo')") == true, "\(String(describing: problem))")
    }
}
