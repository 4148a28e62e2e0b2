internal import Markup

/// Whether a `<` hides inside a tag's source: in an attribute's name or value, quoted or not, on a
/// start tag or an end tag. A browser reads it as text; Markdown (Hexo renders a post's body as
/// Markdown) reads the tag around it as text once a blank line, a `\`, a fence or an indent comes
/// first, and the hidden tag becomes live. Looked at in the source, not the tree: the tree builder
/// drops tags without a trace (an end tag nothing opened, a `<tr>` outside a table, the second of
/// two attributes of one name), and their source with them.
enum TagSource {
    /// Whether the body's source must be rebuilt: a `<` or a line break inside a tag's source (or a `<` inside a
    /// declaration or bogus comment, `<!DOCTYPE …>`, `<?…>`, `</1…>`, which the tree keeps no
    /// trace of and Markdown may read as text), or a `>` inside a quoted value. The sanitizer's
    /// check parses a copy with its text runs after each `>` shortened (`TextRuns`); a run inside
    /// a value would be cut too, and the value checked (a `srcset`'s URLs) would not be the one kept.
    static func mustRebuild(_ source: [UInt8]) -> Bool {
        source.withUnsafeBufferPointer { bytes in
            var index = 0
            while index < bytes.count {
                guard let start = nextMarkup(bytes, from: index) else { return false }
                let end: TagEnd
                switch start {
                case .tag(let open, let after):
                    end = tagEnd(bytes, from: after)
                    // Read as a tag by HTML, it must be one to Markdown too (`MarkdownTagRule`).
                    if case .end(let next) = end, !MarkdownTagRule.accepts(bytes[open..<next]) { return true }
                case .bogus(let after): end = bogusEnd(bytes, from: after)
                }
                switch end {
                case .mustRebuild: return true
                case .end(let next): index = next
                }
            }
            return false
        }
    }

    private enum TagEnd {
        case end(Int), mustRebuild
    }

    private enum Markup {
        /// The `<` of `<name` or `</name`, and just past the name's first letter.
        case tag(Int, Int)
        /// Just past `<!` (not a comment), `<?` or `</` and a byte that is not a letter: HTML's
        /// bogus comment (a DOCTYPE in a body is dropped the same way), which ends at the next `>`.
        case bogus(Int)
    }

    /// The next tag or bogus comment at or after `start`. Comments (`<!--`) are left to the tree's
    /// check: one that is not plain text is rebuilt.
    private static func nextMarkup(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Markup? {
        var index = start
        while index < bytes.count {
            index = ByteSearch.index(of: UInt8(ascii: "<"), in: UnsafeRawBufferPointer(bytes), from: index)
            guard index + 1 < bytes.count else { return nil }
            let next = bytes[index + 1]
            if isLetter(next) { return .tag(index, index + 2) }
            if next == UInt8(ascii: "/"), index + 2 < bytes.count {
                let after = bytes[index + 2]
                if isLetter(after) { return .tag(index, index + 3) }
                if after != UInt8(ascii: ">") { return .bogus(index + 2) }
            }
            if next == UInt8(ascii: "?") { return .bogus(index + 2) }
            if next == UInt8(ascii: "!"), !starts(bytes, at: index + 2, with: "--") { return .bogus(index + 2) }
            index += 1
        }
        return nil
    }

    /// A backslash too: Markdown may not take it for a declaration, and its escapes then move the `>`.
    private static func bogusEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> TagEnd {
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "<") || bytes[index] == UInt8(ascii: "\\") { return .mustRebuild }
            if bytes[index] == UInt8(ascii: ">") { return .end(index + 1) }
            index += 1
        }
        return .end(index)
    }

    /// Where in a tag the look is: HTML's tokenizer states from the tag name to the tag's end.
    private enum State {
        case tagName, beforeName, name, afterName, beforeValue, quoted(UInt8), afterQuoted, unquoted, selfClosing
    }

    /// Past the tag's `>`, as HTML's tokenizer reads it. The states that matter: a quote opens a
    /// value only where a value starts (after `=`, white space allowed between); an unquoted value
    /// runs to white space or `>`, quotes and `=` in it included (`x=y="`); a quoted one ends at
    /// its own quote only; and an `=` where a name starts is that name's first character
    /// (`</b =x=">"` is one attribute `=x` holding `>`), not the start of a value.
    private static func tagEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> TagEnd {
        var index = start
        var state = State.tagName
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            // A line break in a tag: to Markdown a blank line ends the HTML block there, inside a
            // quoted value too, which the browser then reads on into the next value's text. The
            // rebuilt tag is one line, its values' line breaks written as references.
            if byte == UInt8(ascii: "<") || byte == 0x0A || byte == 0x0D { return .mustRebuild }
            // Marked's strikethrough and table rules split the raw source at `~` and `|` before
            // tags are read: one inside a tag cuts it in two. Rebuilt values write them as references.
            if byte == UInt8(ascii: "~") || byte == UInt8(ascii: "|") { return .mustRebuild }
            if case .quoted(let quote) = state {
                if byte == UInt8(ascii: ">") { return .mustRebuild }
                if byte == quote { state = .afterQuoted }
                continue
            }
            if byte == UInt8(ascii: ">") { return .end(index) }  // in every state but a quoted value
            state = next(after: byte, in: state)
        }
        if case .quoted = state { return .mustRebuild }
        return .end(index)
    }

    private static func next(after byte: UInt8, in state: State) -> State {
        let space = isSpace(byte), slash = byte == UInt8(ascii: "/"), equals = byte == UInt8(ascii: "=")
        switch state {
        case .tagName:
            return space ? .beforeName : slash ? .selfClosing : .tagName
        case .beforeName, .selfClosing, .afterQuoted:
            // After a value's closing quote or a stray `/`, HTML reads the byte again as before a name.
            if space { return .beforeName }
            if slash { return .selfClosing }
            return .name  // `=` included: it starts a name here
        case .name:
            return space ? .afterName : slash ? .selfClosing : equals ? .beforeValue : .name
        case .afterName:
            return space ? .afterName : slash ? .selfClosing : equals ? .beforeValue : .name
        case .beforeValue:
            if space { return .beforeValue }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") { return .quoted(byte) }
            return .unquoted
        case .unquoted:
            return space ? .beforeName : .unquoted
        case .quoted:
            return state
        }
    }

    private static func starts(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return bytes[index..<(index + count)].elementsEqual(UnsafeBufferPointer(start: prefix.utf8Start, count: count))
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }
}
