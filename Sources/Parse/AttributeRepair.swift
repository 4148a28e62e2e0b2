internal import Markup

/// Quotes the attribute values that sloppy feeds write bare, for libxml2's recovering parser:
/// `<guid isPermaLink=false>` (a hand-rolled template) or `<video controls>` (raw HTML in an
/// item's text). libxml2 takes such a tag for the end of what it can read: the item lost its
/// guid, its body and its link, and the link went to the channel instead.
/// `isPermaLink=false` becomes `isPermaLink="false"`, `controls` becomes `controls=""`; a value
/// runs to white space or `>` (HTML's reading), but a `/` just before `>` closes an element that
/// is empty by nature (`<img src=x/>`, `<enclosure url=x/>`), as XML writes it. Comments, CDATA sections, instructions and declarations are passed over whole.
enum AttributeRepair {
    /// The repaired bytes, or nil when no tag needed it. Only on the recovering path: a
    /// well-formed document never reaches it.
    static func repair(_ bytes: [UInt8]) -> [UInt8]? {
        // In UTF-16 every ASCII byte has a zero beside it; byte-wise repair would corrupt it.
        guard !bytes.prefix(4).contains(0) else { return nil }
        return bytes.withUnsafeBufferPointer { input in
            var output: [UInt8] = []
            var copied = 0
            var index = 0
            var inTitle = false
            while index < input.count {
                index = ByteScan.skip(input, from: index, until: UInt8(ascii: "<"))
                guard index + 1 < input.count else { break }
                if let end = passedOver(input, at: index) {
                    index = end
                    continue
                }
                if starts(input, at: index, with: "</title") { inTitle = false }
                guard FieldBalance.isNameStart(input, at: index + 1) else {
                    index += 1
                    continue
                }
                let nameEnd = FieldBalance.nameEnd(input, from: index + 1)
                let name = input[(index + 1)..<nameEnd]
                // In a title a name no HTML element has is text (`Map<K, V>`: `FieldBalance.isText`),
                // its words no attributes to quote.
                if inTitle, !HTMLElements.contains(name) {
                    index += 1
                    continue
                }
                if name.elementsEqual("title".utf8) { inTitle = true }
                let tag = StartTag(input: input, nameEnd: nameEnd,
                                   closesWithSlash: StartTag.closesWithSlash(input[(index + 1)..<nameEnd]))
                let (end, edits): (Int, [StartTag.Insertion])
                switch tag.quotedValues() {
                case .read(let readEnd, let readEdits): (end, edits) = (readEnd, readEdits)
                case .unread:
                    index += 1
                    continue
                // No later tag can be read either (each would look to the end again: quadratic).
                case .quoteNeverCloses: index = input.count; continue
                }
                if output.isEmpty, !edits.isEmpty { output.reserveCapacity(input.count + 64) }
                for edit in edits {
                    output.append(contentsOf: input[copied..<edit.at])
                    output.append(contentsOf: edit.insert)
                    copied = edit.at
                }
                index = end
            }
            guard copied > 0 else { return nil }
            output.append(contentsOf: input[copied...])
            return output
        }
    }

    /// Just past the comment, CDATA section, instruction or declaration at `index`; nil when a
    /// tag (or text) starts there. One left open runs to the end.
    private static func passedOver(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        let next = input[index + 1]
        guard next == UInt8(ascii: "!") || next == UInt8(ascii: "?") else { return nil }
        let terminator: [UInt8] = if starts(input, at: index, with: "<!--") { Array("-->".utf8) }
            else if starts(input, at: index, with: "<![CDATA[") { Array("]]>".utf8) }
            else if next == UInt8(ascii: "?") { Array("?>".utf8) }
            else { [UInt8(ascii: ">")] }
        var search = index + 2
        while search < input.count {
            search = ByteScan.skip(input, from: search, until: terminator[0])
            guard search + terminator.count <= input.count else { break }
            if input[search..<(search + terminator.count)].elementsEqual(terminator) { return search + terminator.count }
            search += 1
        }
        return input.count
    }

    private static func starts(_ input: UnsafeBufferPointer<UInt8>, at index: Int, with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= input.count else { return false }
        return UnsafeBufferPointer(start: prefix.utf8Start, count: count).elementsEqual(input[index..<(index + count)])
    }
}

/// The attributes of one start tag, read as HTML would read them.
private struct StartTag {
    struct Insertion {
        var at: Int
        var insert: [UInt8]
    }

