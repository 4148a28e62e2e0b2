internal import Crypto
internal import FeedModel
internal import Foundation
internal import Markup

/// The dedupe key of SPEC.md (hash input version 1):
/// SHA-256 of UTF-8( title after the white-space rule + "\n" + NFC(folded text of the body) ).
/// The body's text is read from its HTML here, for the items that are stored, rather than by the
/// parser for every item: markup and comments removed, script and style contents skipped,
/// entities decoded (`HTMLText`); then folded (white space runs → one space) and trimmed.
/// All of it works on UTF-8 bytes, one String at the end.
public enum ContentHash {
    public static func compute(title: String, bodyHTML: String) -> String {
        digest(title: title, foldedBody: fold(HTMLText.html.textUTF8(of: bodyHTML)))
    }

    /// SPEC.md's hash, but for an item whose body has no text (a photo, a podcast episode): its
    /// `media` (image and enclosure URLs) tell it apart, or every "Photo of the day" after the
    /// first was taken for a duplicate of it and never stored. Each follows a line break, which
    /// folded text never holds, so no text can hash as a list of media.
    public static func compute(title: String, bodyHTML: String, media: () -> [String]) -> String {
        let folded = fold(HTMLText.html.textUTF8(of: bodyHTML))
        // Text of nothing visible (a zero-width space) is no text: such items hashed alike.
        guard !BlankItem.isInvisible(folded) else {
            return digest(title: title, foldedBody: Array(media().map { "\n" + $0 }.joined().utf8))
        }
        return digest(title: title, foldedBody: folded)
    }

    /// For a body that stands in for content (`Item.bodyIsDescription`): its text and its media,
    /// each after a line break, which folded text never holds. A channel's fixed description under
    /// a fixed title ("Sunday Service") made every video after the first a duplicate of it.
    public static func compute(title: String, descriptionHTML: String, media: [String]) -> String {
        let folded = fold(HTMLText.html.textUTF8(of: descriptionHTML))
        return digest(title: title, foldedBody: folded + Array(media.map { "\n" + $0 }.joined().utf8))
    }

    /// For a body that is text already.
    public static func compute(title: String, bodyText: String) -> String {
        digest(title: title, foldedBody: fold(Array(bodyText.utf8)))
    }

    private static func digest(title: String, foldedBody: [UInt8]) -> String {
        var hasher = SHA256()
        var title = title
        title.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        hasher.update(data: [0x0A])
        canonicallyComposed(foldedBody).withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Hex.lowercase(hasher.finalize())
    }

    /// NFC. Foundation's normalisation costs more than everything else in the hash, so text that
    /// is NFC by Unicode's quick check (every scalar NFC_Quick_Check=Yes with combining class 0)
    /// is returned as it is; for the scalars `isComposed` accepts, that check is certain.
    static func canonicallyComposed(_ utf8: [UInt8]) -> [UInt8] {
        if isComposed(utf8) { return utf8 }
        // Piece by piece: Foundation moves the rest of its buffer for every composition it makes,
        // quadratic in the text's length (2.8 MB of decomposed `café `: 12 s).
        var composed: [UInt8] = []
        composed.reserveCapacity(utf8.count)
        var start = 0
        while start < utf8.count {
            let end = pieceEnd(utf8, from: start)
            composed += composedPiece(utf8[start..<end])
            start = end
        }
        return composed
    }

    /// Pieces of about this many bytes are normalised one at a time.
    static let pieceSize = 4096

    /// Where the piece from `start` ends: before the first character at least `pieceSize` bytes on
    /// that nothing composes with and nothing is reordered across (NFC of the pieces is then NFC
    /// of the whole): an ASCII character or a leading Hangul jamo (U+1100–U+1112), else the end.
    static func pieceEnd(_ utf8: [UInt8], from start: Int) -> Int {
        var index = start + pieceSize
        while index < utf8.count {
            let byte = utf8[index]
            if byte < 0x80 { return index }
            if byte == 0xE1, index + 2 < utf8.count, utf8[index + 1] == 0x84, utf8[index + 2] <= 0x92 { return index }
            index += 1
        }
        return utf8.count
    }

    private static func composedPiece(_ utf8: ArraySlice<UInt8>) -> [UInt8] {
        let text = String(decoding: utf8, as: UTF8.self)
        if let ordered = withLongRunsOrdered(text) { return ordered._nfcCodeUnits }
        return Array(text.precomposedStringWithCanonicalMapping.utf8)
    }

    /// Combining marks longer than any real text has in a row (more than 30: Unicode's stream-safe
    /// limit), or nil when there are none. Foundation orders such a run by swapping neighbours,
    /// quadratic in its length (320 KB of two alternating marks after one letter took 15 s), and
    /// past about 60 marks drops some (Python's unicodedata and the standard library's own
    /// normaliser agree with each other, not with it). So such text is put in canonical order
    /// first (a stable sort by combining class, which is NFC's own first step) and composed by
    /// the standard library, in linear time; any other text is hashed as it always was.
    static func withLongRunsOrdered(_ text: String) -> String? {
        var run = 0
        let hasLongRun = text.unicodeScalars.contains { scalar in
            run = scalar.properties.canonicalCombiningClass.rawValue == 0 ? 0 : run + 1
            return run > 30
        }
        guard hasLongRun else { return nil }
        let scalars = Array(text.unicodeScalars)
        var ordered = scalars
        var start = 0
        while start < scalars.count {
            guard scalars[start].properties.canonicalCombiningClass.rawValue != 0 else { start += 1; continue }
            var end = start + 1
            while end < scalars.count, scalars[end].properties.canonicalCombiningClass.rawValue != 0 { end += 1 }
            if end - start > 30 {
                // Sorting (class, position) pairs keeps equal classes in their order.
                let run = scalars[start..<end].enumerated()
                    .map { (class: $0.element.properties.canonicalCombiningClass.rawValue, at: $0.offset, scalar: $0.element) }
                    .sorted { ($0.class, $0.at) < ($1.class, $1.at) }
                ordered.replaceSubrange(start..<end, with: run.map(\.scalar))
            }
            start = end
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: ordered)
        return String(result)
    }

