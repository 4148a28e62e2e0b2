@testable import Convert
@testable import FeedModel
import Foundation
import Testing

/// The checks every item passes through, read on bytes for speed, against the character-level
/// readings they replaced: the same answer for every string built from the pieces that matter
/// (schemes in any case, separators, controls, a combining mark after a `/`, text beyond ASCII).
@Suite struct ByteLevelChecksTests {
    private static let pieces = ["http://", "HTTPS://", "hTtP:/", "https:", "h", "x", "@", ":", "/", "//", "?", "#", "é",
                                 "\u{301}", "\u{338}", " ", "\t", "\n", "\u{7F}", "\u{A0}", "\u{2028}", "\u{3000}", "中",
                                 "\"", "'", "<", ">", "`", "%", ".", "Index.", "1", "²", "_", "\u{1F600}"]

    /// Strings of up to twelve pieces, the same on every run.
    private static func strings(_ count: Int) -> [String] {
        var random = FrontMatterPropertyTests.Random(state: 2026_12_07)
        return (0..<count).map { _ in
            (0..<random.below(13)).map { _ in pieces[random.below(pieces.count)] }.joined()
        }
    }

    @Test func webLinksAreTheOnesTheCharacterReadingTook() {
        for value in Self.strings(20_000) {
            #expect(DocumentRenderer.isWebLink(value) == Self.characterIsWebLink(value), "\(value.debugDescription)")
        }
    }

    @Test func attributeSafeLinksAreTheOnesTheScalarReadingWrote() {
        for value in Self.strings(20_000) {
            #expect(DocumentRenderer.attributeSafe(value) == Self.scalarAttributeSafe(value), "\(value.debugDescription)")
        }
    }

    @Test func aSchemeSeparatorIsFoundAsStringSearchFindsIt() {
        for value in Self.strings(20_000) {
            #expect(Item.holdsSchemeSeparator(value) == value.contains("://"), "\(value.debugDescription)")
        }
    }

    @Test func categoriesAreTheOnesTheScalarReadingMade() {
        for value in Self.strings(20_000) {
            #expect(FeedText.category(value) == Self.scalarCategory(value), "\(value.debugDescription)")
        }
    }

    @Test func foldingByWordsFoldsAsByteByByte() {
        for value in Self.strings(20_000) + [String(repeating: "ab cd\u{3000}ef\u{A0}gh ", count: 40)] {
            let bytes = Array(value.utf8)
            #expect(ContentHash.fold(bytes) == Self.byteFold(bytes), "\(value.debugDescription)")
            #expect(ContentHash.isComposed(bytes) == Self.scalarIsComposed(bytes), "\(value.debugDescription)")
        }
    }

    // The readings replaced, as they were.

    private static func characterIsWebLink(_ value: String) -> Bool {
        let lower = value.prefix(8).lowercased()
        let schemeLength = lower.hasPrefix("http://") ? 7 : lower.hasPrefix("https://") ? 8 : 0
        guard schemeLength > 0, !value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return false }
        let authority = value.utf8.dropFirst(schemeLength).prefix { !"/?#".utf8.contains($0) }
        let hostAndPort = authority.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false).last ?? []
        return hostAndPort.first.map { $0 != UInt8(ascii: ":") } ?? false
    }

    private static func scalarAttributeSafe(_ link: String) -> String {
        let encoded: [UInt8: String] = [UInt8(ascii: " "): "%20", UInt8(ascii: "\""): "%22", UInt8(ascii: "'"): "%27",
                                        UInt8(ascii: "<"): "%3C", UInt8(ascii: ">"): "%3E", UInt8(ascii: "`"): "%60"]
        var output = ""
        for scalar in link.unicodeScalars {
            if scalar.isASCII, let escape = encoded[UInt8(scalar.value)] { output += escape } else { output.unicodeScalars.append(scalar) }
        }
        return output
    }

    private static func scalarCategory(_ text: String) -> String? {
        func mapped(_ text: String, _ characters: [UInt8]) -> String {
            String(decoding: text.utf8.map { characters.contains($0) ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
        }
        let naming: Set<Unicode.GeneralCategory> = [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter,
                                                    .otherLetter, .decimalNumber]
        var value = mapped(text, Array("<>\"/\\#?%".utf8))
        guard value.unicodeScalars.contains(where: { naming.contains($0.properties.generalCategory) }) else { return nil }
        if value.hasPrefix(".") { value = "_" + value.dropFirst() }
        if value.lowercased().hasPrefix("index.") { value = mapped(value, [UInt8(ascii: ".")]) }
        guard value.utf8.count > FeedText.maximumCategoryBytes else { return value }
        var kept = "", count = 0
        for character in value {
            count += character.utf8.count
            guard count <= FeedText.maximumCategoryBytes else { break }
            kept.append(character)
        }
        while kept.last?.isWhitespace == true { kept.removeLast() }
        return kept
    }

    private static func byteFold(_ utf8: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var pendingSpace = false
        var index = 0
        while index < utf8.count {
            let width = utf8.withUnsafeBufferPointer { ContentHash.whiteSpaceWidth($0, at: index) }
            if width > 0 {
                pendingSpace = !output.isEmpty
                index += width
                continue
            }
            if pendingSpace { output.append(0x20) }
            pendingSpace = false
            output.append(utf8[index])
            index += 1
        }
        return output
    }

    private static func scalarIsComposed(_ utf8: [UInt8]) -> Bool {
        String(decoding: utf8, as: UTF8.self).unicodeScalars.allSatisfy { scalar in
            scalar.value < 0x300 || ContentHash.composedRanges.contains { $0.contains(scalar.value) }
        }
    }
}
