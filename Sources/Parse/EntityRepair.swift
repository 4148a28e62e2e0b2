internal import CLibXML2

/// Makes the commonest breakage of real feeds well-formed before libxml2 sees it, because
/// the streaming pass stops at the first error and libxml2's recovery drops what follows:
/// - HTML entities that XML does not define (`&nbsp;` → `&#160;`), bare ampersands
///   (`Tom & Jerry` → `&amp;`) and character references XML forbids or browsers read
///   otherwise (`CharacterReference`);
/// - control characters XML forbids (U+0001…U+001F but TAB, LF, CR), which are dropped;
/// - the DOCTYPE, dropped whole: a feed needs no DTD, and without it no entity the document
///   declares can be expanded (XXE, billion laughs); its references become visible text.
/// CDATA sections and comments keep every byte but forbidden control characters.
enum EntityRepair {
    /// The repaired bytes, or nil when nothing needed repair (the common case costs one scan).
    /// `recovering`, for libxml2's recovering parser, once a document is known to be broken:
    /// - XML's five named references are written as numbers (`&lt;` → `&#60;`): once it has met
    ///   an error, libxml2 2.9 (`xmlParseReference`) drops every named reference in text that
    ///   follows, so one stray `<br>` would strip the escaped markup and ampersands from every
    ///   later item. Character references are read before that check and survive.
    /// - HTML's void tags written unclosed in an item's text (`<br>`, `<img src="…">`) are closed
    ///   (`<br/>`): libxml2 nests everything after one inside it, and past 256 levels drops the
    ///   rest, so a feed of 300 items with a raw `<br>` each kept 254.
    /// - In an item's text fields, what raw HTML opened and never closed (`<p>`, `<li>`) is closed
    ///   at the field's end (`FieldBalance`), for the same reason.
    static func repair(_ bytes: [UInt8], recovering: Bool = false) -> [UInt8]? {
        var spanning = 0
        return repair(bytes, recovering: recovering, spanning: &spanning)
    }

    /// `spanning` counts the comments, sections and instructions written as text because they
    /// ran past the end of their item (`RepairWriter.spansItemEnd`), for the parse's notes.
    static func repair(_ bytes: [UInt8], recovering: Bool = false, spanning: inout Int) -> [UInt8]? {
        // In UTF-16 every ASCII byte has a zero beside it; byte-wise repair would corrupt it.
        guard !bytes.prefix(4).contains(0), !bytes.starts(with: [0xFF, 0xFE]), !bytes.starts(with: [0xFE, 0xFF])
        else { return nil }
        return bytes.withUnsafeBufferPointer { input in
            var writer = RepairWriter(input: input, recovering: recovering)
            var index = 0
            while index < input.count {
                let from = index
                index = ByteScan.skip(input, from: index, until: ASCII.lessThan, ASCII.ampersand)
                // A `]]>` in text is an error after which libxml2's recovery drops the text before
                // it (`a[b[0]]> 3` read as `]> 3`): its `>` is written as a reference.
                if recovering { writer.escapeSectionEnds(in: from..<index) }
                guard index < input.count else { break }
                let byte = input[index]
                // Letters and every non-ASCII byte are above '<': most bytes leave here.
                if byte > ASCII.lessThan { index += 1; continue }
                if byte == ASCII.lessThan {
                    index = afterMarkup(at: index, writer: &writer)
                } else if byte == ASCII.ampersand {
                    index = afterReference(at: index, writer: &writer)
                } else if isForbiddenControl(byte) {
                    writer.replace(index..<(index + 1), with: [])
                    index += 1
                } else {
                    index += 1
                }
            }
            spanning = writer.spanning
            return writer.finish()
        }
    }

