internal import Markup

/// The allowlist sanitizer for item bodies, on gumbo's HTML5 parser (the algorithm browsers run).
///
/// A body with nothing to remove keeps every byte; any other body is rebuilt from the cleaned tree.
/// The body is parsed as the children of a `<div>`, as the document template places it, with an end
/// marker after it: a body that ends inside a tag, a comment or a raw-text element swallows the
/// marker as it would swallow the page after it, and is rebuilt too.
///
/// URLs are judged as they stand: the caller has made relative ones absolute against an http(s)
/// base (never against any other), and a relative one left over resolves against the page itself.
/// A body too costly for gumbo (`ParseCost`) is reduced to its text.
public struct HTMLSanitizer: Sendable {
    public init() {}

    public func sanitize(_ html: String) -> String {
        sanitized(html).html
    }

    /// The clean body, and whether it was reduced to its text (too costly to parse as HTML): the
    /// crawl says so in its log, since the post lost its links and images.
    public func sanitized(_ html: String) -> (html: String, reducedToText: Bool) {
        let (clean, reduced) = cleaned(html)
        return (Self.closingNoCDATA(clean), reduced)
    }

    /// Site generators' own feeds (jekyll-feed, hexo-generator-feed) put each post's content in a
    /// CDATA section: a post that writes `]]>` (about XML, or in code) ended it there, and the
    /// site's feed.xml was no XML for any subscriber. `]]&gt;` reads the same in text, in an
    /// attribute's value and in a comment.
    private static func closingNoCDATA(_ html: String) -> String {
        guard holdsCDATAEnd(html) else { return html }
        return html.replacing("]]>", with: "]]&gt;")
    }

    /// By bytes, from `]` to `]`: this module's Foundation searched each body by Characters, and the
    /// standard library's generic search asked the runtime for its types at every call (2–5% of a
    /// cold pass over the realistic farm, whose bodies hold footnotes' `]`).
    static func holdsCDATAEnd(_ html: String) -> Bool {
        var html = html
        return html.withUTF8 { bytes in
            let raw = UnsafeRawBufferPointer(bytes)
            var index = ByteSearch.index(of: UInt8(ascii: "]"), in: raw, from: 0)
            while index + 2 < bytes.count {
                if bytes[index + 1] == UInt8(ascii: "]"), bytes[index + 2] == UInt8(ascii: ">") { return true }
                index = ByteSearch.index(of: UInt8(ascii: "]"), in: raw, from: index + 1)
            }
            return false
        }
    }

    private func cleaned(_ html: String) -> (String, reducedToText: Bool) {
        // Without `<` or `&` there is no markup and nothing a parser would decode.
        guard html.containsUTF8(UInt8(ascii: "<")) || html.containsUTF8(UInt8(ascii: "&")) else { return (html, false) }
        let source = Array(html.utf8)
        // Too costly for gumbo to parse: the text alone, which needs no tree.
        if ParseCost.isExcessive(source) { return (Self.textOnly(html), true) }
        let mayKeepBytes = !Self.mentionsMarker(source) && !Self.hasPageTag(source) && !TagSource.mustRebuild(source)
            && !Self.mayHoldAtRule(source)
        // The check parses the body with its text runs shortened (the same elements, attributes and
        // comments, far fewer characters for gumbo); only a body with something to remove is parsed whole.
        if mayKeepBytes {
            switch GumboTree.with(TextRuns.shortened(source) + Self.endMarker, {
                SafetyCheck.isClean($0, endMarker: Self.endMarker)
            }) {
            case true?: return (html, false)
            case nil: return (Self.textOnly(html), true)
            case false?: break
            }
        }
        // No tree (one too big to build): keep the text, not the markup.
        guard let rebuilt = GumboTree.with(source + Self.endMarker, { CleanHTMLWriter().html(of: $0) }) else {
            return (Self.textOnly(html), true)
        }
        return (rebuilt, false)
    }

    private static func textOnly(_ html: String) -> String {
        HTMLEscaping.text(HTMLText.html.text(of: html))
    }

    /// An element no feed writes, placed after the body.
    static let endMarker = Array("<crawler-end-of-body>".utf8)

    /// A stylesheet with an at-rule (`@import` needs no braces) is dropped by a rebuild; the check
    /// parses the body with its text runs shortened, a stylesheet's text with them, and cannot see one.
    private static func mayHoldAtRule(_ source: [UInt8]) -> Bool {
        source.containsByte(UInt8(ascii: "@")) && source.containsCaseInsensitive(Array("<style".utf8))
    }

    private static func mentionsMarker(_ source: [UInt8]) -> Bool {
        source.containsCaseInsensitive(CleanHTMLWriter.markerName)
    }

    /// In the page, `<body …>` inside the body adds its attributes (`onload`…) to the page's own
    /// `<body>`, and `<frameset …>` before any text replaces it; parsed alone as a fragment either
    /// is dropped without a trace, so only a rebuild is safe.
    private static func hasPageTag(_ source: [UInt8]) -> Bool {
        hasStartTag(bodyTag, in: source) || hasStartTag(framesetTag, in: source)
    }

    private static func hasStartTag(_ needle: [UInt8], in source: [UInt8]) -> Bool {
        var from = 0
        while let found = source.firstIndexCaseInsensitive(of: needle, from: from) {
            let next = found + needle.count
            if next == source.count { return true }
            switch source[next] {
            case 0x09, 0x0A, 0x0C, 0x0D, 0x20, UInt8(ascii: "/"), UInt8(ascii: ">"): return true
            default: from = next
            }
        }
        return false
    }

    private static let bodyTag = Array("<body".utf8), framesetTag = Array("<frameset".utf8)
}
