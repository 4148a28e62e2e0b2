internal import CLibXML2
public import Markup

/// Reads a web page (an item's article, for `full_content`) with libxml2's forgiving HTML parser
/// and copies it into `HTMLNode` values; no libxml2 object outlives the call. The encoding is the
/// HTTP header's charset, else the page's `<meta>`, else what the bytes look like (UTF-8, GB18030
/// for Chinese pages sent without a label, Windows-1252).
public enum HTMLPageReader {
    /// Elements nested deeper than this are kept as their text: a hostile page nests thousands
    /// deep, and every walk over the tree recurses.
    static let maxDepth = 200

    static let options = Int32(bitPattern: HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue
        | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_COMPACT.rawValue)

    public struct Page: Sendable, Hashable {
        /// The `<html>` element (empty for a page with none).
        public var root: HTMLElement
        /// The encoding the page was read in.
        public var encoding: String
    }

    public static func read(_ bytes: [UInt8], url: String, httpCharset: String?) -> Page {
        crawler_xml_silence_errors()
        var input = bytes
        var encoding = self.encoding(of: bytes, httpCharset: httpCharset)
        if encoding == "UTF-8" {
            // Chinese sites that send GBK under a UTF-8 label are common: what the bytes are wins.
            let checked = CharsetDetector.checkingUTF8(bytes, encoding: encoding, httpCharset: httpCharset)
            input = checked.bytes ?? bytes
            encoding = checked.encoding ?? encoding
        }
        let document: htmlDocPtr? = input.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { characters in
                htmlReadMemory(characters.baseAddress, Int32(clamping: characters.count), url, encoding, options)
            }
        }
        guard let document else { return Page(root: HTMLElement(name: "html"), encoding: encoding) }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else {
            return Page(root: HTMLElement(name: "html"), encoding: encoding)
        }
        return Page(root: copy(root, depth: 0), encoding: encoding)
    }

    /// Header, then `<meta>`, then the bytes themselves.
    static func encoding(of bytes: [UInt8], httpCharset: String?) -> String {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return "UTF-8" }
        if let httpCharset, !httpCharset.isEmpty { return CharsetDetector.normalised(httpCharset) }
        if let declared = metaCharset(in: bytes) { return CharsetDetector.normalised(declared) }
        let check = UTF8Check(bytes)
        if check.isValid || check.isMostlyUTF8 { return "UTF-8" }
        return UniversalDetector.guess(bytes, language: nil)
    }

    /// `<meta charset="gbk">` or `<meta http-equiv="Content-Type" content="text/html; charset=gbk">`
    /// within the first 4 KB, as browsers look for it.
    static func metaCharset(in bytes: [UInt8]) -> String? {
        let head = Array(bytes.prefix(4096))
        for case .startTag(let tag) in HTMLLexer(head) where tag.name == "meta" {
            func value(_ name: String) -> String? {
                tag.attributes.first { $0.name == name }?.valueRange.map { String(decoding: head[$0], as: UTF8.self) }
            }
            if let charset = value("charset")?.trimmingASCIISpaces(), !charset.isEmpty { return charset }
            if value("http-equiv")?.lowercased() == "content-type", let content = value("content")?.lowercased(),
               let start = content.firstRange(of: "charset=") {
                let label = content[start.upperBound...].prefix { $0 != ";" && $0 != " " && $0 != "\"" && $0 != "'" }
                if !label.isEmpty { return String(label) }
            }
        }
        return nil
    }

    private static func copy(_ node: UnsafeMutablePointer<xmlNode>, depth: Int) -> HTMLElement {
        var element = HTMLElement(name: String(cString: node.pointee.name).lowercased())
        var attribute = node.pointee.properties
        while let current = attribute {
            var value = ""
            if let joined = xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1) {
                value = String(cString: joined)
                crawler_xml_free(joined)
            }
            element.attributes.append(.init(name: String(cString: current.pointee.name).lowercased(), value: value))
            attribute = current.pointee.next
        }
        if depth >= maxDepth {
            if let content = xmlNodeGetContent(node) {
                element.children = [.text(String(cString: content))]
                crawler_xml_free(content)
            }
            return element
        }
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                element.children.append(.element(copy(current, depth: depth + 1)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { element.children.append(.text(String(cString: content))) }
            default:
                break  // comments, processing instructions
            }
            child = current.pointee.next
        }
        return element
    }
}
