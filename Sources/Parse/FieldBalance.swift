/// Raw HTML in an item's text fields (`<description>`, `<content:encoded>`, Atom's `<summary>` and
/// `<content>`), balanced for libxml2's recovering parser. Its recovery ends one element per end
/// tag, whatever the tag's name, so a `<p>` or `<li>` never closed left the field's own end tag
/// closing it instead, and the item's end tag the field: every later item sank a level or more
/// under the one before, and past 256 levels libxml2 dropped the rest of the feed.
///
/// Within a field: an end tag closes what was opened after the element it names, and the field's
/// end tag closes everything still open in it. The repair only writes end tags, before the tag
/// that implies them; it never removes one. A stray end tag (naming nothing open) is counted as
/// libxml2 reads it. HTML's rule that a `<p>` ends an open `<p>` is not applied: markup that is
/// balanced as XML (`<p><p>a</p></p>`) would lose its own end tags to it, and the stray ones
/// then closed the field, the item and the channel.
struct FieldBalance {
    private var field: [UInt8]?
    private var open: [[UInt8]] = []

    /// Inside a text field: its start tags matter.
    var isOpen: Bool { field != nil }

    static func isField(_ name: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        fields.contains { $0.elementsEqual(name) }
    }

    /// The end tags to write before the start tag `name`.
    mutating func start(_ name: Slice<UnsafeBufferPointer<UInt8>>, closesItself: Bool) -> [UInt8] {
        guard field != nil else {
            if !closesItself, Self.isField(name) { field = Array(name) }
            return []
        }
        guard !closesItself else { return [] }
        open.append(Array(name))
        // Past libxml2's own limit the document is cut whatever is written here; stop counting
        // rather than search an ever longer list at every end tag.
        if open.count > Self.maxOpen { reset() }
        return []
    }

    /// The end tags to write before the end tag `name`.
    mutating func end(_ name: Slice<UnsafeBufferPointer<UInt8>>) -> [UInt8] {
        guard let field else { return [] }
        if let depth = open.lastIndex(where: { $0.elementsEqual(name) }) {
            let closes = open[(depth + 1)...].reversed().flatMap(Self.endTag)
            open.removeSubrange(depth...)
            return closes
        }
        if field.elementsEqual(name) || open.isEmpty {
            let closes = open.reversed().flatMap(Self.endTag)
            reset()
            return closes
        }
        open.removeLast()
        return []
    }

    private mutating func reset() {
        field = nil
        open = []
    }

    private static func endTag(_ name: [UInt8]) -> [UInt8] {
        Array("</".utf8) + name + [UInt8(ascii: ">")]
    }

    private static let fields = ["description", "content:encoded", "summary", "content"].map { Array($0.utf8) }
    private static let maxOpen = 512

    /// Past the tag name starting at `start`: letters, digits, `:`, `_`, `.`, `-` and every
    /// byte beyond ASCII, as XML's names.
    static func nameEnd(_ input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var end = start
        while end < input.count, end - start < 64, isNameByte(input[end]) { end += 1 }
        return end
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "-")
    }

    /// Whether the start tag whose name ends at `nameEnd` closes itself (`/>`); nil when no `>`
    /// ends it before the next `<` (a broken tag, left uncounted). A quote opens a value only
    /// right after `=`, so an apostrophe in a broken tag does not hide its end.
    static func closesItself(_ input: UnsafeBufferPointer<UInt8>, after nameEnd: Int) -> Bool? {
        var index = nameEnd
        var quote: UInt8?
        var last: UInt8 = 0
        while index < input.count {
            let byte = input[index]
            if byte == UInt8(ascii: "<") { return nil }
            if let open = quote {
                if byte == open { quote = nil }
            } else if (byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")) && last == UInt8(ascii: "=") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return last == UInt8(ascii: "/")
            }
            if quote != nil || !(byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D) { last = byte }
            index += 1
        }
        return nil
    }
}
