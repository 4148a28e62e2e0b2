internal import CLibXML2
internal import Markup

/// The streaming pass of `XMLFeedReader`: libxml2's SAX2 parser calls back for every start tag,
/// run of text and end tag, and the subtrees the adapters want are built straight into
/// `XMLElementValue`s as they go by. No libxml2 tree is built, walked and freed for them, and
/// text is copied once, from libxml2's buffer into the String the item keeps.
///
/// It delivers what the libxml2 tree would give (the same `XMLFeedEvent`s as `XMLTreeCopier`
/// copies from nodes) and, like a streaming reader, gives up at the first well-formedness error,
/// leaving the document to the recovering tree parser.
///
/// A struct the callbacks reach through a pointer to it, not a class through `Unmanaged`: every
/// run of text is a callback, and each access to a class's stored property pays a dynamic
/// exclusivity check (6% of a parse). It does not own the parser context; `read` frees it.
struct XMLEventStream {
    private let visit: (XMLFeedEvent) -> Void
    /// Asked between chunks and after each item: true stops the stream there (the caller's limits).
    private let shouldStop: () -> Bool
    private let resolvesBase: Bool
    private let context: xmlParserCtxtPtr
    private var namespaces = NamespaceTable()
    private var depth = 0
    private var rootName = ""
    /// The element being delivered and its open descendants, outermost first.
    private var open: [XMLElementValue] = []
    /// Character data not yet added to the innermost open element.
    private var text: [UInt8] = []
    /// Whether the element being delivered holds an item: then it is delivered as the tree
    /// reader delivers it, the nested items on their own.
    private var holdsNestedItem = false
    /// For xml:base, per open element from the root: whether it has a namespaced `base`
    /// attribute (the tree copier's test) and the value of its xml:base.
    private var bases: [(named: Bool, value: String?)] = []
    private(set) var stoppedOnError = false
    /// Whether the element being delivered is an item (one left open when the document ends was cut).
    var isInsideItem: Bool { open.first.map { XMLFeedReader.isItem($0.name) } ?? false }

    /// How a document's stream ended (`ChunkFeeder.finish`).
    enum End {
        case whole, broken
        /// Well-formed to its last byte, inside an item: the document was cut short there.
        case cutInsideItem
    }
    /// The document, and its CDATA sections and escaped texts that libxml2 sees as markers
    /// (`CDATASections`).
    private let document: UnsafeBufferPointer<UInt8>
    private let sections: [Range<Int>]
    private var nextSection = 0
    /// Whether `text` holds bytes libxml2 has not checked: a CDATA section's.
    private var textIsUnchecked = false
    /// A section that is all the pending text so far: most bodies are one section, and their
    /// String is made from the document's bytes, not from a copy in `text`.
    private var pendingSection: Range<Int>?

    private init(context: xmlParserCtxtPtr, document: UnsafeBufferPointer<UInt8>, sections: [Range<Int>],
                 resolvesBase: Bool, shouldStop: @escaping () -> Bool, visit: @escaping (XMLFeedEvent) -> Void) {
        self.context = context
        self.shouldStop = shouldStop
        self.document = document
        self.sections = sections
        self.resolvesBase = resolvesBase
        self.visit = visit
    }

