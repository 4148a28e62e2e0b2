/// An HTML page as plain values: what `Parse.HTMLPageReader` copies out of libxml2's HTML tree,
/// and what extraction scores, selects from and writes back out. Text is decoded (no entities).
public enum HTMLNode: Sendable, Hashable {
    case element(HTMLElement)
    case text(String)
}

public struct HTMLElement: Sendable, Hashable {
    /// Lower-cased.
    public var name: String
    /// In document order, names lower-cased, values decoded.
    public var attributes: [Attribute]
    public var children: [HTMLNode]

    public struct Attribute: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(name: String, attributes: [Attribute] = [], children: [HTMLNode] = []) {
        self.name = name
        self.attributes = attributes
        self.children = children
    }

    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// The `class` attribute's words.
    public var classes: [Substring] {
        (attribute("class") ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
    }

    /// All the text below, in order, as it stands (white space not folded).
    public var text: String {
        var output = ""
        appendText(to: &output)
        return output
    }

    func appendText(to output: inout String) {
        for child in children {
            switch child {
            case .text(let text): output += text
            case .element(let element): element.appendText(to: &output)
            }
        }
    }

    /// The child elements, without the text between them.
    public var elements: [HTMLElement] {
        children.compactMap { if case .element(let element) = $0 { return element } else { return nil } }
    }
}