    let input: UnsafeBufferPointer<UInt8>
    let nameEnd: Int
    /// Whether a `/` right before `>` closes the tag (`<enclosure url=x/>`) rather than ending a
    /// bare value (`<a href=http://e.x/dir/>`, HTML's reading: the slash is the URL's).
    let closesWithSlash: Bool

    /// HTML's void elements, a feed's own empty ones, and any namespaced one (`media:content`).
    static func closesWithSlash(_ name: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        let lowered = String(decoding: name.map { $0 | 0x20 }, as: UTF8.self)
        return lowered.contains(":") || selfClosing.contains(lowered)
    }

    private static let selfClosing: Set<String> = ["area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                                                   "meta", "param", "source", "track", "wbr", "enclosure", "category",
                                                   "content", "thumbnail"]

    enum Reading {
        /// Where the tag ends and the quotes it needs, in order.
        case read(end: Int, edits: [Insertion])
        /// A tag whose attributes cannot be read (a stray character): left as it is.
        case unread
        case quoteNeverCloses
    }

    func quotedValues() -> Reading {
        var edits: [Insertion] = []
        var index = nameEnd
        while true {
            index = afterSpace(index)
            guard index < input.count else { return .unread }
            let byte = input[index]
            if byte == UInt8(ascii: ">") { return .read(end: index + 1, edits: edits) }
            if byte == UInt8(ascii: "/") {
                index += 1
                continue
            }
            let attributeEnd = nameEnd(from: index)
            guard attributeEnd > index else { return .unread }
            index = afterSpace(attributeEnd)
            guard index < input.count, input[index] == UInt8(ascii: "=") else {
                edits.append(Insertion(at: attributeEnd, insert: Array("=\"\"".utf8)))
                continue
            }
            index = afterSpace(index + 1)
            guard index < input.count else { return .unread }
            let quote = input[index]
            if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                guard let close = input[(index + 1)...].firstIndex(of: quote) else { return .quoteNeverCloses }
                index = close + 1
                continue
            }
            let valueEnd = bareValueEnd(from: index)
            // `alt=>`: a value left empty.
            if valueEnd == index, input[index] == UInt8(ascii: ">") || input[index] == UInt8(ascii: "/") {
                edits.append(Insertion(at: index, insert: Array("\"\"".utf8)))
                continue
            }
            guard valueEnd > index, !input[index..<valueEnd].contains(UInt8(ascii: "\"")) else { return .unread }
            edits.append(Insertion(at: index, insert: [UInt8(ascii: "\"")]))
            // A URL that kept its trailing slash still closes an element empty by nature.
            let reclose = closesWithSlash && valueEnd < input.count && input[valueEnd] == UInt8(ascii: ">")
                && valueEnd - 1 > index && input[valueEnd - 1] == UInt8(ascii: "/")
            edits.append(Insertion(at: valueEnd, insert: reclose ? Array("\"/".utf8) : [UInt8(ascii: "\"")]))
            index = valueEnd
        }
    }

    private func afterSpace(_ start: Int) -> Int {
        var index = start
        while index < input.count, Self.isSpace(input[index]) { index += 1 }
        return index
    }

    /// An attribute's name: up to white space, `=`, `>`, `/` or a quote (which no name holds).
    private func nameEnd(from start: Int) -> Int {
        var index = start
        while index < input.count {
            let byte = input[index]
            if Self.isSpace(byte) || byte == UInt8(ascii: "=") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/")
                || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "<") { break }
            index += 1
        }
        return index
    }

    /// A bare value: up to white space or `>`, leaving a `/` right before `>` to close the tag.
    private func bareValueEnd(from start: Int) -> Int {
        var index = start
        while index < input.count, !Self.isSpace(input[index]), input[index] != UInt8(ascii: ">"),
              input[index] != UInt8(ascii: "<") {
            index += 1
        }
        // A URL's own trailing slash (`href=http://…/post2/>`, a WordPress permalink) stays its
        // own: the tag is closed after it (`Insertion` of the value's quote goes before the `/`
        // only for a value that is no URL).
        if closesWithSlash, index < input.count, input[index] == UInt8(ascii: ">"), index - 1 > start,
           input[index - 1] == UInt8(ascii: "/"), !input[start..<index].elementsEqual("/".utf8),
           !isURL(input[start..<(index - 1)]) {
            return index - 1
        }
        return index
    }

    /// Whether a bare value is an absolute URL whose path goes on (`http://host/dir`): then a
    /// `/` after it is the URL's.
    private func isURL(_ value: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let scheme = value.firstIndex(of: UInt8(ascii: ":")), value[scheme...].starts(with: "://".utf8) else { return false }
        return value[(scheme + 3)...].contains(UInt8(ascii: "/"))
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}