    /// Past a CDATA section, comment or DOCTYPE starting at `index`; otherwise just past the `<`.
    private static func afterMarkup(at index: Int, writer: inout RepairWriter) -> Int {
        let input = writer.input
        // Only `<!` opens a section to look into; most `<` open a tag: one look for those.
        guard index + 1 < input.count, input[index + 1] == UInt8(ascii: "!") else {
            // An instruction in an item's text that runs past the item (`<?php` never closed, a
            // later item's `?>` closing it) would take that item: written as text.
            if index + 2 < input.count, input[index + 1] == UInt8(ascii: "?"), FieldBalance.isNameStart(input, at: index + 2),
               let end = writer.find("?>", from: index + 2),
               writer.search("<?", from: index + 2, to: end) != nil || writer.crossesItems(from: index + 2, to: end),
               writer.spansItemEnd(from: index + 2, to: end) {
                writer.replace(index..<(index + 1), with: Array("&#60;".utf8))
                return index + 1
            }
            guard writer.recovering else { return index + 1 }
            // An instruction is read raw to its `?>`, as libxml2 reads it: a tag inside one
            // (`<?php echo "<p>"; ?>` in an item's text) opens nothing.
            // Only with a target name: after a bare `<?` (`<?= … ?>`) libxml2 reads on as content.
            if index + 2 < input.count, input[index + 1] == UInt8(ascii: "?"), FieldBalance.isNameStart(input, at: index + 2) {
                if let end = writer.find("?>", from: index + 2) { return end + 2 }
                // Never closed (`<?php echo 1;` in an item's text): written as text, as a comment
                // never closed is; libxml2's recovery took the rest of the document for it.
                writer.replace(index..<(index + 1), with: Array("&#60;".utf8))
                return index + 1
            }
            return afterTag(at: index, writer: &writer)
        }
        // A CDATA section never closed: the marker is dropped and what follows read as the field's
        // own text (libxml2's recovery took the rest of the document for the section).
        if starts(input, at: index, with: "<![CDATA[") {
            return afterSection(at: index, opener: 9, terminator: "]]>", writer: &writer)
        }
        // A comment never closed is written as text: libxml2's recovery took the rest of the
        // document for it, and looked for its end again at every later `<!--` (750 KB of them
        // took 13 s).
        if starts(input, at: index, with: "<!--") {
            return afterSection(at: index, opener: 4, terminator: "-->", writer: &writer)
        }
        if starts(input, at: index, with: "<!DOCTYPE") || starts(input, at: index, with: "<!doctype") {
            let end = doctypeEnd(input, from: index + 9, writer: &writer)
            writer.replace(index..<end, with: [])
            return end
        }
        return index + 1
    }

