internal import Markup

/// A body field with nothing to show: white space, or markup without a word, a picture or a
/// player (`<p>&nbsp;</p><br/>`, a CMS's empty `content:encoded`, an SVG or a script the
/// sanitizer removes). The item's other body field is its post then (SPEC: `content:encoded` if
/// non-empty): the empty one won, and the post was empty.
enum BodyField {
    static func showsNothing(_ html: String) -> Bool {
        // Most bodies show a plain word within their first bytes: the scan stops there. Entities,
        // other scripts' letters and elements whose content does not show take the long way.
        var inTag = false
        let bytes = html.utf8
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if inTag {
                if byte == UInt8(ascii: ">") { inTag = false }
            } else if byte == UInt8(ascii: "<") {
                if startsHiddenElement(bytes[bytes.index(after: index)...]) { return showsNothingRead(html) }
                inTag = true
            } else if byte == UInt8(ascii: "&") || byte >= 0x80 {
                // `&nbsp;`, a no-break or zero-width space: nothing yet. Any other letter shows.
                guard let length = invisibleLength(bytes[index...], reference: byte == UInt8(ascii: "&")) else { return false }
                index = bytes.index(index, offsetBy: length)
                continue
            } else if !(byte == 0x20 || (0x09...0x0D).contains(byte)) {
                return false
            }
            index = bytes.index(after: index)
        }
        return !showsMedia(Array(bytes))
    }

    /// How many bytes the character reference or UTF-8 character at the start of `rest` takes, when
    /// it shows nothing (white space, a zero-width character); nil when it shows.
    private static func invisibleLength(_ rest: Substring.UTF8View.SubSequence, reference: Bool) -> Int? {
        let length: Int
        let text: String
        if reference {
            guard let end = rest.prefix(12).firstIndex(of: UInt8(ascii: ";")) else { return nil }
            length = rest.distance(from: rest.startIndex, to: end) + 1
            text = EntityDecoder.html.decode(Array(rest.prefix(length)))
        } else {
            let lead = rest[rest.startIndex]
            length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            text = String(decoding: Array(rest.prefix(length)), as: UTF8.self)
        }
        let shows = text.unicodeScalars.contains { !InvisibleText.isInvisible($0) }
        return shows ? nil : length
    }

    /// The text a reader sees, entities decoded, without the elements the sanitizer removes.
    private static func showsNothingRead(_ html: String) -> Bool {
        let shown = withoutHiddenElements(Array(html.utf8))
        let text = HTMLText.html.textUTF8(of: String(decoding: shown, as: UTF8.self))
        let visible = String(decoding: text, as: UTF8.self).unicodeScalars.contains { !InvisibleText.isInvisible($0) }
        return !visible && !showsMedia(shown)
    }

    /// Elements whose content shows nothing once sanitized (or never did).
    private static let hidden = ["script", "style", "template", "noscript", "textarea", "svg", "math", "iframe", "object", "embed"]

    private static func startsHiddenElement(_ rest: Substring.UTF8View) -> Bool {
        let name = rest.prefix { ($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "z") }
        return hidden.contains { $0.utf8.elementsEqual(name.lazy.map { $0 | 0x20 }) }
    }

    private static func withoutHiddenElements(_ bytes: [UInt8]) -> [UInt8] {
        var lowered = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        var kept = bytes
        for name in hidden {
            while let open = lowered.firstRange(of: Array("<\(name)".utf8)) {
                let close = lowered[open.upperBound...].firstRange(of: Array("</\(name)>".utf8))?.upperBound ?? lowered.endIndex
                lowered.removeSubrange(open.lowerBound..<close)
                kept.removeSubrange(open.lowerBound..<close)
            }
        }
        return kept
    }

    private static func showsMedia(_ bytes: [UInt8]) -> Bool {
        guard bytes.contains(UInt8(ascii: "<")) else { return false }
        let lowered = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        return ["<img", "<video", "<audio", "<picture", "<source"].contains { lowered.firstRange(of: Array($0.utf8)) != nil }
    }
}
