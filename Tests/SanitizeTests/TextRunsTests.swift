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
            let source = Array(body.utf8)
            let marker = HTMLSanitizer.endMarker
            let whole = GumboTree.with(source + marker) { SafetyCheck.isClean($0, endMarker: marker) }
            let short = GumboTree.with(TextRuns.shortened(source) + marker) { SafetyCheck.isClean($0, endMarker: marker) }
            #expect(whole == short, "\(body)")
            if whole == true { kept += 1 }
        }
        #expect(kept > 10)
    }
}
