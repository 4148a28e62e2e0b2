internal import CLinux  // memmem
internal import Foundation  // memchr

/// Builds the repaired copy lazily: nothing is allocated until the first replacement.
struct RepairWriter {
    let input: UnsafeBufferPointer<UInt8>
    let recovering: Bool
    /// A DOCTYPE's careful look ran to the end of the document (`EntityRepair.doctypeEnd`).
    var doctypeRanOut = false
    /// The recovering pass's count of what an item's text field opened.
    var fields = FieldBalance()
    /// The last void tag looked at was left open for its own end tag (`<br></br>`).
    var voidLeftOpen = false
    /// Void tags outside text fields left open for their own end tags (`<br></br>`), not yet ended.
    var voidsLeftOpen = 0
    /// Comments, sections and instructions found running past their item's end (`spansItemEnd`).
    private(set) var spanning = 0
    /// Whether the document's items are Atom's `<entry>`s, once `crossesItems` has looked.
    private var itemsAreEntries: Bool?
    /// The feed's own elements open outside text fields, for end tags that end none of them.
    var structure = OpenStructure()
    /// The end of the last CDATA section (comment) found running past its item: a later opener
    /// before it is looked at up to its own item's end only, not copied to that end again (a
    /// document of such openers would be read once per opener).
    var sectionSpanEnd = 0, commentSpanEnd = 0
    /// Where the output stood, to go back to when a section copied whole turns out to be text.
    struct Checkpoint {
        let written: Int, copiedUpTo: Int, replaced: Bool
    }

    var checkpoint: Checkpoint { Checkpoint(written: output.count, copiedUpTo: copiedUpTo, replaced: replaced) }

    mutating func restore(_ checkpoint: Checkpoint) {
        output.removeSubrange(checkpoint.written...)
        copiedUpTo = checkpoint.copiedUpTo
        replaced = checkpoint.replaced
    }

    /// The last look for each pattern (`find`): from where, and where it was found.
    private var found: [Int: (from: Int, at: Int?)] = [:]
    private var output: [UInt8] = []
    private var copiedUpTo = 0
    private var replaced = false

    init(input: UnsafeBufferPointer<UInt8>, recovering: Bool) {
        self.input = input
        self.recovering = recovering
    }

    mutating func replace(_ range: Range<Int>, with replacement: [UInt8]) {
        if !replaced {
            output.reserveCapacity(input.count + 256)
            replaced = true
        }
        output.append(contentsOf: input[copiedUpTo..<range.lowerBound])
        output.append(contentsOf: replacement)
        copiedUpTo = range.upperBound
    }

    /// Where `pattern` first starts at or after `start`, nil when nowhere. Remembered per pattern:
    /// a later look from before that place finds the same one, so the openers of a document
    /// full of them (`<!--` 100,000 times, one `-->` at the end) cost one scan, not one each.
    mutating func find(_ pattern: StaticString, from start: Int) -> Int? {
        let key = Int(bitPattern: pattern.utf8Start)
        if let memo = found[key], start >= memo.from, memo.at.map({ start <= $0 }) ?? true { return memo.at }
        let at = search(pattern, from: start, to: input.count)
        found[key] = (start, at)
        return at
    }

    /// From one of the pattern's first byte to the next, with libc's memchr (glibc's memmem sets
    /// up a two-way search at each call, which cost more here than it saved).
    /// Each `]]>` in `range` (text outside any section) with its `>` written as a reference.
    mutating func escapeSectionEnds(in range: Range<Int>) {
        guard range.count >= 3, let base = input.baseAddress else { return }
        var index = range.lowerBound
        while index < range.upperBound - 2,
              let hit = memchr(base + index, Int32(UInt8(ascii: "]")), range.upperBound - 2 - index) {
            let at = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
            if input[at + 1] == UInt8(ascii: "]"), input[at + 2] == UInt8(ascii: ">") {
                replace((at + 2)..<(at + 3), with: Array("&#62;".utf8))
                index = at + 3
            } else {
                index = at + 1
            }
        }
    }

