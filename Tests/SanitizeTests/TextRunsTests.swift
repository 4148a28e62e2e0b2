import Foundation
@testable import Sanitize
import Testing

@Suite struct TextRunsTests {
    @Test func cutsEachPlainRunAfterATagToOneCharacterAndKeepsWhiteSpaceRuns() {
        let shortened = TextRuns.shortened(Array("Hello, world<p title=\"a>b c\">text (1)</p>\n  <b>中文</b>".utf8))
        #expect(String(decoding: shortened, as: UTF8.self) == "x<p title=\"a>x\">x</p>\n  <b>x</b>")
    }

    /// The verdict on the shortened body is the verdict on the body, for every browser vector (each
    /// alone and after a paragraph of text) and for text runs around every kind of markup.
    @Test func theVerdictIsTheSameWithTheRunsShortened() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../BrowserVectors/xss-vectors.txt").standardizedFileURL
        let vectors = try String(contentsOf: corpus, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { String($0.split(separator: "\t").last ?? $0) }
        let extra = ["<p>a</p>text <b>b</b>", "<table> <tr>text<td>x</td></tr></table>", "<pre>\nline</pre>",
                     "<style>p { color: red } a::after { content: '>' }</style>", "<!-- a > b -->c",
                     "<a href=\"https://a/b?c=d&amp;e\">x</a>", "<p title=\">javascript:x\">y</p>"]
        var kept = 0
        for body in vectors + extra + vectors.map({ "<p>Some words, here.</p>" + $0 + " trailing words" }) {
            let (whole, short) = verdicts(body)
            #expect(whole == short, "\(body)")
            if whole == true { kept += 1 }
        }
        #expect(kept > 10)
    }

    /// Bodies put together at random from pieces that move the tokenizer and pieces that do not.
    @Test func theVerdictIsTheSameWithTheRunsShortenedForRandomBodies() {
        let pieces = ["<p>", "</p>", "<b>", "</b>", "<a href=\"", "https://x/", "javascript:", "\">", "<!--", "-->",
                      "<style>", "</style>", "<table>", "<td>", " ", "text, more", "中文", ">", "<", "\"", "'", "=",
                      "-", "!", "&amp;", "&", "<img src=", "title=", "x", "\n", "<pre>", "]]>", "<![CDATA[", "</",
                      "<?", "/", "<textarea>", "</textarea>", "<svg>", "onclick=", "<br>", "`", "]"]
        var generator = SplitMix64(seed: 20_261_202)
        var kept = 0
        for _ in 0..<3_000 {
            let count = Int(generator.next() % 12) + 1
            let body = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            let (whole, short) = verdicts(body)
            #expect(whole == short, "\(body)")
            if whole == true { kept += 1 }
        }
        #expect(kept > 100)
    }

    /// The safety verdict on the body as it is and on the body with its text runs cut.
    private func verdicts(_ body: String) -> (whole: Bool?, short: Bool?) {
        let source = Array(body.utf8)
        let marker = HTMLSanitizer.endMarker
        let whole = GumboTree.with(source + marker) { SafetyCheck.isClean($0, endMarker: marker) }
        let short = GumboTree.with(TextRuns.shortened(source) + marker) { SafetyCheck.isClean($0, endMarker: marker) }
        return (whole, short)
    }
}

/// A seeded generator, so that a failure names a body that fails again.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