    /// For the recovering parser, past the `<` of a tag: a void one closed (`afterVoidTag`), and
    /// the tags of an item's text fields balanced (`FieldBalance`), the end tags they imply
    /// written before them. The main scan goes on inside the tag, repairing its references.
    private static func afterTag(at index: Int, writer: inout RepairWriter) -> Int {
        let input = writer.input
        let isEnd = index + 1 < input.count && input[index + 1] == UInt8(ascii: "/")
        let nameStart = index + (isEnd ? 2 : 1)
        // A name starts with a letter (or `_`, `:`): `<5`, `<-` open nothing either.
        let opensName = nameStart < input.count && FieldBalance.isNameStart(input, at: nameStart)
        let nameEnd = opensName ? FieldBalance.nameEnd(input, from: nameStart) : nameStart
        guard nameEnd > nameStart else {
            // `</ b>`, `</>` in an item's text: libxml2 ends whatever element is open there (the
            // field, then the item) at the `</`, whatever follows. Written as text, it ends
            // nothing; unless it is the field's own end, mistyped (`</ title>`).
            if isEnd, writer.fields.isOpen {
                let fieldEndFollows = { (field: [UInt8]) in Self.anotherEnd(of: field, in: input, after: index + 1) }
                if let closing = writer.fields.namelessEnd(at: index, fieldEndFollows: fieldEndFollows) {
                    writer.insert(closing, at: index)
                } else {
                    writer.replace(index..<(index + 1), with: Array("&#60;".utf8))
                }
            } else if !isEnd {
                // A `<` that opens no tag (`a <= b`, `x <- y`, `<5`): libxml2's recovery drops it.
                writer.replace(index..<(index + 1), with: Array("&#60;".utf8))
            }
            return index + 1
        }
        let name = input[nameStart..<nameEnd]
        if isEnd {
            let close = endTagClose(input, after: nameEnd)
            // A void tag's end tag whose tag was closed here (`<br>two</br>`): stray, it would end
            // the element around it, and the item after that. Left open (`<br></br>`), it stays.
            if let close, nameEnd - nameStart <= 3, Self.voidTags.contains(name.map { $0 | 0x20 }),
               !(writer.fields.isOpen && writer.fields.innermostIs(name)) {
                if !writer.fields.isOpen, writer.voidsLeftOpen > 0 {
                    writer.voidsLeftOpen -= 1
                } else {
                    writer.replace(index..<close, with: [])
                }
                return close
            }
            // Between fields, an end tag that ends nothing open (a doubled `</title>`): libxml2's
            // recovery ends the item there instead, or in Atom and RDF the entry and then the
            // feed, every later entry lost. Dropped, as a stray end tag in a field is.
            if !writer.fields.isOpen, let close, !writer.structure.end(name) {
                writer.replace(index..<close, with: [])
                return close
            }
            let fieldEndFollows = { (field: [UInt8]) in Self.anotherEnd(of: field, in: input, after: index + 1) }
            let inField = writer.fields.isOpen
            switch writer.fields.end(name, at: index, droppable: close != nil, fieldEndFollows: fieldEndFollows) {
            case .keep(let closing):
                writer.insert(closing, at: index)
                if inField, !writer.fields.isOpen { writer.structure.fieldEnded() }
                return index + 1
            case .drop:
                let end = close ?? index + 1
                writer.replace(index..<end, with: [])
                return end
            }
        }
        if nameEnd - nameStart <= 3, Self.voidTags.contains(name.map { $0 | 0x20 }) {
            let end = afterVoidTag(at: index, writer: &writer, mayLeaveOpen: !writer.fields.isFull)
            // `<br></br>`, left open for its own end tag: libxml2 counts it, so the field does.
            if writer.fields.isOpen, writer.voidLeftOpen { _ = writer.fields.start(name, closesItself: false) }
            if !writer.fields.isOpen, writer.voidLeftOpen { writer.voidsLeftOpen += 1 }
            return end
        }
        if writer.fields.isText(name) {
            writer.replace(index..<(index + 1), with: Array("&#60;".utf8))
            return index + 1
        }
        guard let closesItself = FieldBalance.closesItself(input, name: nameStart..<nameEnd) else { return index + 1 }
        if !writer.fields.isOpen, !closesItself { writer.structure.start(name) }
        guard writer.fields.isOpen || FieldBalance.isField(name) else { return index + 1 }
        guard let closing = writer.fields.start(name, closesItself: closesItself) else {
            writer.replace(index..<(index + 1), with: Array("&#60;".utf8))
            return index + 1
        }
        writer.insert(closing, at: index)
        return index + 1
    }

    /// Whether another `</field>` comes before the item's or entry's next boundary (or the next
    /// field of that name): then this one ends an element inside the field, as libxml2 counts
    /// (`<span>a</content> b</content>`). With where the look stopped: the answer holds for any
    /// tag before that (`FieldBalance` keeps it, so that a field of many stray end tags is looked
    /// through once, not once for each).
    private static func anotherEnd(of field: [UInt8], in input: UnsafeBufferPointer<UInt8>,
                                   after start: Int) -> (follows: Bool, stop: Int) {
        var index = start
        while index < input.count {
            index = ByteScan.skip(input, from: index, until: ASCII.lessThan)
            guard index + 1 < input.count else { return (false, input.count) }
            guard input[index] == ASCII.lessThan else { index += 1; continue }
            // What libxml2 reads raw ends nothing: a tag in CDATA, a comment or an instruction.
            if let end = rawSectionEnd(input, at: index) {
                index = end
                continue
            }
            let isEnd = input[index + 1] == UInt8(ascii: "/")
            let nameStart = index + (isEnd ? 2 : 1)
            let nameEnd = FieldBalance.nameEnd(input, from: nameStart)
            // `</ description>`: the field's own end, mistyped with a space.
            if isEnd, nameEnd == nameStart, spacedEndNames(field, in: input, at: nameStart) { return (true, index) }
            let name = input[nameStart..<nameEnd]
            // A start tag of the field's name is an element inside it (HTML's `<summary>` in
            // Atom's): only the item's boundary ends the look.
            if isEnd, name.elementsEqual(field) { return (true, index) }
            if FieldBalance.isBoundary(name) { return (false, index) }
            index += 1
        }
        return (false, input.count)
    }

