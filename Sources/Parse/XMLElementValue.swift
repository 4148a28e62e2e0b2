internal import Markup

/// A copied XML element subtree: plain Swift values, no libxml2 pointers.
struct XMLElementValue: Sendable {
    enum Child: Sendable {
        case element(XMLElementValue)
        /// Character data with the XML layer's entities already decoded.
        case text(String)
    }

    var name: String
    /// Namespace URI, empty when none.
    var namespace: String
    var attributes: [(name: String, namespace: String, value: String)]
    var children: [Child]
    /// Effective xml:base at this element, when the document sets one.
    var base: String?

    func attribute(_ name: String) -> String? {
        attributes.first(where: { $0.name == name })?.value
    }

    /// Concatenated character data of the whole subtree.
    var text: String {
        // Most elements hold one text node: hand its String on rather than copy a whole body.
        if children.count == 1, case .text(let only) = children[0] { return only }
        var output = ""
        appendText(to: &output)
        return output
    }

    private func appendText(to output: inout String) {
        for child in children {
            switch child {
            case .text(let text): output += text
            case .element(let element): element.appendText(to: &output)
            }
        }
    }

    /// The subtree without item and entry elements (`XMLTreeCopier.copy(_:skippingItems:)`).
    func removingItems() -> XMLElementValue {
        var copy = self
        copy.children = children.compactMap { child in
            guard case .element(let element) = child else { return child }
            return XMLFeedReader.isItem(element.name) ? nil : .element(element.removingItems())
        }
        return copy
    }

    var elements: [XMLElementValue] {
        children.compactMap { if case .element(let element) = $0 { element } else { nil } }
    }

    var hasElementChildren: Bool {
        children.contains { if case .element = $0 { true } else { false } }
    }

    // The adapters ask for a dozen names per item: walk the children in place rather than
    // building the `elements` array for every question.
    func first(_ name: String, in namespaces: [String]) -> XMLElementValue? {
        for case .element(let element) in children where element.name == name && namespaces.contains(element.namespace) {
            return element
        }
        return nil
    }

    func first(_ name: String, in namespace: String) -> XMLElementValue? {
        for case .element(let element) in children where element.name == name && element.namespace == namespace {
            return element
        }
        return nil
    }

    func all(_ name: String, in namespaces: [String]) -> [XMLElementValue] {
        var found: [XMLElementValue] = []
        for case .element(let element) in children where element.name == name && namespaces.contains(element.namespace) {
            found.append(element)
        }
        return found
    }

    func all(_ name: String, in namespace: String) -> [XMLElementValue] {
        var found: [XMLElementValue] = []
        for case .element(let element) in children where element.name == name && element.namespace == namespace {
            found.append(element)
        }
        return found
    }

    /// True when some child element is in `namespace`: lets a module's fields be skipped at once.
    func hasChild(in namespace: String) -> Bool {
        children.contains { if case .element(let element) = $0 { element.namespace == namespace } else { false } }
    }

    /// The children written back as markup: for HTML carried as XML elements (Atom xhtml,
    /// unescaped content:encoded). Text is re-escaped because the XML layer decoded it.
    var innerMarkup: String {
        var output = ""
        appendInnerMarkup(to: &output)
        return output
    }

    /// Written into one string from the top down: each level building its own string and copying
    /// it into its parent's cost a copy per level (250 levels of unclosed `<li>`: 1 GB for 11 MB).
    private func appendInnerMarkup(to output: inout String) {
        for child in children {
            switch child {
            case .text(let text): output += HTMLEscaping.text(text)
            case .element(let element): element.appendMarkup(to: &output)
            }
        }
    }

    static let htmlVoidElements: Set<String> = ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                                                "param", "source", "track", "wbr"]

    private func appendMarkup(to output: inout String) {
        output += "<" + name
        for attribute in attributes {
            output += " \(attribute.name)=\"\(HTMLEscaping.attribute(attribute.value))\""
        }
        // `<video …/>` is no empty element to HTML but an open one, and everything after it (the
        // rest of the post) became its fallback content: only HTML's void elements close themselves.
        guard !children.isEmpty || !Self.htmlVoidElements.contains(name.lowercased()) else {
            output += "/>"
            return
        }
        output += ">"
        appendInnerMarkup(to: &output)
        output += "</" + name + ">"
    }
}