    /// Where the first of `tags` (each starting with `<`) starts in `start..<end`, if one does.
    func firstTag(_ tags: [StaticString], from start: Int, to end: Int) -> Int? {
        guard let base = input.baseAddress else { return nil }
        var index = start
        while index < end, let hit = memchr(base + index, Int32(UInt8(ascii: "<")), end - index) {
            let at = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
            if tags.contains(where: { EntityRepair.starts(input, at: at, with: $0) }) { return at }
            index = at + 1
        }
        return nil
    }

    /// Where `pattern` starts in `start..<end`, if it does.
    func search(_ pattern: StaticString, from start: Int, to end: Int) -> Int? {
        guard let base = input.baseAddress else { return nil }
        let first = Int32(pattern.utf8Start.pointee)
        var index = start
        while index < end, let hit = memchr(base + index, first, end - index) {
            let at = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
            if EntityRepair.starts(input, at: at, with: pattern) { return at }
            index = at + 1
        }
        return nil
    }

    /// Whether `start..<end` holds an item's end tag with an item's start tag after it, as a body
    /// that ran from one item into a later one does. One `memmem` for the document's own item
    /// element (`itemsAreEntries`), no walk from tag to tag: cheap enough to ask of every closed
    /// section, so that one closed by a later item's terminator is found when nothing of its kind
    /// lies between (the document well-formed, the items between its text).
    mutating func crossesItems(from start: Int, to end: Int) -> Bool {
        // The first item's start tag says (a walk over the channel's few tags before it).
        let entries = itemsAreEntries
            ?? firstTag(["<item", "<entry"], from: 0, to: input.count).map { EntityRepair.starts(input, at: $0, with: "<entry") }
            ?? false
        itemsAreEntries = entries
        guard let close = first(entries ? "</entry>" : "</item>", from: start, to: end) else { return false }
        return first(entries ? "<entry" : "<item", from: close, to: end) != nil
    }

    private func first(_ pattern: StaticString, from start: Int, to end: Int) -> Int? {
        guard let base = input.baseAddress, start < end,
              let hit = crawler_memmem(base + start, end - start, pattern.utf8Start, pattern.utf8CodeUnitCount)
        else { return nil }
        return UnsafePointer(hit.assumingMemoryBound(to: UInt8.self)) - base
    }

    /// Whether a comment, section or instruction whose body is `start..<end` runs past the end of
    /// the item it opened in: an item's end tag in it before any item's start tag. One opened in an
    /// item's text and never closed there was closed by a later item's; a commented-out item (at
    /// the channel's level) starts with its own start tag.
    /// Asked only of one whose body holds its own opener again (the terminator that ended it may
    /// be that later one's) or `crossesItems`: most bodies, HTML, are never walked tag by tag.
    mutating func spansItemEnd(from start: Int, to end: Int) -> Bool {
        // One walk from `<` to `<` for both dialects' end tags, stopping at the first: a search per
        // tag name ran to `end` for the name the document never uses, at every opener.
        guard let close = firstTag(["</item>", "</entry>"], from: start, to: end) else { return false }
        guard firstTag(["<item", "<entry"], from: start, to: close) == nil else { return false }
        spanning += 1
        return true
    }

    mutating func insert(_ bytes: [UInt8], at index: Int) {
        if !bytes.isEmpty { replace(index..<index, with: bytes) }
    }

    consuming func finish() -> [UInt8]? {
        guard replaced else { return nil }
        output.append(contentsOf: input[copiedUpTo...])
        return output
    }
}

/// The feed's own elements open outside its items' text fields (`rss`, `channel`, `item`, a
/// field itself), as the recovering repair meets their tags. Names compare in any case.
struct OpenStructure {
    private var open: [[UInt8]] = []

    mutating func start(_ name: Slice<UnsafeBufferPointer<UInt8>>) {
        open.append(Array(name))
    }

    /// Ends the innermost open element named `name` and any inside it; false when none is open
    /// (the end tag is stray).
    mutating func end(_ name: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let depth = open.lastIndex(where: { Self.same($0, name) }) else { return false }
        open.removeSubrange(depth...)
        return true
    }

    /// A text field's end tag, which `FieldBalance` read: the field was the innermost.
    mutating func fieldEnded() {
        if !open.isEmpty { open.removeLast() }
    }

    private static func same(_ one: [UInt8], _ other: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        one.count == other.count && zip(one, other).allSatisfy { $0 | 0x20 == $1 | 0x20 }
    }
}
