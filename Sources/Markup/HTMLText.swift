/// Reads the visible text of an HTML fragment: tags and comments removed, script and style
/// contents skipped, character references decoded. White space is kept as written.
public struct HTMLText: Sendable {
    public let decoder: EntityDecoder
    /// A `<br>` is one space, with the white space around it: for one line of text (a title),
    /// where `One<br>two` read `Onetwo`. A body's text (what the content hash reads) keeps none.
    public let breaksAsSpaces: Bool

    /// XML's five and HTML 4's named references: what feeds write in their HTML.
    public static let html = HTMLText(decoder: .html)
    /// The same, for one line of text (titles, names).
    public static let line = HTMLText(decoder: .html, breaksAsSpaces: true)

    public init(decoder: EntityDecoder, breaksAsSpaces: Bool = false) {
        self.decoder = decoder
        self.breaksAsSpaces = breaksAsSpaces
    }

    public func text(of html: String) -> String {
        // Most titles carry no markup at all: skip the lexer for them.
        if !html.containsUTF8(UInt8(ascii: "<")) {
            return html.containsUTF8(UInt8(ascii: "&")) ? decoder.decode(html) : html
        }
        // Bytes first, one String at the end: faster than growing a String, and the String
        // gets exactly its size (a grown one keeps up to half again as spare capacity).
        return String(decoding: textUTF8(of: html), as: UTF8.self)
    }

    /// The text as UTF-8 bytes, for callers that go on working on bytes (the content hash
    /// folds white space): always valid UTF-8, since every cut falls on an ASCII byte.
    public func textUTF8(of html: String) -> [UInt8] {
        guard html.containsUTF8(UInt8(ascii: "<")) else {
            var output: [UInt8] = []
            output.reserveCapacity(html.utf8.count)
            decoder.decode(Array(html.utf8), appendingTo: &output)
            return output
        }
        let bytes = Array(html.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 2)
        var skippingRawText = false, afterBreak = false
        for token in HTMLLexer(bytes, collecting: .none) {
            let breaks = breaksAsSpaces && Self.isBreak(token)
            defer { afterBreak = breaks }
            switch token {
            case .text(var range), .unclosedTag(var range):
                if afterBreak { range = range.drop { Self.isSpace(bytes[$0]) } }
                if !skippingRawText { decoder.decode(bytes[range], appendingTo: &output) }
            case .startTag(let tag):
                skippingRawText = (tag.name == "script" || tag.name == "style") && !tag.selfClosing
            case .endTag:
                skippingRawText = false
            case .other(let range):
                if bytes[range].starts(with: Array("<![CDATA[".utf8)), range.count >= 12 {
                    output.append(contentsOf: bytes[(range.lowerBound + 9)..<(range.upperBound - 3)])
                }
            }
            if breaks, !output.isEmpty {
                while let last = output.last, Self.isSpace(last) { output.removeLast() }
                output.append(UInt8(ascii: " "))
            }
        }
        return output
    }

    /// `<br>`, or `</br>` (which browsers read as one), or a block's start or end: `<p>Para</p><p>two</p>`
    /// in a title read `Paratwo`.
    private static func isBreak(_ token: HTMLToken) -> Bool {
        switch token {
        case .startTag(let tag): return tag.name == "br" || blocks.contains(tag.name)
        case .endTag(let name, _): return name == "br" || blocks.contains(name)
        default: return false
        }
    }

