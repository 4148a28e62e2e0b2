internal import CLibXML2
internal import Foundation  // memchr

/// What the dialect adapters are handed, in document order.
enum XMLFeedEvent {
    case root(XMLElementValue)
    case channelElement(XMLElementValue)
    case item(XMLElementValue)
}

/// Reads a feed document with libxml2 and copies out, one at a time, the root element, each
/// channel-level element and each item/entry subtree. No libxml2 object outlives `read`.
///
/// The stream (`XMLEventStream`, libxml2's SAX2 parser) keeps memory to one item at a time and
/// hands each item on as soon as it is read, but gives up at the first well-formedness error.
/// A document it cannot finish is read again with the recovering tree parser, which keeps every
/// complete item of a broken document; the root and the items the stream already delivered are
/// not delivered twice. Both give the same values for the same elements.
enum XMLFeedReader {
    /// Recover from broken markup, never touch the network, never substitute entities from a
    /// DTD (no NOENT), merge CDATA into text, and keep libxml2 quiet about what it recovers from.
    /// No XML_PARSE_HUGE: libxml2's default limits (depth 256, 10 MB text nodes) stay on.
    static let options: Int32 = Int32(bitPattern: XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue
        | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue
        | XML_PARSE_COMPACT.rawValue)

    /// A forced encoding (the evidence's) overrides the declaration, which may name no encoding at all.
    static func options(forcing encoding: String?) -> Int32 {
        encoding == nil ? options : options | Int32(bitPattern: XML_PARSE_IGNORE_ENC.rawValue)
    }

    enum Outcome {
        case complete, noRoot
        /// The stream stopped early and `treeFallback` was off.
        case streamStopped
        /// `shouldStop` said so: what was delivered is all there is.
        case cut
    }

    /// Calls `visit` for each event. `encoding` overrides the document's own declaration (nil:
    /// libxml2 detects it). Without `treeFallback`, a document the stream cannot finish is left
    /// to the caller, who may want to read it differently.
    /// `shouldStop` is asked between chunks of the document and after each item; once it says
    /// yes, reading ends there (`.cut`), with no fallback.
    static func read(_ bytes: [UInt8], url: String, encoding: String?, treeFallback: Bool,
                     readsCDATA: Bool = false, recovered: (String) -> Void = { _ in },
                     endedInsideItem: () -> Void = {},
                     shouldStop: () -> Bool = { false },
                     visit: (XMLFeedEvent) -> Void) -> Outcome {
        silenceLibxml2OnThisThread()
        let resolvesBase = mentionsXMLBase(bytes)
        var sawRoot = false
        var itemsDelivered = 0
        var stopped = false
        let end = XMLEventStream.read(bytes, url: url, encoding: encoding, options: options(forcing: encoding),
                                           resolvesBase: resolvesBase, readsCDATA: readsCDATA,
                                           shouldStop: { stopped = stopped || shouldStop(); return stopped }) { event in
            if case .root = event { sawRoot = true }
            if case .item = event { itemsDelivered += 1 }
            visit(event)
        }
        if end == .whole { return sawRoot ? .complete : .noRoot }
        if stopped || shouldStop() { return .cut }
        // The items before the cut are whole; the recovering parser would make a post of the cut
        // one, its text ending mid-sentence, which the next whole fetch may never correct. A
        // document whose root is closed at its end was not cut: what took the rest of it (a
        // comment never closed) is the recovering repair's to mend.
        if end == .cutInsideItem || DocumentEnd.endsInsideItemStartTag(bytes), sawRoot, !DocumentEnd.closesRoot(bytes) {
            endedInsideItem()
            recovered("the document ends inside an item (cut short): \(itemsDelivered) item\(itemsDelivered == 1 ? "" : "s") "
                      + "read, the cut one left out")
            return .complete
        }
        guard treeFallback else { return .streamStopped }
        var itemsToSkip = itemsDelivered
        let copier = XMLTreeCopier(resolvesBase: resolvesBase)
        let quoted = AttributeRepair.repair(bytes)
        let recoverable = EntityRepair.repair(quoted ?? bytes, recovering: true) ?? quoted ?? bytes
        var treeRecovered = false
        let treeHadRoot = tree(recoverable, url: url, encoding: encoding, copier: copier, recovered: {
            treeRecovered = true
            recovered($0)
        }, shouldStop: {
            stopped = stopped || shouldStop()
            return stopped
        }) { event in
            switch event {
            case .root where sawRoot: return
            case .item where itemsToSkip > 0: itemsToSkip -= 1
            default: visit(event)
            }
        }
        if stopped { return .cut }
        // What stopped the stream, the recovering repair mended: HTML tags left open in the items' text.
        if !treeRecovered, quoted != nil {
            recovered("attribute values written without quotes (as in <guid isPermaLink=false>) read as quoted")
        } else if !treeRecovered {
            recovered("unclosed HTML tags in the items' text (<br>, <p>, <li>...) read as closed, stray end tags dropped, "
                      + "and a comment, <?instruction or CDATA marker never closed read as text")
        }
        return treeHadRoot || sawRoot ? .complete : .noRoot
    }

