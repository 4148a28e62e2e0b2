internal import CLibXML2

/// Walks a feed document with libxml2's streaming reader and copies out, one at a time,
/// the root element, each channel-level element and each item/entry subtree.
/// No libxml2 object outlives `read`: a subtree is expanded, copied to values, and left behind.
struct XMLStreamReader {
    enum Event {
        case root(XMLElementValue)
        case channelElement(XMLElementValue)
        case item(XMLElementValue)
    }

    /// Parser options: recover from broken markup, never touch the network, never substitute
    /// entities from a DTD (no NOENT), and keep libxml2 quiet about what it recovers from.
    static let options: Int32 = Int32(bitPattern: XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue
        | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue
        | XML_PARSE_COMPACT.rawValue)

    static let itemNames: Set<String> = ["item", "entry"]

    /// Reads `bytes`, calling `visit` for each event in document order. `encoding` overrides the
    /// document's own declaration (nil: let libxml2 detect it). Returns false if no root was found.
    static func read(_ bytes: [UInt8], url: String, encoding: String?, visit: (Event) -> Void) -> Bool {
        silenceLibxml2
        let reader: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) { characters in
                xmlReaderForMemory(characters, Int32(clamping: buffer.count), url, encoding, options)
            }
        }
        guard let reader else { return false }
        defer { xmlFreeTextReader(reader) }
        var sawRoot = false
        var rootName = ""
        var status = xmlTextReaderRead(reader)
        while status == 1 {
            guard xmlTextReaderNodeType(reader) == Int32(XML_READER_TYPE_ELEMENT.rawValue),
                  let node = xmlTextReaderCurrentNode(reader) else {
                status = xmlTextReaderRead(reader)
                continue
            }
            let depth = xmlTextReaderDepth(reader)
            let name = String(cString: node.pointee.name)
            if depth == 0 {
                sawRoot = true
                rootName = name
                visit(.root(XMLTreeCopier.shallowCopy(node)))
                status = xmlTextReaderRead(reader)
            } else if name == "channel" && depth == 1 && rootName != "feed" {
                status = xmlTextReaderRead(reader)  // descend: its children are the channel fields
            } else if let expanded = xmlTextReaderExpand(reader) {
                let value = XMLTreeCopier.copy(expanded)
                visit(itemNames.contains(name) ? .item(value) : .channelElement(value))
                status = xmlTextReaderNext(reader)
            } else {
                status = xmlTextReaderNext(reader)
            }
        }
        return sawRoot
    }
}

/// libxml2 prints every recovered error to stderr unless told otherwise; feeds are full of them.
private let silenceLibxml2: Void = {
    xmlInitParser()
    crawler_xml_silence_errors()
}()
