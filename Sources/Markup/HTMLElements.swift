/// The names of HTML's elements, current and obsolete (WHATWG's index and its list of
/// non-conforming features): what a `<name` in one line of text may mean as markup. Anything
/// else (`Map<K, V>`, `std::vector<bool>`) names a thing in the text.
public enum HTMLElements {
    /// Whether `name`, as written in a tag (any case, a namespace prefix such as `xhtml:` dropped),
    /// is one of HTML's elements.
    public static func contains<Name: BidirectionalCollection<UInt8>>(_ name: Name) -> Bool {
        let local = name.lastIndex(of: UInt8(ascii: ":")).map { name[name.index(after: $0)...] } ?? name[...]
        guard local.count <= longest else { return false }
        return names.contains(String(decoding: local.lazy.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self))
    }

    private static let longest = 10  // "blockquote", "figcaption", "noembed"...

    private static let names: Set<String> = [
        "a", "abbr", "acronym", "address", "applet", "area", "article", "aside", "audio", "b", "base", "basefont", "bdi",
        "bdo", "bgsound", "big", "blink", "blockquote", "body", "br", "button", "canvas", "caption", "center", "cite",
        "code", "col", "colgroup", "data", "datalist", "dd", "del", "details", "dfn", "dialog", "dir", "div", "dl", "dt",
        "em", "embed", "fieldset", "figcaption", "figure", "font", "footer", "form", "frame", "frameset", "h1", "h2",
        "h3", "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "i", "iframe", "img", "input", "ins", "isindex",
        "kbd", "keygen", "label", "legend", "li", "link", "listing", "main", "map", "mark", "marquee", "math", "menu",
        "meta", "meter", "nav", "nobr", "noembed", "noframes", "noscript", "object", "ol", "optgroup", "option",
        "output", "p", "param", "picture", "plaintext", "pre", "progress", "q", "rb", "rp", "rt", "rtc", "ruby", "s",
        "samp", "script", "search", "section", "select", "slot", "small", "source", "span", "strike", "strong", "style",
        "sub", "summary", "sup", "svg", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "time",
        "title", "tr", "track", "tt", "u", "ul", "var", "video", "wbr", "xmp",
    ]
}