    /// True when the whole document was read without a well-formedness error.
    ///
    /// libxml2's push parser, fed in chunks: it keeps only a window of the document in memory,
    /// and it reads CDATA sections in bulk, where its pull parser goes character by character.
    /// Set up as libxml2's streaming reader sets up its own: the first four bytes (for the
    /// encoding detection), the options, then the forced encoding.
    ///
    /// With `readsCDATA` (for a document in UTF-8 only), CDATA sections reach libxml2 as markers.
    /// `shouldStop` is asked before each chunk, after each item and at each megabyte of the scan
    /// for CDATA sections; once it says yes, the stream stops there and returns false, as after an
    /// error: the caller knows which it was.
    static func read(_ bytes: [UInt8], url: String, encoding: String?, options: Int32, resolvesBase: Bool,
                     readsCDATA: Bool = false, shouldStop: () -> Bool = { false },
                     visit: (XMLFeedEvent) -> Void) -> End {
        var handler = makeEventHandler()
        return bytes.withUnsafeBufferPointer { buffer in
            let head = min(4, buffer.count)
            var sections = readsCDATA ? CDATASections.find(in: buffer, shouldStop: shouldStop) ?? [] : []
            if let first = sections.first, first.lowerBound < head { sections = [] }
            return buffer.withMemoryRebound(to: CChar.self) { characters in
                guard let base = characters.baseAddress,
                      let context = xmlCreatePushParserCtxt(&handler, nil, base, Int32(head), url) else { return .broken }
                defer {
                    if let document = context.pointee.myDoc { xmlFreeDoc(document) }
                    context.pointee.myDoc = nil
                    xmlFreeParserCtxt(context)
                }
                _ = xmlCtxtUseOptions(context, options)
                if let encoding, let converter = xmlFindCharEncodingHandler(encoding) {
                    _ = xmlSwitchToEncoding(context, converter)
                }
                return withoutActuallyEscaping(visit) { visit in withoutActuallyEscaping(shouldStop) { shouldStop in
                    var stream = XMLEventStream(context: context, document: buffer, sections: sections,
                                                resolvesBase: resolvesBase, shouldStop: shouldStop, visit: visit)
                    return withUnsafeMutablePointer(to: &stream) { stream in
                        context.pointee._private = UnsafeMutableRawPointer(stream)
                        defer { context.pointee._private = nil }
                        var feeder = ChunkFeeder(context: context, stream: stream)
                        var offset = head
                        for section in sections {
                            feeder.feed(base + offset, count: section.lowerBound - offset)
                            CDATASections.markerBytes.withUnsafeBufferPointer { marker in
                                marker.withMemoryRebound(to: CChar.self) { feeder.feed($0.baseAddress!, count: $0.count) }
                            }
                            offset = section.upperBound
                        }
                        feeder.feed(base + offset, count: characters.count - offset)
                        return feeder.finish()
                    }
                } }
            }
        }
    }

    // MARK: Events

    fileprivate mutating func start(_ localname: UnsafePointer<xmlChar>, prefix: UnsafePointer<xmlChar>?,
                                    namespace href: UnsafePointer<xmlChar>?,
                                    attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, count: Int) {
        guard isWellFormed() else { return }
        guard depth < Self.maximumDepth else { return stop() }
        let name = Self.name(localname, prefix: prefix, namespace: href)
        let elementDepth = depth
        depth += 1
        let attributeList = self.attributes(attributes, count: count)
        if resolvesBase { bases.append(Self.baseAttributes(attributeList)) }
        if !open.isEmpty {
            flushText()
            guard !stoppedOnError else { return }
            if XMLFeedReader.isItem(name) { holdsNestedItem = true }
            open.append(value(name, namespace: href, attributes: attributeList))
        } else if elementDepth == 0 {
            rootName = name
            visit(.root(value(name, namespace: href, attributes: attributeList)))
        } else if !XMLFeedReader.isChannel(name, depth: elementDepth, rootName: rootName) {
            // A channel element or an item: build its subtree.
            open.append(value(name, namespace: href, attributes: attributeList))
        }
    }

    private mutating func value(_ name: String, namespace href: UnsafePointer<xmlChar>?,
                                attributes: [(name: String, namespace: String, value: String)]) -> XMLElementValue {
        XMLElementValue(name: name, namespace: href.map { namespaces.uri($0) } ?? "", attributes: attributes,
                        children: [], base: base())
    }

    fileprivate mutating func end() {
        guard isWellFormed() else { return }
        depth -= 1
        if resolvesBase { bases.removeLast() }
        guard !open.isEmpty else { return }
        flushText()
        guard !stoppedOnError else { return }
        let element = open.removeLast()
        if open.isEmpty {
            deliver(element)
        } else {
            open[open.count - 1].children.append(.element(element))
        }
    }

    fileprivate mutating func characters(_ bytes: UnsafePointer<xmlChar>, count: Int) {
        guard !open.isEmpty, isWellFormed() else { return }
        takePendingSection()
        text.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
    }

    /// An entity the document never declared: kept as written, as the tree copier keeps it.
    fileprivate mutating func reference(_ name: UnsafePointer<xmlChar>) {
        guard !open.isEmpty, isWellFormed() else { return }
        flushText()
        guard !stoppedOnError else { return }
        open[open.count - 1].children.append(.text("&" + String(cString: name) + ";"))
    }

    /// A comment or processing instruction ends a text node in the tree; so here too.
    fileprivate mutating func separator() {
        guard !open.isEmpty else { return }
        flushText()
    }

    /// A marker, when the stream reads sections itself (then the document has no instruction
    /// of the marker's name); any other instruction separates text.
    fileprivate mutating func instruction(_ target: UnsafePointer<xmlChar>?) {
        if !sections.isEmpty, let target, xmlStrEqual(target, CDATASections.marker) == 1 { section() } else { separator() }
    }

