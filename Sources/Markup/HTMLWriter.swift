/// Writes an `HTMLNode` tree back out as HTML: text and attribute values escaped, void elements
/// without an end tag, and the URLs of links and images resolved against the page they came from.
public struct HTMLWriter: Sendable {
    /// The page's address: the base for relative URLs (nil or not http(s): left as they are).
    public var base: String?

    public init(base: String?) {
        self.base = URLResolver.webBase(base)
    }

    static let voidElements: Set<String> = ["area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                                            "meta", "param", "source", "track", "wbr"]
    static let urlAttributes: Set<String> = ["href", "src", "poster", "data-src", "data-original", "data-lazy-src"]
    /// Whose text is not HTML-escaped by the parser that reads it back.
    static let rawTextElements: Set<String> = ["script", "style"]

    public func html(_ nodes: [HTMLNode]) -> String {
        var output = ""
        for node in nodes { write(node, to: &output) }
        return output
    }

    public func html(_ element: HTMLElement) -> String {
        var output = ""
        write(.element(element), to: &output)
        return output
    }

    private func write(_ node: HTMLNode, to output: inout String) {
        switch node {
        case .text(let text):
            output += HTMLEscaping.text(text)
        case .element(let element):
            output += "<" + element.name
            for attribute in element.attributes where Self.isWritable(attribute.name) {
                var value = attribute.value
                if Self.urlAttributes.contains(attribute.name), let base, !value.isEmpty {
                    value = URLResolver.resolve(value, against: base)
                }
                output += " " + attribute.name + "=\"" + HTMLEscaping.attribute(value) + "\""
            }
            output += ">"
            guard !Self.voidElements.contains(element.name) else { return }
            if Self.rawTextElements.contains(element.name) {
                // Never kept by extraction; written as text if a caller asks, so it cannot run.
                output += HTMLEscaping.text(element.text)
            } else {
                for child in element.children { write(child, to: &output) }
            }
            output += "</" + element.name + ">"
        }
    }

    /// Attribute names a browser would read as one name (libxml2 keeps odd ones from broken pages).
    static func isWritable(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { byte in
            byte > 0x20 && byte != 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "'")
                && byte != UInt8(ascii: ">") && byte != UInt8(ascii: "/") && byte != UInt8(ascii: "=")
                && byte != UInt8(ascii: "<")
        }
    }
}
