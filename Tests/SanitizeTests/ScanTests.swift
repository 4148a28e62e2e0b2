@testable import Sanitize
import Testing

/// The byte scans every body goes through before gumbo sees it: the case-insensitive search
/// (for `<body` and the end marker) and the nesting estimate (`ParseCost`).
@Suite struct ScanTests {
    /// Every place the search could stop, compared with the plain definition at every offset.
    @Test func theCaseInsensitiveSearchFindsWhatAComparisonAtEachOffsetFinds() {
        let alphabet = Array("<>-/ bodyBODYcrawlerCRAWLERendofEND\u{1C}\u{0D}x".utf8)
        let needles = ["<body", "crawler-end-of-body", "</style", "body", "-"].map { Array($0.utf8) }
        var generator = SplitMix64(seed: 20_261_203)
        for _ in 0..<4_000 {
            let length = Int(generator.next() % 48)
            var haystack = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            let needle = needles[Int(generator.next() % UInt64(needles.count))]
            if generator.next() % 3 == 0, haystack.count >= needle.count {  // plant one, in some case
                let at = Int(generator.next() % UInt64(haystack.count - needle.count + 1))
                for (offset, byte) in needle.enumerated() {
                    haystack[at + offset] = generator.next() % 2 == 0 ? byte : Self.upper(byte)
                }
            }
            let from = Int(generator.next() % UInt64(length + 2))
            #expect(haystack.firstIndexCaseInsensitive(of: needle, from: from) == Self.reference(needle, in: haystack, from: from),
                    "\(String(decoding: haystack, as: UTF8.self)) / \(String(decoding: needle, as: UTF8.self)) from \(from)")
        }
    }

    @Test func aControlByteIsNotTakenForTheOpeningBracket() {
        // 0x1C | 0x20 is `<`: folding every byte's case by that bit found "<body" here.
        #expect(!Array("\u{1C}body onload=x>".utf8).containsCaseInsensitive(Array("<body".utf8)))
        #expect(Array("a<BoDy onload=x>".utf8).firstIndexCaseInsensitive(of: Array("<body".utf8), from: 0) == 1)
    }

    @Test func nestingPastTheLimitIsExcessiveWhateverTheTagsCase() {
        let limit = ParseCost.depthLimit
        #expect(ParseCost.isExcessive(Array(String(repeating: "<DIV>", count: limit + 1).utf8)))
        #expect(!ParseCost.isExcessive(Array(String(repeating: "<DIV>", count: limit).utf8)))
        #expect(!ParseCost.isExcessive(Array(String(repeating: "<div>x</DIV>", count: limit * 3).utf8)))
    }

    /// Void elements and those whose end tag may be left off never deepen the tree; a longer name
    /// that starts like one of them (`colgroupx`) is another element, and does.
    @Test(arguments: ["<P>", "<img src=x>", "<BR/>", "<colgroup>", "<Li class=a>"])
    func elementsThatDoNotNestAreNotCounted(_ tag: String) {
        #expect(!ParseCost.isExcessive(Array(String(repeating: tag, count: ParseCost.depthLimit * 3).utf8)))
    }

    @Test(arguments: ["<colgroupx>", "<blockquote>", "<imgs>", "<x-p>"])
    func otherElementsAreCounted(_ tag: String) {
        #expect(ParseCost.isExcessive(Array(String(repeating: tag, count: ParseCost.depthLimit + 1).utf8)))
    }

    @Test func aTagWithTooManyAttributesIsExcessive() {
        let tag = { (count: Int) in Array(("<p " + (0..<count).map { "a\($0)=\"v>\"" }.joined(separator: " ") + ">x").utf8) }
        #expect(ParseCost.isExcessive(tag(ParseCost.attributeLimit + 1)))
        #expect(!ParseCost.isExcessive(tag(ParseCost.attributeLimit)))
    }

    private static func reference(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        return (from...(haystack.count - needle.count)).first { start in
            needle.indices.allSatisfy { Self.lower(haystack[start + $0]) == needle[$0] }
        }
    }

    private static func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
    private static func upper(_ byte: UInt8) -> UInt8 { byte >= 0x61 && byte <= 0x7A ? byte & ~0x20 : byte }
}