    /// A marker: the next CDATA section's bytes join the text, as libxml2's would. Outside the
    /// root element a section is an error to libxml2, so it stops the stream.
    private mutating func section() {
        guard isWellFormed() else { return }
        guard nextSection < sections.count, depth > 0 else { return stop() }
        let range = sections[nextSection]
        nextSection += 1
        guard !open.isEmpty else { return }
        guard document[range.lowerBound] == UInt8(ascii: "<") else { return escapedText(range) }
        let bodyRange = (range.lowerBound + 9)..<(range.upperBound - 3)
        guard !CDATASections.holdsNonCharacter(UnsafeBufferPointer(rebasing: document[bodyRange])) else { return stop() }
        textIsUnchecked = true
        if text.isEmpty, pendingSection == nil {
            pendingSection = bodyRange
        } else {
            takePendingSection()
            text.append(contentsOf: UnsafeBufferPointer(rebasing: document[bodyRange]))
        }
    }

    /// A marker for text with references (`EscapedText`): decoded here, where libxml2 would have
    /// called back once per reference. Checked as UTF-8 with the rest of the text.
    private mutating func escapedText(_ range: Range<Int>) {
        takePendingSection()
        textIsUnchecked = true
        EscapedText.decode(UnsafeBufferPointer(rebasing: document[range]), appendingTo: &text)
    }

    /// Moves a pending section's bytes into `text`, for more text to join them.
    private mutating func takePendingSection() {
        guard let range = pendingSection else { return }
        pendingSection = nil
        text.append(contentsOf: UnsafeBufferPointer(rebasing: document[range]))
    }

    // MARK: Helpers

    fileprivate func owns(_ context: UnsafeMutableRawPointer) -> Bool {
        UnsafeMutableRawPointer(self.context) == context
    }

    /// libxml2's pull parser refuses elements nested deeper (`xmlParserMaxDepth`); its push parser
    /// does not check. A deeper document goes to the tree parser, which applies the limit.
    private static let maximumDepth = 256

    /// False from the first error on; the parse is stopped then, as a streaming reader stops.
    private mutating func isWellFormed() -> Bool {
        guard context.pointee.wellFormed == 1, !stoppedOnError else {
            stop()
            return false
        }
        return true
    }

    /// Stops the stream if the caller's limits say so; true once it is stopped, for any reason.
    mutating func stopIfAsked() -> Bool {
        if !stoppedOnError, shouldStop() { stop() }
        return stoppedOnError
    }

    private mutating func stop() {
        guard !stoppedOnError else { return }
        stoppedOnError = true
        xmlStopParser(context)
    }

    /// Adds the pending text to the innermost element. Text with a CDATA section's bytes in it
    /// must be UTF-8, or the stream stops as libxml2 would have: callers check `stoppedOnError`.
    private mutating func flushText() {
        if let range = pendingSection {
            pendingSection = nil
            textIsUnchecked = false
            guard !range.isEmpty else { return }
            guard let checked = String(validating: UnsafeBufferPointer(rebasing: document[range]), as: UTF8.self) else { return stop() }
            open[open.count - 1].children.append(.text(checked))
            return
        }
        guard !text.isEmpty else { return }
        defer {
            text.removeAll(keepingCapacity: true)
            textIsUnchecked = false
        }
        guard textIsUnchecked else {
            open[open.count - 1].children.append(.text(String(decoding: text, as: UTF8.self)))
            return
        }
        guard let checked = String(validating: text, as: UTF8.self) else { return stop() }
        open[open.count - 1].children.append(.text(checked))
    }

    private mutating func deliver(_ element: XMLElementValue) {
        defer {
            holdsNestedItem = false
            if XMLFeedReader.isItem(element.name) { _ = stopIfAsked() }
        }
        guard holdsNestedItem else {
            visit(XMLFeedReader.isItem(element.name) ? .item(element) : .channelElement(element))
            return
        }
        XMLFeedReader.deliver(element, visit: visit)
    }

