/// The lengths a feed's `style` may give the properties that size and space its boxes and text.
/// A box of the post's is drawn where the post is, but its padding, border and glyphs paint
/// past it: `padding-top:3000px` on a span covered the site's header, a `font-size` of `50cm`
/// or `1E3px` (written past a bound that read only plain numbers) the whole window, and
/// `margin-top:99999999px` pushed every later post off the page. So each length is a plain
/// number (no exponent, no sign), in a unit of the screen or the text (no `cm`, no viewport
/// units), under its property's bound; and no function (`calc()`, `var()`, `attr()`) but a
/// border's colour. A font size only ever shrinks relative to its parent: `8em` inside `8em`
/// inside `8em` grew without end.
enum CSSLengths {
    enum Kind {
        /// width, height and their bounds: an image's size, a table's.
        case box
        /// Margins, paddings, borders, indents, spacing.
        case spacing
        case fontSize
        case lineHeight
    }

    static func kind(of property: String) -> Kind? {
        if ["width", "height", "max-width", "max-height", "min-width", "min-height"].contains(property) { return .box }
        if property == "font-size" { return .fontSize }
        if property == "line-height" { return .lineHeight }
        if property.hasPrefix("margin") || property.hasPrefix("padding") || property.hasPrefix("border")
            || ["text-indent", "letter-spacing", "word-spacing"].contains(property) { return .spacing }
        return nil
    }

    static func isModest(_ value: String, kind: Kind) -> Bool {
        let value = withoutColourFunctions(value)
        guard !value.contains("(") else { return false }
        let tokens = value.split { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "," || $0 == "/" }
        return tokens.allSatisfy { isModest(token: $0, kind: kind) }
    }

    private static func isModest(token: Substring, kind: Kind) -> Bool {
        guard let first = token.first else { return true }
        if first == "#" { return true }  // a colour: #1e3 is no length
        if first.isLetter { return !(kind == .fontSize && token == "larger") }
        guard let (number, unit) = length(token) else { return false }
        if number == 0 { return true }
        guard let bound = bounds(kind)[unit] else { return false }
        return number <= bound
    }

    /// `12.5px` as (12.5, "px"); nil for anything else (`1e3px`, `-4px`, `+-1`).
    private static func length(_ token: Substring) -> (Double, String)? {
        var digits = token
        if digits.first == "+" { digits = digits.dropFirst() }
        let numberEnd = digits.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? digits.endIndex
        let unit = digits[numberEnd...]
        guard numberEnd > digits.startIndex, unit.allSatisfy({ $0 == "%" || ($0.isASCII && $0.isLetter) }),
              let number = Double(digits[..<numberEnd]) else { return nil }
        return (number, String(unit))
    }

    /// The largest length of each unit a kind takes; a unit not listed (`cm`, `vw`, `e3px`) is refused.
    private static func bounds(_ kind: Kind) -> [String: Double] {
        switch kind {
        case .box: ["px": 2000, "pt": 1500, "em": 100, "rem": 100, "ex": 200, "ch": 200, "%": 100]
        case .spacing: ["px": 100, "pt": 75, "em": 6, "rem": 6, "ex": 12, "ch": 12, "%": 25]
        case .fontSize: ["px": 72, "pt": 54, "rem": 4, "em": 1, "%": 100]
        case .lineHeight: ["": 3, "px": 150, "pt": 110, "em": 3, "rem": 8, "%": 300]
        }
    }

    /// A border's `rgb(…)` or `hsl(…)` colour, taken out before the lengths are read.
    private static func withoutColourFunctions(_ value: String) -> String {
        guard value.contains("(") else { return value }
        var result = value
        for name in ["rgba(", "rgb(", "hsla(", "hsl("] {
            while let start = result.range(of: name), let end = result[start.upperBound...].firstIndex(of: ")"),
                  !result[start.upperBound..<end].contains("(") {
                result.replaceSubrange(start.lowerBound...end, with: "#colour")
            }
        }
        return result
    }
}