    /// Whether white space and then `field`'s name follow `start` (just past a `</`).
    private static func spacedEndNames(_ field: [UInt8], in input: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        var index = start
        while index < input.count, ASCII.space.contains(input[index]) { index += 1 }
        guard index > start else { return false }
        return input[index..<min(input.count, index + field.count)].elementsEqual(field)
            && FieldBalance.nameEnd(input, from: index) == index + field.count
    }

    /// Past the CDATA section, comment or instruction (with a target name) at `index`; nil when
    /// none starts there. One left open runs to the end.
    private static func rawSectionEnd(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        let terminator: StaticString
        let bodyStart: Int
        if starts(input, at: index, with: "<![CDATA[") {
            (terminator, bodyStart) = ("]]>", index + 9)
        } else if starts(input, at: index, with: "<!--") {
            (terminator, bodyStart) = ("-->", index + 4)
        } else if index + 2 < input.count, input[index + 1] == UInt8(ascii: "?"), FieldBalance.isNameStart(input, at: index + 2) {
            (terminator, bodyStart) = ("?>", index + 2)
        } else {
            return nil
        }
        var end = bodyStart
        while end < input.count, !starts(input, at: end, with: terminator) { end += 1 }
        return min(input.count, end + terminator.utf8CodeUnitCount)
    }

    /// Just past the `>` of an end tag whose name ends at `nameEnd` (white space allowed before
    /// it), or nil when something else comes first.
    private static func endTagClose(_ input: UnsafeBufferPointer<UInt8>, after nameEnd: Int) -> Int? {
        var index = nameEnd
        while index < input.count, ASCII.space.contains(input[index]) { index += 1 }
        return index < input.count && input[index] == ASCII.greaterThan ? index + 1 : nil
    }

    /// Past `<br>`, `<hr>`, `<img …>` or `<wbr>` at `index`, closed (`<br/>`) if it was not. A tag
    /// holding a control or another `<` is left open, the main scan going on from there; the look
    /// stops at the next `<`, so every byte is looked at once however the tags are broken.
    /// `mayLeaveOpen`: a void tag whose own end tag follows may stay open for it (a field at its
    /// depth limit cannot count it, so there it is closed, and its end tag dropped as stray).
    private static func afterVoidTag(at index: Int, writer: inout RepairWriter, mayLeaveOpen: Bool) -> Int {
        let input = writer.input
        writer.voidLeftOpen = false
        var nameEnd = index + 1
        while nameEnd < input.count, nameEnd - index <= 4, (input[nameEnd] | 0x20) >= UInt8(ascii: "a"),
              (input[nameEnd] | 0x20) <= UInt8(ascii: "z") { nameEnd += 1 }
        let name = input[(index + 1)..<nameEnd].map { $0 | 0x20 }
        guard Self.voidTags.contains(name), nameEnd < input.count, ASCII.space.contains(input[nameEnd])
                || input[nameEnd] == ASCII.greaterThan || input[nameEnd] == UInt8(ascii: "/") else { return index + 1 }
        var end = nameEnd
        var quote: UInt8?
        while end < input.count {
            let byte = input[end]
            // What the main scan handles (a tag, a control) is left to it, from here: the references
            // before it are repaired already, in order, as the writer needs.
            if byte == ASCII.lessThan || isForbiddenControl(byte) { return end }
            if byte == ASCII.ampersand {  // `src="…?w=1&amp;ssl=1"`: repaired as anywhere else
                end = afterReference(at: end, writer: &writer)
                continue
            }
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == ASCII.greaterThan {
                // `<br></br>`, as XHTML writes it; XML's names are case-sensitive, so `<BR></br>` is not.
                let closedLater = endTag(of: Array(input[(index + 1)..<nameEnd]), in: input, after: end + 1)
                let selfClosed = closesItself(input, before: end, after: nameEnd)
                let leftOpen = closedLater && mayLeaveOpen
                writer.voidLeftOpen = !selfClosed && leftOpen
                if !selfClosed && !leftOpen { writer.replace(end..<(end + 1), with: Self.selfClosing) }
                return end + 1
            }
            end += 1
        }
        return end
    }