    /// SAX2 hands attributes as five pointers each: local name, prefix, URI, value start and end.
    /// libxml2 writes an `&` that a reference produced as `&#38;` (its tree builder parses the
    /// value again); the tree's value has `&`, and so does this one.
    private mutating func attributes(_ pointers: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
                                     count: Int) -> [(name: String, namespace: String, value: String)] {
        guard let pointers, count > 0 else { return [] }
        var list: [(name: String, namespace: String, value: String)] = []
        list.reserveCapacity(count)
        for index in 0..<count {
            let fields = pointers + index * 5
            guard let name = fields[0], let start = fields[3], let end = fields[4] else { continue }
            let value = UnsafeBufferPointer(start: start, count: end - start)
            let text = value.contains(UInt8(ascii: "&")) ? EntityDecoder.xml.decode(value) : String(decoding: value, as: UTF8.self)
            list.append((Self.name(name, prefix: fields[1], namespace: fields[2]), fields[2].map { namespaces.uri($0) } ?? "", text))
        }
        return list
    }

    /// The local name; with a prefix the document never declared, `prefix:name`, as the tree has it.
    private static func name(_ localname: UnsafePointer<xmlChar>, prefix: UnsafePointer<xmlChar>?,
                             namespace: UnsafePointer<xmlChar>?) -> String {
        guard let prefix, namespace == nil else { return String(cString: localname) }
        return String(cString: prefix) + ":" + String(cString: localname)
    }

    private static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    private static func isOtherThanWeb(_ base: String) -> Bool {
        let trimmed = base.trimmingASCIISpaces()
        return URLResolver.hasScheme(trimmed) && URLResolver.webBase(trimmed) == nil
    }

    private static func baseAttributes(_ attributes: [(name: String, namespace: String, value: String)]) -> (named: Bool, value: String?) {
        let named = attributes.contains { $0.name == "base" && !$0.namespace.isEmpty }
        return (named, attributes.first { $0.name == "base" && $0.namespace == xmlNamespace }?.value)
    }

    /// The effective xml:base, exactly as libxml2's `xmlNodeGetBase` computes it on the tree: it
    /// is asked, on a chain of stand-in elements that carry the same xml:base values.
    private mutating func base() -> String? {
        guard resolvesBase, bases.contains(where: \.named), let document = context.pointee.myDoc else { return nil }
        var top: xmlNodePtr?
        var leaf: xmlNodePtr?
        defer { if let top { xmlFreeNode(top) } }
        // A base that is no web URL (`javascript:`, `urn:`, `file:`) is passed over, as if it were not
        // there: its entries' links and their own relative bases resolve against what is above it.
        for case let (_, value?) in bases where !Self.isOtherThanWeb(value) {
            guard let node = xmlNewDocNode(document, nil, "base", nil) else { return nil }
            if let leaf { xmlAddChild(leaf, node) } else { top = node }
            xmlSetNsProp(node, xmlSearchNsByHref(document, node, Self.xmlNamespace), "base", value)
            leaf = node
        }
        guard leaf != nil, let resolved = xmlNodeGetBase(document, leaf) else { return nil }
        defer { crawler_xml_free(resolved) }
        return String(cString: resolved)
    }
}

/// libxml2's own SAX2 callbacks (the ones its tree builder uses: document, DTD and entity
/// declarations, errors), but for elements, text and references, which build values here. The
/// parser context is the callbacks' `ctx`; the stream hangs on its `_private`.
private func makeEventHandler() -> xmlSAXHandler {
    var handler = xmlSAXHandler()
    xmlSAXVersion(&handler, 2)
    handler.startElementNs = { context, localname, prefix, uri, _, _, attributeCount, _, attributes in
        guard let localname else { return }
        stream(context)?.pointee.start(localname, prefix: prefix, namespace: uri, attributes: attributes, count: Int(attributeCount))
    }
    handler.endElementNs = { context, _, _, _ in stream(context)?.pointee.end() }
    handler.characters = { context, bytes, count in
        guard let bytes else { return }
        stream(context)?.pointee.characters(bytes, count: Int(count))
    }
    handler.ignorableWhitespace = handler.characters
    handler.cdataBlock = handler.characters
    handler.reference = { context, name in
        guard let name else { return }
        stream(context)?.pointee.reference(name)
    }
    handler.comment = { context, _ in stream(context)?.pointee.separator() }
    handler.processingInstruction = { context, target, _ in
        guard let stream = stream(context) else { return }
        stream.pointee.instruction(target)
    }
    return handler
}

/// The stream, for events of its own parser context. libxml2 parses an entity's replacement text
/// once, with a context of its own but the same callbacks and `_private`; the tree keeps an
/// entity reference for it, and so does the stream (`reference`), so those events are not its.
private func stream(_ context: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<XMLEventStream>? {
    guard let context, let owner = context.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private else { return nil }
    let stream = owner.assumingMemoryBound(to: XMLEventStream.self)
    return stream.pointee.owns(context) ? stream : nil
}