    /// HTML's blocks one line of text is sometimes written in (a CMS's `<p>` around a title, a
    /// list item's `<li>`): their words are apart from the next block's.
    public static let blocks: Set<String> = [
        "article", "blockquote", "center", "dd", "div", "dl", "dt", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "li", "ol", "p", "section", "td", "th", "tr", "ul",
    ]

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
    }

    /// The decoded source of the first `<img>` with a non-empty one, as written (maybe relative).
    /// A lazily loaded image's real address (`data-src`, `data-original`) wins over its `src`,
    /// a placeholder; an image with only a `srcset` gives its first candidate. A 1×1 image is skipped.
    public func firstImageSource(in html: String) -> String? {
        guard html.utf8.count > 4, Self.mayHoldImageTag(html) else { return nil }
        let bytes = Array(html.utf8)
        for case .startTag(let tag) in HTMLLexer(bytes, collecting: .only("img")) where tag.name == "img" {
            func value(_ name: String) -> String? {
                guard let attribute = tag.attributes.first(where: { $0.name == name }),
                      let valueRange = attribute.valueRange else { return nil }
                let value = decoder.decode(bytes[valueRange]).trimmingASCIISpaces()
                return value.isEmpty ? nil : value
            }
            // A tracking pixel (Medium's `/_/stat?…`, 1 by 1, or hidden) is no picture of the post.
            if tag.attributes.contains(where: { $0.name == "hidden" })
                || Self.isPixel(width: value("width"), height: value("height"), style: value("style")) { continue }
            if let source = value("data-src") ?? value("data-original") ?? value("data-lazy-src") ?? value("src") {
                let read = URLText.asRead(source)
                if !read.isEmpty { return read }
            }
            if let first = value("srcset").flatMap(URLText.firstSourceSetURL) {
                return URLText.asRead(first)
            }
        }
        return nil
    }

    /// At most a pixel wide or high (`1`, `1.0`, `1px`, in its attributes or style), or hidden.
    static func isPixel(width: String?, height: String?, style: String?) -> Bool {
        func tiny(_ text: Substring?) -> Bool {
            guard let text else { return false }
            let number = String(text).trimmingASCIISpaces().lowercased().replacing("px", with: "")
            return Double(number).map { $0 <= 1 } ?? false
        }
        if tiny(width.map { $0[...] }) || tiny(height.map { $0[...] }) { return true }
        guard let style = style?.lowercased().replacing(" ", with: "").replacing("!important", with: "") else { return false }
        if style.contains("display:none") || style.contains("visibility:hidden") || style.contains("opacity:0;")
            || style.hasSuffix("opacity:0") { return true }
        return style.split(separator: ";").contains { declaration in
            let parts = declaration.split(separator: ":", maxSplits: 1)
            return parts.count == 2 && ["width", "height", "max-width", "max-height"].contains(String(parts[0])) && tiny(parts[1])
        }
    }

    /// False when `<img` appears nowhere, in any case: every img start tag begins so. Spares
    /// most image-less bodies the lexer.
    private static func mayHoldImageTag(_ html: String) -> Bool {
        html.utf8.withContiguousStorageIfAvailable { bytes in
            var index = ByteSearch.index(of: UInt8(ascii: "<"), in: UnsafeRawBufferPointer(bytes), from: 0)
            while index + 4 <= bytes.count {
                if bytes[index + 1] | 0x20 == UInt8(ascii: "i"), bytes[index + 2] | 0x20 == UInt8(ascii: "m"),
                   bytes[index + 3] | 0x20 == UInt8(ascii: "g") {
                    return true
                }
                index = ByteSearch.index(of: UInt8(ascii: "<"), in: UnsafeRawBufferPointer(bytes), from: index + 1)
            }
            return false
        } ?? true
    }
}

extension String {
    /// Whether the UTF-8 holds `byte`: a loop over contiguous bytes, several times faster than
    /// `utf8.contains`, which steps through String indices; this asks of every body and title.
    public func containsUTF8(_ byte: UInt8) -> Bool {
        // Eight bytes at a time: titles and bodies are asked this several times each.
        utf8.withContiguousStorageIfAvailable { buffer in
            ByteSearch.index(of: byte, in: UnsafeRawBufferPointer(buffer), from: 0) < buffer.count
        } ?? utf8.contains(byte)
    }

    public func trimmingASCIISpaces() -> String {
        // Most values are already trimmed: answer those without building a new string.
        guard let head = utf8.first, let tail = utf8.last else { return self }
        if !isSpace(head), !isSpace(tail) { return self }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isASCIISpace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.isASCIISpace })!
        return String(scalars[first...last])
    }
}

extension Unicode.Scalar {
    var isASCIISpace: Bool {
        value == 0x20 || value == 0x09 || value == 0x0A || value == 0x0D || value == 0x0C
    }
}
