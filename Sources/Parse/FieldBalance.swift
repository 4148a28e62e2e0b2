internal import Markup

/// Raw HTML in an item's text fields (`<title>`, `<description>`, `<content:encoded>`, Atom's
/// `<summary>` and `<content>`), balanced for libxml2's recovering parser. Its recovery ends one
/// element per end tag, whatever the tag's name, so a `<p>` or `<li>` never closed left the
/// field's own end tag closing it instead, and the item's end tag the field: every later item
/// sank a level or more under the one before, and past 256 levels libxml2 dropped the rest of
/// the feed.
///
/// The count follows libxml2's own: a start tag opens, any end tag closes the innermost, so
/// markup balanced in number (`<p><p>a</p></p>`, even `<b>a<i>b</b>c</i>`) is left as it is.
/// What the field leaves open is closed before its end tag. A stray end tag with nothing open in
/// the field (`x<br> </summary> y`), which libxml2 would take for the field's own, is dropped, as
/// HTML drops it, when the field's own end tag follows; otherwise (a mistyped `</descripton>`),
/// and for one of the feed's own structure (`</item>`), it ends the field. Past 200
/// levels, as HTML does, a `<p>`, `<li>`, `<td>`... ends the one it stands in, or one list of 300
/// entries never closed would pass libxml2's limit within a single item; past 250, any start tag
/// is written as text.
struct FieldBalance {
    private var field: [UInt8]?
    private var open: [[UInt8]] = []
    /// The last look for the field's own end tag: its answer holds for every tag before `stop`.
    private var look: (follows: Bool, stop: Int)?

    /// Inside a text field: its start tags matter.
    var isOpen: Bool { field != nil }

    /// A field as deep as it may go: a void tag cannot be left open for its end tag.
    var isFull: Bool { field != nil && open.count >= Self.deepest }

    /// Whether the innermost open element is named `name` (any case): a void tag left open for
    /// its end tag (`<br></br>`), which that end tag closes; any other void end tag is stray.
    func innermostIs(_ name: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        open.last.map { Self.sameName($0, name) } ?? false
    }

    enum EndTag {
        /// Kept, with these end tags written before it.
        case keep(closing: [UInt8])
        /// A stray one, to drop.
        case drop
    }

    static func isField(_ name: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        fields.contains { $0.elementsEqual(name) }
    }

    /// The end tags to write before the start tag `name`; nil when the tag is to be written as
    /// text: past `deepest` levels in one field, where libxml2's limit of 256 in the whole
    /// document would cut the feed (`<div>` 300 times, a table of unclosed `<td>`).
    mutating func start(_ name: Slice<UnsafeBufferPointer<UInt8>>, closesItself: Bool) -> [UInt8]? {
        guard field != nil else {
            if !closesItself, Self.isField(name) { field = Array(name) }
            return []
        }
        guard !closesItself else { return [] }
        var closes: [UInt8] = []
        if open.count >= Self.deep, let top = open.last, Self.sameName(top, name),
           Self.endedBySibling.contains(top.map(Self.lowercased)) {
            closes = Self.endTag(top)
            open.removeLast()
        }
        guard open.count < Self.deepest else { return nil }
        open.append(Array(name))
        return closes
    }

    /// Whether a start tag named `name` is text: in a title, one line of text, a `<` before a name
    /// no HTML element has names a thing (`Map<K, V>`, `HashMap<String, Vec<u8>>`). Read as a
    /// tag, its words became attributes, stored as `Map<K>,="" V="">`.
    func isText(_ name: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let field, field.elementsEqual("title".utf8) else { return false }
        return !HTMLElements.contains(name)
    }

    private static func sameName(_ one: [UInt8], _ other: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        one.count == other.count && zip(one, other).allSatisfy { lowercased($0) == lowercased($1) }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// What to do with the end tag `name` at `position`; `droppable`: its `>` was found, so it can
    /// be dropped whole; `fieldEndFollows`: whether another end tag of the field comes before the
    /// item ends, and where that look stopped.
    mutating func end(_ name: Slice<UnsafeBufferPointer<UInt8>>, at position: Int, droppable: Bool,
                      fieldEndFollows lookFor: ([UInt8]) -> (follows: Bool, stop: Int)) -> EndTag {
        guard let field else { return .keep(closing: []) }
        guard let top = open.last else {
            // Stray only if the field's own end tag still comes: otherwise it is the field's end
            // mistyped (`</descripton>`), which libxml2 takes for it.
            if field.elementsEqual(name) || !droppable || Self.structure.contains(where: { $0.elementsEqual(name) })
                || !fieldEndFollows(field, at: position, lookFor: lookFor) {
                reset()
                return .keep(closing: [])
            }
            return .drop
        }
        // The field's end tag with elements open: it ends the field, unless another follows (then
        // libxml2's count balances without help, as for a stray end tag inside the field).
        if field.elementsEqual(name), !top.elementsEqual(name), !fieldEndFollows(field, at: position, lookFor: lookFor) {
            let closes = open.reversed().flatMap(Self.endTag)
            reset()
            return .keep(closing: closes)
        }
        open.removeLast()
        return .keep(closing: [])
    }

    /// `</ b>` or `</>` at `position` in a field, which libxml2 takes for the end of whatever is
    /// open: nil when the field's own end tag still follows (then it is to be written as text, and
    /// ends nothing); otherwise it is the field's end, mistyped (`</ title>`), and what the field
    /// left open is closed before it.
    mutating func namelessEnd(at position: Int, fieldEndFollows lookFor: ([UInt8]) -> (follows: Bool, stop: Int)) -> [UInt8]? {
        guard let field, !fieldEndFollows(field, at: position, lookFor: lookFor) else { return nil }
        let closes = open.reversed().flatMap(Self.endTag)
        reset()
        return closes
    }

    /// The look for the field's own end tag, made once for all the tags before where it stopped.
    private mutating func fieldEndFollows(_ field: [UInt8], at position: Int,
                                          lookFor: ([UInt8]) -> (follows: Bool, stop: Int)) -> Bool {
        if let look, position < look.stop { return look.follows }
        let found = lookFor(field)
        look = found
        return found.follows
    }

    private mutating func reset() {
        field = nil
        open = []
        look = nil
    }

    private static func endTag(_ name: [UInt8]) -> [UInt8] {
        Array("</".utf8) + name + [UInt8(ascii: ">")]
    }

    private static let fields = ["description", "content:encoded", "summary", "content", "title"].map { Array($0.utf8) }
    /// The feed's own elements: an end tag of one, stray in a field, ends the field.
    private static let structure = ["item", "entry", "channel", "feed", "rss", "rdf:RDF"].map { Array($0.utf8) }
    /// HTML's elements that a sibling ends (`<td>a<td>b`), in any case.
    private static let endedBySibling = ["p", "li", "td", "tr", "th", "dt", "dd", "option"].map { Array($0.utf8) }
    /// Where an item or entry begins or ends: a field's own end tag is looked for only up to there.
    private static let boundaries = ["item", "entry", "channel", "feed"].map { Array($0.utf8) }

    static func isBoundary(_ name: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        boundaries.contains { $0.elementsEqual(name) }
    }
    private static let deep = 200
    /// Levels a field may open: with the feed's own (rss, channel, item, field), under 256.
    private static let deepest = 250

    /// Past the tag name starting at `start`: letters, digits, `:`, `_`, `.`, `-` and every
    /// byte beyond ASCII, as XML's names.
    static func nameEnd(_ input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var end = start
        while end < input.count, end - start < 64, isNameByte(input[end]) { end += 1 }
        return end
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "-")
    }
}
