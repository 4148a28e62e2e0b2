internal import CLibXML2

/// Namespace URIs seen so far, as libxml2 spells them (NUL-terminated) and as the String handed
/// out. A feed uses a handful, each on thousands of elements, and a URI is too long for a small
/// string: reusing one saves an allocation per element. The known ones come first, as the very
/// strings `Namespaces` holds, so that the adapters' comparisons with them are two-word compares.
struct NamespaceTable {
    private var entries: [(bytes: [UInt8], uri: String)] = Namespaces.known.dropFirst().map { (Array($0.utf8) + [0], $0) }

    /// The last URI asked for, by libxml2's pointer: a parse hands the same pointer (interned in
    /// its dictionary, or the tree's namespace node) for the same URI, element after element. A
    /// table lives no longer than its one document, so the pointer cannot be reused meanwhile.
    private var last: (href: UnsafePointer<xmlChar>, uri: String)?

    mutating func uri(_ href: UnsafePointer<xmlChar>) -> String {
        if let last, last.href == href { return last.uri }
        let uri = lookUp(href)
        last = (href, uri)
        return uri
    }

    private mutating func lookUp(_ href: UnsafePointer<xmlChar>) -> String {
        if let known = entries.first(where: { xmlStrEqual(href, $0.bytes) != 0 }) { return known.uri }
        let uri = String(cString: href)
        if entries.count < 32 { entries.append((Array(uri.utf8) + [0], uri)) }  // a hostile document may declare thousands
        return uri
    }
}