    /// Whether the tag ends `/>`, white space allowed between (`<br/ >`).
    private static func closesItself(_ input: UnsafeBufferPointer<UInt8>, before end: Int, after nameEnd: Int) -> Bool {
        var index = end - 1
        while index >= nameEnd, ASCII.space.contains(input[index]) { index -= 1 }
        return index >= nameEnd && input[index] == UInt8(ascii: "/")
    }

    /// Whether `</name>` (as written) follows at `start`, after white space only.
    private static func endTag(of name: [UInt8], in input: UnsafeBufferPointer<UInt8>, after start: Int) -> Bool {
        var index = start
        while index < input.count, ASCII.space.contains(input[index]) { index += 1 }
        guard index + 2 + name.count < input.count, input[index] == ASCII.lessThan, input[index + 1] == UInt8(ascii: "/")
        else { return false }
        let after = input[index + 2 + name.count]
        return input[(index + 2)..<(index + 2 + name.count)].elementsEqual(name)
            && (after == ASCII.greaterThan || after == UInt8(ascii: " "))
    }

    /// Only HTML's void elements no feed dialect has an element of its own by (RSS has `<link>`
    /// and `<source>`, Atom `<link>`).
    private static let voidTags: Set<[UInt8]> = [Array("br".utf8), Array("hr".utf8), Array("img".utf8), Array("wbr".utf8)]
    private static let selfClosing = Array("/>".utf8)

    /// Past a CDATA section (`opener` 9 bytes) or comment (4) starting at `index`. One never closed
    /// (for the recovering parser), or one that runs past the end of its item (a later item's
    /// terminator closed it, and everything between, that item included, would be its text), is
    /// not one: a CDATA marker is dropped, a comment's `<` written as text.
    private static func afterSection(at index: Int, opener: Int, terminator: StaticString,
                                     writer: inout RepairWriter) -> Int {
        let isComment = opener == 4
        func asText() -> Int {
            if isComment {
                writer.replace(index..<(index + 1), with: Array("&#60;".utf8))
                return index + 1
            }
            writer.replace(index..<(index + opener), with: [])
            return index + opener
        }
        if writer.recovering, writer.find(terminator, from: index + opener) == nil { return asText() }
        let spanEnd = isComment ? writer.commentSpanEnd : writer.sectionSpanEnd
        if index < spanEnd, writer.spansItemEnd(from: index + opener, to: spanEnd - 3) { return asText() }
        let checkpoint = writer.checkpoint
        let section = afterProtected(from: index + opener, terminator: terminator, writer: &writer)
        guard section.closed, section.reopened || writer.crossesItems(from: index + opener, to: section.end - 3),
              writer.spansItemEnd(from: index + opener, to: section.end - 3) else {
            return section.end
        }
        writer.restore(checkpoint)
        if isComment { writer.commentSpanEnd = section.end } else { writer.sectionSpanEnd = section.end }
        return asText()
    }