    /// xml:base is rare; when the bytes never name it, no element needs its base looked up.
    /// Jumps from colon to colon with libc's memchr, which is several times faster over a whole
    /// document than a scan of our own; a feed has few colons outside its URLs and dates.
    private static func mentionsXMLBase(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            guard let start = buffer.baseAddress else { return false }
            var index = 0
            while index < buffer.count, let found = memchr(start + index, Int32(UInt8(ascii: ":")), buffer.count - index) {
                let colon = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - start
                if colon >= 3, colon + 5 <= buffer.count, buffer[(colon - 3)..<colon].elementsEqual("xml".utf8),
                   buffer[(colon + 1)..<(colon + 5)].elementsEqual("base".utf8) { return true }
                index = colon + 1
            }
            return false
        }
    }

    /// The recovering pass over a whole tree.
    /// `shouldStop` is asked before each element of the channel is copied.
    /// `recovered` is told where libxml2 first found the document broken when the document was not well-formed.
    static func tree(_ bytes: [UInt8], url: String, encoding: String?, copier: XMLTreeCopier,
                     recovered: (String) -> Void = { _ in },
                     shouldStop: () -> Bool = { false }, visit: (XMLFeedEvent) -> Void) -> Bool {
        guard let context = xmlNewParserCtxt() else { return false }
        defer { xmlFreeParserCtxt(context) }
        let (document, damage) = read(bytes, with: context, url: url, encoding: encoding, options: options(forcing: encoding))
        if let damage { recovered(damage) }
        guard let document else { return false }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { return false }
        let rootName = String(cString: root.pointee.name)
        visit(.root(copier.shallowCopy(root)))
        visitChildren(of: root, depth: 1, rootName: rootName, copier: copier, shouldStop: shouldStop, visit: visit)
        return true
    }

    /// "line 12: Opening and ending tag mismatch: b and channel", for the log and `parse`.
    /// A whole document read with `context`, and where it first broke if it was not well-formed:
    /// libxml2 keeps only its last error, and recovering makes more of them up to the document's
    /// end ("Premature end of data" on the last line for an element left open on line 3).
    static func read(_ bytes: [UInt8], with context: xmlParserCtxtPtr, url: String, encoding: String?,
                     options: Int32) -> (document: xmlDocPtr?, damage: String?) {
        var first = crawler_xml_first_error()
        let document: xmlDocPtr? = withUnsafeMutablePointer(to: &first) { first in
            crawler_xml_keep_first_error_in(context, first)
            defer { context.pointee._private = nil }
            return bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { characters in
                    xmlCtxtReadMemory(context, characters, Int32(clamping: buffer.count), url, encoding, options)
                }
            }
        }
        guard context.pointee.wellFormed == 0 else { return (document, nil) }
        guard first.set != 0 else { return (document, describe(xmlCtxtGetLastError(context))) }
        let message = withUnsafeBytes(of: first.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return (document, describe(message, line: first.line))
    }

    static func describe(_ error: xmlErrorPtr?) -> String {
        guard let error, let message = error.pointee.message else { return "not well-formed" }
        return describe(String(cString: message), line: error.pointee.line)
    }

    private static func describe(_ message: String, line: Int32) -> String {
        let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        // Some of libxml2's messages end with their line already ("... in tag title line 12").
        return line > 0 && !text.hasSuffix("line \(line)") ? "line \(line): \(text)" : text
    }

    private static func visitChildren(of parent: xmlNodePtr, depth: Int, rootName: String, copier: XMLTreeCopier,
                                      shouldStop: () -> Bool, visit: (XMLFeedEvent) -> Void) {
        var child = parent.pointee.children
        while let node = child, !shouldStop() {
            if node.pointee.type == XML_ELEMENT_NODE {
                let name = String(cString: node.pointee.name)
                if isChannel(name, depth: depth, rootName: rootName) {
                    visitChildren(of: node, depth: depth + 1, rootName: rootName, copier: copier,
                                  shouldStop: shouldStop, visit: visit)
                } else {
                    deliver(node, copier: copier, visit: visit)
                }
            }
            child = node.pointee.next
        }
    }

    static func isChannel(_ name: String, depth: Int, rootName: String) -> Bool {
        name == "channel" && depth == 1 && rootName != "feed"
    }

    static func isItem(_ name: String) -> Bool {
        name == "item" || name == "entry"
    }

    /// `deliver` for a subtree built as values (by `XMLEventStream`): the item without the items
    /// nested in it, then those.
    static func deliver(_ element: XMLElementValue, visit: (XMLFeedEvent) -> Void) {
        guard isItem(element.name) else {
            visit(.channelElement(element))
            return
        }
        visit(.item(element.removingItems()))
        deliverNestedItems(in: element, visit: visit)
    }

    private static func deliverNestedItems(in parent: XMLElementValue, visit: (XMLFeedEvent) -> Void) {
        for case .element(let child) in parent.children {
            if isItem(child.name) {
                deliver(child, visit: visit)
            } else {
                deliverNestedItems(in: child, visit: visit)
            }
        }
    }

    /// One channel element or item; then, for an item, the items nested in it. A well-formed feed
    /// has none, but libxml2's recovery puts every item after an unclosed tag inside that item.
    private static func deliver(_ node: xmlNodePtr, copier: XMLTreeCopier, visit: (XMLFeedEvent) -> Void) {
        guard XMLTreeCopier.isItem(node) else {
            visit(.channelElement(copier.copy(node)))
            return
        }
        visit(.item(copier.copy(node, skippingItems: true)))
        deliverNestedItems(in: node, copier: copier, visit: visit)
    }

    private static func deliverNestedItems(in parent: xmlNodePtr, copier: XMLTreeCopier, visit: (XMLFeedEvent) -> Void) {
        var child = parent.pointee.children
        while let node = child {
            if node.pointee.type == XML_ELEMENT_NODE {
                if XMLTreeCopier.isItem(node) {
                    deliver(node, copier: copier, visit: visit)
                } else {
                    deliverNestedItems(in: node, copier: copier, visit: visit)
                }
            }
            child = node.pointee.next
        }
    }
}

/// libxml2 prints every recovered error to stderr unless told otherwise; feeds are full of them.
/// Its error handlers are per thread, and feeds are parsed on whichever pool thread is free, so
/// every parse sets them on its own thread (two stores; the initialisation runs once).
func silenceLibxml2OnThisThread() {
    libxml2Initialised
    crawler_xml_silence_errors()
}

private let libxml2Initialised: Void = {
    xmlInitParser()
}()