    /// Scalars that no normalisation changes and that nothing composes with: all of them below
    /// U+0300 (what could compose with those, combining marks and jamo, comes later), and the
    /// ranges Chinese text is made of.
    static let composedRanges: [ClosedRange<UInt32>] = [
        0x4E00...0x9FFF,  // CJK Unified Ideographs
        0x3400...0x4DBF,  // CJK Extension A
        0x3000...0x3029,  // CJK symbols and punctuation, before the combining tone marks
        0xFF01...0xFF5E,  // full-width punctuation and letters
        0x2010...0x2027,  // dashes, quotation marks, ellipsis
    ]

    /// True when the (valid) UTF-8 holds only scalars below U+0300 (lead bytes below 0xCC) or in
    /// `composedRanges` (all three bytes long).
    static func isComposed(_ utf8: [UInt8]) -> Bool {
        var index = 0
        while index < utf8.count {
            index = utf8.withUnsafeBytes { firstNonASCII(in: $0, from: index) }
            guard index < utf8.count else { break }
            let lead = utf8[index]
            if lead < 0x80 { index += 1; continue }
            if lead < 0xCC { index += 2; continue }
            guard lead >= 0xE0, lead < 0xF0, index + 2 < utf8.count else { return false }
            let scalar = UInt32(lead & 0x0F) << 12 | UInt32(utf8[index + 1] & 0x3F) << 6 | UInt32(utf8[index + 2] & 0x3F)
            guard composedRanges.contains(where: { $0.contains(scalar) }) else { return false }
            index += 3
        }
        return true
    }

    /// Runs of white space (Unicode's White_Space, as `Unicode.Scalar.Properties.isWhitespace`)
    /// become one space; none at either end. Over raw buffers: with an Array's bounds checks
    /// and appends this loop was the costliest step of hashing a document.
    static func fold(_ utf8: [UInt8]) -> [UInt8] {
        utf8.withUnsafeBufferPointer { input in
            [UInt8](unsafeUninitializedCapacity: input.count) { output, count in
                var written = 0
                var pendingSpace = false
                var index = 0
                while index < input.count {
                    // Eight bytes at a time up to the next one that may start white space: the word is
                    // stored whole (folding only shortens, so `written` never passes `index`, and the
                    // bytes past the run are written over or left beyond `count`).
                    if index + 8 <= input.count {
                        let word = UnsafeRawPointer(input.baseAddress! + index).loadUnaligned(as: UInt64.self)
                        let plain = plainBytes(word)
                        if plain > 0 {
                            if pendingSpace {
                                output[written] = 0x20
                                written += 1
                                pendingSpace = false
                            }
                            UnsafeMutableRawPointer(output.baseAddress! + written).storeBytes(of: word, as: UInt64.self)
                            written += plain
                            index += plain
                            continue
                        }
                    }
                    let width = whiteSpaceWidth(input, at: index)
                    if width > 0 {
                        pendingSpace = written > 0
                        index += width
                        continue
                    }
                    if pendingSpace {
                        output[written] = 0x20
                        written += 1
                        pendingSpace = false
                    }
                    output[written] = input[index]
                    written += 1
                    index += 1
                }
                count = written
            }
        }
    }

    /// How many of a little-endian word's bytes, from its first, are printable ASCII (0x21…0x7F:
    /// neither white space nor part of a longer scalar). A byte below 0x21 borrows into its top
    /// bit when 0x21 is taken from it; a borrow flags only bytes after a flagged one, so the
    /// lowest flag is exact.
    @inline(__always) static func plainBytes(_ word: UInt64) -> Int {
        let special = (word &- 0x2121_2121_2121_2121) & ~word & topBits | word & topBits
        return special.trailingZeroBitCount / 8
    }

    /// The index of the first byte at or after `start` beyond ASCII, or `bytes.count`.
    @inline(__always) static func firstNonASCII(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        var index = start
        while index + 8 <= bytes.count, bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & topBits == 0 {
            index += 8
        }
        while index < bytes.count, bytes[index] < 0x80 { index += 1 }
        return index
    }

    private static let topBits: UInt64 = 0x8080_8080_8080_8080

    /// The UTF-8 length of the white-space scalar at `index`, or 0. The non-ASCII ones are
    /// U+0085, U+00A0, U+1680, U+2000…U+200A, U+2028, U+2029, U+202F, U+205F and U+3000.
    /// A continuation byte (0x80…0xBF) never starts one, so any index may be asked.
    @inline(__always) static func whiteSpaceWidth(_ utf8: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let byte = utf8[index]
        if byte < 0x80 { return byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) ? 1 : 0 }
        guard byte >= 0xC2, byte <= 0xE3, index + 1 < utf8.count else { return 0 }
        let second = utf8[index + 1]
        if byte == 0xC2 { return second == 0x85 || second == 0xA0 ? 2 : 0 }
        guard index + 2 < utf8.count else { return 0 }
        let third = utf8[index + 2]
        switch (byte, second) {
        case (0xE1, 0x9A): return third == 0x80 ? 3 : 0
        case (0xE2, 0x80): return third <= 0x8A || third == 0xA8 || third == 0xA9 || third == 0xAF ? 3 : 0
        case (0xE2, 0x81): return third == 0x9F ? 3 : 0
        case (0xE3, 0x80): return third == 0x80 ? 3 : 0
        default: return 0
        }
    }
}
