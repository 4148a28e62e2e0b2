// Sanitize: item body HTML (its URLs made absolute) → the same bytes when nothing must go, else HTML rebuilt from
// what an allowlist keeps of gumbo's HTML5 tree. Pure; no gumbo pointer leaves this module, and every
// gumbo output is destroyed before the call that parsed it returns.
internal import CGumbo

/// One parse of an item body, as browsers parse the children of a `<div>`; read only inside `with`.
enum GumboTree {
    /// What one parse may allocate: a tree of tags takes about a hundred times its body's bytes,
    /// and formatting elements the tree builder rebuilds before every later text take more, up to
    /// the square of a body's size (a `</b>` that cannot reach its `<b>`: 1.2 GB from 85 KB). The
    /// cost estimate (`ParseCost`) turns most such bodies away unparsed; this holds for the rest.
    static func memoryLimit(for bytes: Int) -> Int {
        min(64 << 20 + 256 * bytes, 512 << 20)
    }

    /// nil when gumbo returns no tree, or would take more than `memoryLimit` to build it.
    static func with<Result>(_ bytes: [UInt8], _ body: (GumboNodeView) -> Result) -> Result? {
        var arena = crawler_gumbo_arena(head: nil, allocated: 0, limit: memoryLimit(for: bytes.count), escape: nil)
        return withUnsafeMutablePointer(to: &arena) { arena -> Result? in
            // The whole tree lives in the arena: freeing it destroys the output.
            defer { crawler_gumbo_arena_free(arena) }
            var options = crawler_gumbo_div_fragment_options(arena)
            var exceeded: Int32 = 0
            let parsed = bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { chars in
                    crawler_gumbo_parse_bounded(&options, arena, chars.baseAddress, chars.count, &exceeded)
                }
            }
            guard exceeded == 0, let root = parsed?.pointee.root else { return nil }
            return body(GumboNodeView(root))
        }
    }
}

/// A node of a live gumbo tree.
struct GumboNodeView {
    let node: UnsafeMutablePointer<GumboNode>

    init(_ node: UnsafeMutablePointer<GumboNode>) { self.node = node }

    enum Kind { case element, text, whitespace, comment, other }

    var kind: Kind {
        switch node.pointee.type {
        case GUMBO_NODE_ELEMENT: return .element
        case GUMBO_NODE_TEXT: return .text
        case GUMBO_NODE_WHITESPACE: return .whitespace
        case GUMBO_NODE_COMMENT: return .comment
        default: return .other   // CDATA (foreign content only), template, document
        }
    }

    var isHTML: Bool { node.pointee.v.element.tag_namespace == GUMBO_NAMESPACE_HTML }

    /// Lower-case tag name; for a tag gumbo does not know, taken from the source.
    var name: String {
        let tag = node.pointee.v.element.tag
        guard tag == GUMBO_TAG_UNKNOWN else { return String(cString: gumbo_normalized_tagname(tag)) }
        var piece = node.pointee.v.element.original_tag
        gumbo_tag_from_original_text(&piece)
        return String(decoding: piece.bytes, as: UTF8.self).lowercased()
    }

    /// The start tag as written in the source (empty when the parser made the element up).
    var originalTag: UnsafeRawBufferPointer { node.pointee.v.element.original_tag.bytes }
    /// False when the element was closed by the end of the input or by another tag.
    var hasEndTag: Bool { node.pointee.v.element.original_end_tag.length > 0 }

    var children: [GumboNodeView] {
        let vector = node.pointee.type == GUMBO_NODE_DOCUMENT
            ? node.pointee.v.document.children : node.pointee.v.element.children
        return (0..<Int(vector.length)).compactMap { index in
            vector.data[index].map { GumboNodeView($0.assumingMemoryBound(to: GumboNode.self)) }
        }
    }

    /// name, value (character references decoded), and whether the name has a namespace (xlink:).
    var attributes: [(name: String, value: String, namespaced: Bool)] {
        let vector = node.pointee.v.element.attributes
        return (0..<Int(vector.length)).compactMap { index in
            guard let attribute = vector.data[index]?.assumingMemoryBound(to: GumboAttribute.self).pointee,
                  let name = attribute.name, let value = attribute.value else { return nil }
            return (String(cString: name), String(cString: value),
                    attribute.attr_namespace != GUMBO_ATTR_NAMESPACE_NONE)
        }
    }

    var attributeCount: Int { Int(node.pointee.v.element.attributes.length) }

    /// Text, whitespace and comment nodes: the decoded text.
    var text: String { node.pointee.v.text.text.map { String(cString: $0) } ?? "" }
    /// Text, whitespace and comment nodes: the source they came from.
    var originalText: UnsafeRawBufferPointer { node.pointee.v.text.original_text.bytes }
}

extension GumboStringPiece {
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : length) }
}
