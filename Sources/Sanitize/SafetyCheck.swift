/// Whether a parsed body may be kept byte for byte: every element and attribute allowed, every URL
/// allowed, nothing the parser dropped, and the end marker found where the body's end left it.
struct SafetyCheck {
    let endMarker: [UInt8]

    static func isClean(_ root: GumboNodeView, endMarker: [UInt8]) -> Bool {
        // `<html …>` inside the body adds its attributes to the page's root element.
        guard root.attributeCount == 0 else { return false }
        let check = SafetyCheck(endMarker: endMarker)
        return check.allClean(root.children, inStyle: false, depth: 1) && check.endsWithMarker(root)
    }

    /// Elements whose end tag may be left out: the page's next end tag closes them where they
    /// stand, and nothing of them goes on after the body.
    private static let closedByTheNextEndTag: Set<String> = ["p", "li", "dd", "dt", "rt", "rp", "option", "optgroup"]

    /// Whether the marker is the last thing in the body, inside nothing but elements the page's
    /// next end tag closes. An element the body left open otherwise holds the page after it or
    /// takes the theme's end tag (`<div>`), is built again after it (`<b>`), or had the marker
    /// moved out of it, ahead of it (`<table>`).
    private func endsWithMarker(_ root: GumboNodeView) -> Bool {
        var node = root
        while let last = node.children.last(where: { $0.kind != .whitespace }), last.kind == .element, last.isHTML {
            if last.originalTag.elementsEqual(endMarker) { return true }
            guard Self.closedByTheNextEndTag.contains(last.name) else { return false }
            node = last
        }
        return false
    }

    private func allClean(_ nodes: [GumboNodeView], inStyle: Bool, depth: Int) -> Bool {
        nodes.allSatisfy { isClean($0, inStyle: inStyle, depth: depth) }
    }

    private func isClean(_ node: GumboNodeView, inStyle: Bool, depth: Int) -> Bool {
        switch node.kind {
        case .element:
            guard depth <= ElementPolicy.maximumDepth else { return false }
            if node.isHTML, node.originalTag.elementsEqual(endMarker) { return node.children.isEmpty }
            guard node.isHTML else { return false }
            let name = node.name
            // (A `<` inside a tag's source was looked for before the parse: `TagSource`.)
            guard ElementPolicy.allowed.contains(name),
                  node.attributes.allSatisfy({ CleanHTMLWriter.keeps($0, on: name) }),
                  node.attributes.allSatisfy({ $0.name != "style" || InlineStyle.isContained($0.value) }) else { return false }
            // A style the input ended inside swallows the page after it.
            if name == "style" && !node.hasEndTag { return false }
            if name == "img" && !CleanHTMLWriter.hasReferrerPolicy(node) { return false }
            return allClean(node.children, inStyle: name == "style", depth: depth + 1)
        case .text:
            // A start tag the tree builder ignored (it may act in the page) leaves its source in a text
            // run; in a stylesheet any `<` is rewritten (`CleanHTMLWriter.writeStyle`).
            return inStyle
                // (An at-rule cannot be seen here, in shortened text: `HTMLSanitizer.mayHoldAtRule`.)
                ? !node.originalText.contains(UInt8(ascii: "<"))
                : !Self.hasTagStart(node.originalText)
        case .whitespace:
            return true
        case .comment:
            // The same test as a rebuild's: a comment Markdown reads as text must hold no tag,
            // and no feed's comment is the site's excerpt divider.
            return CleanHTMLWriter.keeps(comment: node.text)
        case .other:
            return false
        }
    }

    private static func hasTagStart(_ source: UnsafeRawBufferPointer) -> Bool {
        guard source.count > 1 else { return false }
        for index in 0..<(source.count - 1) where source[index] == UInt8(ascii: "<") {
            let next = source[index + 1], lower = next | 0x20
            if (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || next == UInt8(ascii: "!")
                || next == UInt8(ascii: "?") { return true }
        }
        return false
    }
}
