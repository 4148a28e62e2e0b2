internal import CLibXML2

/// Copies libxml2 nodes into `XMLElementValue`s. The only code that reads xmlNode fields.
final class XMLTreeCopier {
    /// False when the document never mentions xml:base: then no element's base is looked up,
    /// which spares a walk up the ancestors for every copied element.
    let resolvesBase: Bool
    private var namespaces = NamespaceTable()

    init(resolvesBase: Bool) {
        self.resolvesBase = resolvesBase
    }

    /// Copies the subtree; with `skippingItems`, leaves out item and entry elements (which
    /// libxml2's recovery nests inside a broken item; the reader delivers them on their own).
    func copy(_ node: UnsafeMutablePointer<xmlNode>, skippingItems: Bool = false) -> XMLElementValue {
        var value = shallowCopy(node)
        value.children.reserveCapacity(childCount(of: node))
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                if !skippingItems || !Self.isItem(current) {
                    value.children.append(.element(copy(current, skippingItems: skippingItems)))
                }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content {
                    value.children.append(.text(String(cString: content)))
                }
            case XML_ENTITY_REF_NODE:
                // An entity the document never declared (&nbsp; in RSS): keep it as written,
                // so HTML consumers can still decode it.
                value.children.append(.text("&" + String(cString: current.pointee.name) + ";"))
            default:
                break
            }
            child = current.pointee.next
        }
        return value
    }

    /// Spares the children array its regrowths: an item has a dozen.
    private func childCount(of node: UnsafeMutablePointer<xmlNode>) -> Int {
        var count = 0
        var child = node.pointee.children
        while let current = child {
            count += 1
            child = current.pointee.next
        }
        return count
    }

    /// True for `<item>` and `<entry>`, compared in place: this runs for every element of every item.
    static func isItem(_ node: UnsafeMutablePointer<xmlNode>) -> Bool {
        guard let name = node.pointee.name else { return false }
        return xmlStrEqual(name, "item") != 0 || xmlStrEqual(name, "entry") != 0
    }

    /// The element's name, namespace, attributes and base, without its children.
    func shallowCopy(_ node: UnsafeMutablePointer<xmlNode>) -> XMLElementValue {
        let namespace = node.pointee.ns.flatMap { $0.pointee.href }.map(namespace(named:)) ?? ""
        var attributes: [(name: String, namespace: String, value: String)] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            let name = String(cString: current.pointee.name)
            let attributeNamespace = current.pointee.ns.flatMap { $0.pointee.href }.map(namespace(named:)) ?? ""
            attributes.append((name, attributeNamespace, value(of: current, in: node)))
            attribute = current.pointee.next
        }
        return XMLElementValue(name: String(cString: node.pointee.name), namespace: namespace,
                               attributes: attributes, children: [], base: base(of: node))
    }

    /// An attribute's value: almost always one text node, read in place; otherwise libxml2 joins the parts.
    private func value(of attribute: UnsafeMutablePointer<xmlAttr>, in node: UnsafeMutablePointer<xmlNode>) -> String {
        if let only = attribute.pointee.children, only.pointee.next == nil, only.pointee.type == XML_TEXT_NODE,
           let content = only.pointee.content {
            return String(cString: content)
        }
        guard let joined = xmlNodeListGetString(node.pointee.doc, attribute.pointee.children, 1) else { return "" }
        defer { crawler_xml_free(joined) }
        return String(cString: joined)
    }

    private func namespace(named href: UnsafePointer<xmlChar>) -> String {
        namespaces.uri(href)
    }

    private func base(of node: UnsafeMutablePointer<xmlNode>) -> String? {
        guard resolvesBase, hasXMLBase(node) else { return nil }
        guard let value = xmlNodeGetBase(node.pointee.doc, node) else { return nil }
        defer { crawler_xml_free(value) }
        return String(cString: value)
    }

    /// xmlNodeGetBase falls back to the document URL; only ask when some ancestor sets xml:base.
    private func hasXMLBase(_ node: UnsafeMutablePointer<xmlNode>) -> Bool {
        var current: UnsafeMutablePointer<xmlNode>? = node
        while let element = current, element.pointee.type == XML_ELEMENT_NODE {
            var attribute = element.pointee.properties
            while let property = attribute {
                if String(cString: property.pointee.name) == "base", property.pointee.ns != nil { return true }
                attribute = property.pointee.next
            }
            current = element.pointee.parent
        }
        return false
    }
}
