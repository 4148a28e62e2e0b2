import FeedModel
import Foundation
import Testing

@Suite struct TerminalTextTests {
    /// Past U+FFFF a scalar was written with five digits (`\ue0041`), which reads as U+E004 and a
    /// `1`, or runs into the next letter: now as JSON writes it, a surrogate pair.
    @Test func aScalarPastTheBasicPlaneIsEscapedAsJSONWritesIt() throws {
        #expect(TerminalText.escape("\u{1B}") == "\\u001b")
        #expect(TerminalText.escape("\u{E0041}") == "\\udb40\\udc41")
        #expect(TerminalText.escape("\u{10FFFF}") == "\\udbff\\udfff")
        let decoded = try JSONSerialization.jsonObject(with: Data(("\"" + TerminalText.escape("\u{E0041}") + "b\"").utf8),
                                                       options: .fragmentsAllowed) as? String
        #expect(decoded == "\u{E0041}b")
    }
}
