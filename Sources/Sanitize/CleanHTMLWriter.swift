internal import Markup

/// Writes what the allowlist keeps of a parsed body as HTML that parses back to the same elements:
/// text and attribute values escaped, attribute values quoted, every kept element closed.
struct CleanHTMLWriter {
    private var output = ""

    /// The name of `HTMLSanitizer.endMarker`.
    static let markerName = Array("crawler-end-of-body".utf8)

    func html(of root: GumboNodeView) -> String {
        var writer = self
        writer.output.reserveCapacity(1024)
        for child in root.children { writer.append(child, depth: 1) }
        return writer.output
    }

    /// Whether an attribute stays on a kept element: allowed there, and holding an allowed URL if it holds one.
    static func keeps(_ attribute: (name: String, value: String, namespaced: Bool), on element: String) -> Bool {
        guard !attribute.namespaced, ElementPolicy.allows(attribute: attribute.name, on: element) else { return false }
        if attribute.name == "srcset" { return URLPolicy.allowsSourceSet(attribute.value) }
        if attribute.name == "style" { return InlineStyle.contained(attribute.value) != nil }
        guard ElementPolicy.urlAttributes.contains(attribute.name) else { return true }
        return URLPolicy.allows(attribute.value, dataImage: element == "img" && attribute.name == "src")
    }

    private mutating func append(_ node: GumboNodeView, depth: Int) {
        switch node.kind {
        case .element where depth > ElementPolicy.maximumDepth: appendText(of: node)
        case .element: writeElement(node, depth: depth)
        case .text: output += HTMLEscaping.text(node.text)
        case .whitespace: output += node.text
        case .comment:
            let text = node.text
            if Self.keeps(comment: text) { output += "<!--" + text + "-->" }
        case .other: break
        }
    }

    private mutating func writeElement(_ node: GumboNodeView, depth: Int) {
        // Also gone: a tag whose unquoted value or attribute name took the end marker in (`<a href=x`),
        // which the page after the body would have closed instead.
        guard node.isHTML, !Array(node.originalTag).containsCaseInsensitive(Self.markerName) else { return }
        let name = node.name
        guard !ElementPolicy.droppedWithContent.contains(name) else { return }
        guard ElementPolicy.allowed.contains(name) else {
            // An unknown or harmless wrapper (`<font>`, `<o:p>`, `<form>`): keep its content. One
            // level deeper all the same, so that `maximumDepth` bounds the recursion: 80,000
            // nested `<p.x>` overflowed the thread's stack.
            for child in node.children { append(child, depth: depth + 1) }
            return
        }
        if name == "style" {
            writeStyle(node)
            return
        }
        writeStartTag(node, name: name)
        if ElementPolicy.void.contains(name) { return }
        let children = node.children
        // The parser drops a newline right after <pre>; write one back so a leading one survives.
        if name == "pre", let first = children.first, first.kind != .element, first.text.hasPrefix("\n") {
            output += "\n"
        }
        for child in children { append(child, depth: depth + 1) }
        output += "</" + name + ">"
    }

    /// The text of an element nested too deep, without recursing: what a kept element's text would be.
    private mutating func appendText(of node: GumboNodeView) {
        var pending = [node]
        while let next = pending.popLast() {
            switch next.kind {
            case .text, .whitespace: output += HTMLEscaping.text(next.text)
            case .element where next.isHTML && next.name != "style"
                && !ElementPolicy.droppedWithContent.contains(next.name):
                pending += next.children.reversed()
            default: break
            }
        }
    }

    private mutating func writeStartTag(_ node: GumboNodeView, name: String) {
        output += "<" + name
        for attribute in node.attributes where Self.keeps(attribute, on: name) {
            // A style keeps the declarations that may stay, dropping the rest.
            // A URL as the browser reads it (the policy judged it so): a control the parser decoded
            // from `&#1;` went out raw, and a document holding one breaks the site's XML feed.
            let value = attribute.name == "style" ? InlineStyle.contained(attribute.value) ?? ""
                : ElementPolicy.urlAttributes.contains(attribute.name) ? URLText.asRead(attribute.value) : attribute.value
            output += " " + attribute.name + "=\"" + HTMLEscaping.attribute(value) + "\""
        }
        if name == "img" && !Self.hasReferrerPolicy(node) { output += " referrerpolicy=\"no-referrer\"" }
        output += ">"
    }

    /// The body rewrites give every image `referrerpolicy` (image hosts refuse a hot-linked image
    /// with a Referer, and it tells them which site shows it); one they read as a comment or a
    /// stylesheet (`<!-->` is an empty comment to HTML, `<style>` in a `<select>` no stylesheet)
    /// went without, so the tree's images are checked, and given it when rebuilt.
    static func hasReferrerPolicy(_ node: GumboNodeView) -> Bool {
        node.attributes.contains { $0.name == "referrerpolicy" }
    }

    /// A stylesheet is raw text: kept only when closed in the source, unable to close itself early,
    /// and holding no `<` (no CSS needs one), which Markdown would read as a tag once it has read
    /// the `<style>` before it as text (Hexo, after a `\`, a fence or an indent).
    private mutating func writeStyle(_ node: GumboNodeView) {
        guard node.hasEndTag else { return }
        let css = node.children.map(\.text).joined()
        guard !css.utf8.contains(UInt8(ascii: "<")), InlineStyle.isContainedStylesheet(css.utf8) else { return }
        writeStartTag(node, name: "style")
        output += css + "</style>"
    }

    /// Comments kept: plain ones, but for the site's excerpt divider. Hugo's summary and Hexo's
    /// excerpt end at the first `<!--more-->` (Hexo: any case and spacing): a feed's divider inside
    /// an element it opened (`<font style="display:none">…<!--more-->`) left that element open
    /// on the home page, over every later post and the footer.
    static func keeps(comment text: String) -> Bool {
        isPlainComment(text) && !isExcerptDivider(text)
    }

    /// Any comment that names `more`, whatever surrounds it: Hexo's pattern allows any white
    /// space as JavaScript's `\s` reads it (no-break, ideographic, a byte-order mark), and a list
    /// of those was one character short of it. A comment shows nothing; none is worth the risk.
    static func isExcerptDivider(_ text: String) -> Bool {
        text.lowercased().contains("more")
    }

    /// A comment that reads the same wherever it lands: no brackets, no `--`, no dash at either end.
    static func isPlainComment(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let dash = UInt8(ascii: "-")
        return bytes.first != dash && bytes.last != dash
            && !bytes.contains(UInt8(ascii: "<")) && !bytes.contains(UInt8(ascii: ">"))
            && !zip(bytes, bytes.dropFirst()).contains { $0 == dash && $1 == dash }
    }
}
