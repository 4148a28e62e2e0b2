// Markup: a forgiving HTML lexer over UTF-8 bytes, shared by Parse (text, first image) and
// Convert (body rewrites). It never re-serialises: tokens are byte ranges into the input.

/// One lexical piece of an HTML fragment, as a range of the input bytes.
public enum HTMLToken: Sendable, Hashable {
    /// Character data (entities not decoded).
    case text(Range<Int>)
    /// `<name attr=value ...>`; `name` is lower-cased.
    case startTag(HTMLTag)
    /// `</name>`; `name` is lower-cased.
    case endTag(name: String, range: Range<Int>)
    /// `<!-- ... -->`, `<!DOCTYPE ...>`, `<?...?>`, `<![CDATA[...]]>`.
    case other(Range<Int>)
    /// A start or end tag the input ends inside, through to the end of the input. Browsers drop
    /// it; a page the fragment is pasted into would close it, so the rewriter must neutralise it.
    case unclosedTag(Range<Int>)
}

public struct HTMLTag: Sendable, Hashable {
    public var name: String
    public var range: Range<Int>
    public var attributes: [HTMLAttribute]
    public var selfClosing: Bool
}

public struct HTMLAttribute: Sendable, Hashable {
    /// Lower-cased name.
    public var name: String
    /// The whole `name="value"` span, for removal.
    public var range: Range<Int>
    /// The value's bytes without quotes; nil for a bare attribute (`<input disabled>`).
    public var valueRange: Range<Int>?
}