    /// Copies a protected section (a CDATA section, or a comment when `terminator` is `-->`) up to
    /// and including `terminator`, dropping forbidden controls. Returns where it ends (the input's
    /// end when it is never closed), and whether its body holds its own opener again (`<![CDATA[`)
    /// or, a comment, any `--`: then the terminator that ended it may be a later one's
    /// (`spansItemEnd`).
    private static func afterProtected(from start: Int, terminator: StaticString, writer: inout RepairWriter)
        -> (end: Int, closed: Bool, reopened: Bool) {
        let input = writer.input
        let first = terminator.utf8Start.pointee
        let isComment = first == UInt8(ascii: "-")
        // A CDATA body also stops at `[`, which ends a `<![CDATA[`; a comment's `<!--` has its `-`s.
        let second = isComment ? first : UInt8(ascii: "[")
        var reopened = false
        var index = start
        while index < input.count {
            index = ByteScan.skip(input, from: index, until: first, second)
            guard index < input.count else { break }
            let byte = input[index]
            if byte > first { index += 1; continue }  // ']' and '-' are low: most bytes leave here
            if byte == first, starts(input, at: index, with: terminator) {
                return (index + terminator.utf8CodeUnitCount, true, reopened)
            }
            if isForbiddenControl(byte) { writer.replace(index..<(index + 1), with: []) }
            // `--` inside a comment is an error, and libxml2 copies the comment read so far into
            // each one it reports: 40,000 of them in one 200 KB comment took 9 s. A comment is no
            // text, so its first hyphen is written as a space.
            if isComment, byte == first, index + 1 < input.count, input[index + 1] == first {
                reopened = true  // malformed: perhaps a later comment's `<!--` or text's `--`
                writer.replace(index..<(index + 1), with: [0x20])
            }
            if !isComment, byte == UInt8(ascii: "["), index >= 8, starts(input, at: index - 8, with: "<![CDATA[") {
                reopened = true
            }
            index += 1
        }
        return (input.count, false, reopened)
    }

    /// The end of `<!DOCTYPE ...>`, past an internal subset `[...]` if there is one. Quoted values,
    /// comments and instructions are passed whole: a `]` or `>` in them ends nothing. A literal
    /// outside the subset (a SYSTEM or PUBLIC id) holding a line break or a `<` was left open
    /// (`SYSTEM 'rss.dtd>`): then, as for a look that runs to the end of the document, the first
    /// `>` outside brackets ends it, the rule this always had.
    /// Once a careful look has failed (run to the end, or to a literal left open), later DOCTYPEs
    /// get the plain rule at once: each would look as far again, and a document of them took
    /// quadratic time.
    private static func doctypeEnd(_ input: UnsafeBufferPointer<UInt8>, from start: Int,
                                   writer: inout RepairWriter) -> Int {
        if !writer.doctypeRanOut {
            switch carefulDoctypeEnd(input, from: start) {
            case .end(let end): return end
            case .openLiteral, .ranOut: writer.doctypeRanOut = true  // the next would look as far again
            }
        }
        return plainDoctypeEnd(input, from: start)
    }

    private enum CarefulEnd {
        case end(Int), openLiteral, ranOut
    }

    private static func carefulDoctypeEnd(_ input: UnsafeBufferPointer<UInt8>, from start: Int) -> CarefulEnd {
        var index = start
        var inSubset = false
        while index < input.count {
            switch input[index] {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                let quote = input[index]
                var close = index + 1
                while close < input.count, input[close] != quote {
                    if !inSubset, input[close] == ASCII.lessThan || input[close] == UInt8(ascii: "\n") { return .openLiteral }
                    close += 1
                }
                index = close + 1
                continue
            case UInt8(ascii: "<") where inSubset && starts(input, at: index, with: "<!--"):
                index = after("-->", in: input, from: index + 4)
                continue
            case UInt8(ascii: "<") where inSubset && starts(input, at: index, with: "<?"):
                index = after("?>", in: input, from: index + 2)
                continue
            case UInt8(ascii: "["): inSubset = true
            case UInt8(ascii: "]"): inSubset = false
            case ASCII.greaterThan where !inSubset: return .end(index + 1)
            default: break
            }
            index += 1
        }
        return .ranOut
    }

    private static func plainDoctypeEnd(_ input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        var inSubset = false
        while index < input.count {
            switch input[index] {
            case UInt8(ascii: "["): inSubset = true
            case UInt8(ascii: "]"): inSubset = false
            case ASCII.greaterThan where !inSubset: return index + 1
            default: break
            }
            index += 1
        }
        return input.count
    }

