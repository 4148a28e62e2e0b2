/// The CSS selectors `content_selector:` and `remove:` are written in: a type (`p`, `*`),
/// `.class`, `#id`, `[attr]`, `[attr=v]` (also `~=`, `^=`, `$=`, `*=`), compounds of those
/// (`div.post#main`), the descendant (` `) and child (`>`) combinators, and lists (`a, b`).
public struct CSSSelector: Sendable, Hashable {
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    struct Attribute: Sendable, Hashable {
        enum Operator: String, Sendable, Hashable { case exists = "", equals = "=", word = "~=", prefix = "^=", suffix = "$=", contains = "*=" }
        var name: String
        var op: Operator
        var value: String
    }

    struct Compound: Sendable, Hashable {
        var tag: String?
        var id: String?
        var classes: [String] = []
        var attributes: [Attribute] = []
        /// How this compound relates to the one before it (ignored for the first).
        var isChild = false
    }

    /// One selector of a list: compounds left to right.
    typealias Complex = [Compound]

    let alternatives: [Complex]
    public let text: String

    public init(_ text: String) throws(ParseError) {
        var parser = CSSSelectorParser(Array(text.unicodeScalars))
        alternatives = try parser.parseList()
        self.text = text
    }

    /// True when `element`, below `ancestors` (outermost first), is selected.
    public func matches(_ element: HTMLElement, ancestors: [HTMLElement]) -> Bool {
        alternatives.contains { Self.matches($0, $0.count - 1, element, ancestors[...]) }
    }

    private static func matches(_ complex: Complex, _ index: Int, _ element: HTMLElement,
                                _ ancestors: ArraySlice<HTMLElement>) -> Bool {
        guard matches(complex[index], element) else { return false }
        guard index > 0 else { return true }
        if complex[index].isChild {
            guard let parent = ancestors.last else { return false }
            return matches(complex, index - 1, parent, ancestors.dropLast())
        }
        var rest = ancestors
        while let candidate = rest.popLast() {
            if matches(complex, index - 1, candidate, rest) { return true }
        }
        return false
    }

    private static func matches(_ compound: Compound, _ element: HTMLElement) -> Bool {
        if let tag = compound.tag, tag != element.name { return false }
        if let id = compound.id, element.attribute("id") != id { return false }
        if !compound.classes.isEmpty {
            let classes = element.classes
            guard compound.classes.allSatisfy({ wanted in classes.contains { $0 == wanted } }) else { return false }
        }
        return compound.attributes.allSatisfy { condition in
            guard let value = element.attribute(condition.name) else { return false }
            switch condition.op {
            case .exists: return true
            case .equals: return value == condition.value
            case .word: return value.split(separator: " ").contains { $0 == condition.value }
            case .prefix: return !condition.value.isEmpty && value.hasPrefix(condition.value)
            case .suffix: return !condition.value.isEmpty && value.hasSuffix(condition.value)
            case .contains: return !condition.value.isEmpty && value.contains(condition.value)
            }
        }
    }
}

/// A small recursive-descent reader for the selector grammar above.
struct CSSSelectorParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    mutating func parseList() throws(CSSSelector.ParseError) -> [CSSSelector.Complex] {
        var list: [CSSSelector.Complex] = []
        repeat {
            list.append(try parseComplex())
        } while take(",")
        skipSpaces()
        guard index == scalars.count else { throw problem("unexpected '\(scalars[index])'") }
        return list
    }

    private mutating func parseComplex() throws(CSSSelector.ParseError) -> CSSSelector.Complex {
        skipSpaces()
        var compounds = [try parseCompound()]
        while true {
            let hadSpace = skipSpaces()
            if take(">") {
                skipSpaces()
                var next = try parseCompound()
                next.isChild = true
                compounds.append(next)
            } else if hadSpace, index < scalars.count, scalars[index] != ",", scalars[index] != ">" {
                compounds.append(try parseCompound())
            } else {
                return compounds
            }
        }
    }

    private mutating func parseCompound() throws(CSSSelector.ParseError) -> CSSSelector.Compound {
        var compound = CSSSelector.Compound()
        if take("*") {
            compound.tag = nil
        } else if let name = identifier() {
            compound.tag = name.lowercased()
        }
        var any = compound.tag != nil || (index > 0 && scalars[index - 1] == "*")
        while index < scalars.count {
            if take(".") {
                guard let name = identifier() else { throw problem("a class name must follow '.'") }
                compound.classes.append(name)
            } else if take("#") {
                guard let name = identifier() else { throw problem("an id must follow '#'") }
                compound.id = name
            } else if take("[") {
                compound.attributes.append(try parseAttribute())
            } else {
                break
            }
            any = true
        }
        guard any else {
            throw problem(index < scalars.count ? "unexpected '\(scalars[index])'" : "a selector is missing")
        }
        return compound
    }

    private mutating func parseAttribute() throws(CSSSelector.ParseError) -> CSSSelector.Attribute {
        skipSpaces()
        guard let name = identifier() else { throw problem("an attribute name must follow '['") }
        skipSpaces()
        var op = CSSSelector.Attribute.Operator.exists
        for candidate in [CSSSelector.Attribute.Operator.word, .prefix, .suffix, .contains, .equals]
        where take(candidate.rawValue) {
            op = candidate
            break
        }
        var value = ""
        if op != .exists {
            skipSpaces()
            if index < scalars.count, case let quote = scalars[index], quote == "\"" || quote == "'" {
                index += 1
                guard let end = scalars[index...].firstIndex(of: quote) else { throw problem("an unclosed quote") }
                value = String(String.UnicodeScalarView(scalars[index..<end]))
                index = end + 1
            } else {
                guard let bare = identifier() else { throw problem("a value must follow '\(op.rawValue)'") }
                value = bare
            }
            skipSpaces()
        }
        guard take("]") else { throw problem("'[' without its ']'") }
        return .init(name: name.lowercased(), op: op, value: value)
    }

    private mutating func identifier() -> String? {
        let start = index
        while index < scalars.count {
            let scalar = scalars[index]
            let isName = scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-"
                || scalar == "_" || scalar.value > 0x7F
            guard isName else { break }
            index += 1
        }
        return index > start ? String(String.UnicodeScalarView(scalars[start..<index])) : nil
    }

    @discardableResult
    private mutating func skipSpaces() -> Bool {
        let start = index
        while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
        return index > start
    }

    private mutating func take(_ text: String) -> Bool {
        let wanted = Array(text.unicodeScalars)
        guard index + wanted.count <= scalars.count, Array(scalars[index..<index + wanted.count]) == wanted else {
            return false
        }
        index += wanted.count
        return true
    }

    private func problem(_ message: String) -> CSSSelector.ParseError {
        CSSSelector.ParseError(message: "\(message) at character \(min(index, scalars.count) + 1)")
    }
}