    /// Just past the first `terminator` at or after `start` (the end of the input if there is none).
    private static func after(_ terminator: StaticString, in input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index < input.count, !starts(input, at: index, with: terminator) { index += 1 }
        return min(index + terminator.utf8CodeUnitCount, input.count)
    }

    /// Checks the reference at `index` and rewrites it when XML would reject it.
    private static func afterReference(at index: Int, writer: inout RepairWriter) -> Int {
        let input = writer.input
        var end = index + 1
        while end < input.count, end - index <= 33, isReferenceByte(input[end]) { end += 1 }
        guard end < input.count, input[end] == UInt8(ascii: ";"), end > index + 1 else {
            writer.replace(index..<(index + 1), with: ASCII.escapedAmpersand)  // a bare ampersand
            return index + 1
        }
        let name = UnsafeBufferPointer(rebasing: input[(index + 1)..<end])
        if name[0] == UInt8(ascii: "#") {
            let value = CharacterReference.value(of: name)
            if let value, let (character, pairEnd) = surrogatePair(value, after: end, in: input) {
                writer.replace(index..<pairEnd, with: Array("&#\(character);".utf8))
                return pairEnd
            }
            if let replacement = CharacterReference.replacement(for: value) {
                writer.replace(index..<(end + 1), with: replacement)
            }
        } else if let number = predefinedNumber(name) {
            if writer.recovering { writer.replace(index..<(end + 1), with: number) }
        } else {
            if let entry = htmlEntityLookup(Array(name) + [0]) {
                writer.replace(index..<(end + 1), with: Array("&#\(entry.pointee.value);".utf8))
            } else {
                writer.replace(index..<(index + 1), with: ASCII.escapedAmpersand)  // unknown: keep it as text
            }
        }
        return end + 1
    }

    /// The character a reference to the high surrogate `high` (whose `;` is at `end`) and the
    /// reference right after it to a low one stand for, and where that second one ends.
    private static func surrogatePair(_ high: UInt32, after end: Int,
                                      in input: UnsafeBufferPointer<UInt8>) -> (UInt32, Int)? {
        guard (0xD800...0xDBFF).contains(high), starts(input, at: end + 1, with: "&#") else { return nil }
        var close = end + 3
        while close < input.count, close - end <= 12, isReferenceByte(input[close]) { close += 1 }
        guard close < input.count, input[close] == UInt8(ascii: ";"),
              let low = CharacterReference.value(of: UnsafeBufferPointer(rebasing: input[(end + 2)..<close])),
              let character = CharacterReference.pair(high, low) else { return nil }
        return (character, close + 1)
    }

    /// The numeric form of one of XML's five named references, or nil for any other name.
    private static func predefinedNumber(_ name: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        switch name.count {
        case 2 where name[1] == UInt8(ascii: "t"):
            if name[0] == UInt8(ascii: "l") { return Array("&#60;".utf8) }
            return name[0] == UInt8(ascii: "g") ? Array("&#62;".utf8) : nil
        case 3: return name.elementsEqual("amp".utf8) ? Array("&#38;".utf8) : nil
        case 4:
            if name.elementsEqual("quot".utf8) { return Array("&#34;".utf8) }
            return name.elementsEqual("apos".utf8) ? Array("&#39;".utf8) : nil
        default: return nil
        }
    }

    @inline(__always) private static func isForbiddenControl(_ byte: UInt8) -> Bool {
        byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D
    }

    private static func isReferenceByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "#")
    }

    static func starts(_ input: UnsafeBufferPointer<UInt8>, at index: Int, with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= input.count else { return false }
        let pattern = UnsafeBufferPointer(start: prefix.utf8Start, count: count)
        return input[index..<(index + count)].elementsEqual(pattern)
    }
}

private enum ASCII {
    static let lessThan = UInt8(ascii: "<")
    static let greaterThan = UInt8(ascii: ">")
    static let ampersand = UInt8(ascii: "&")
    static let escapedAmpersand = Array("&amp;".utf8)
    static let space: [UInt8] = [0x20, 0x09, 0x0A, 0x0D]
}
