internal import FeedModel
internal import Markup

/// The golden format of ../shared/format/SPEC.md, byte for byte.
enum HexoFormat {
    static func text(for fields: DocumentFields) -> String {
        var text = BraceEscapedText(capacity: fields.body.utf8.count + 512)
        text.append("\n---\ntitle: ", TitleText.quoted(fields.title), "\ncategories: \n")
        for category in fields.categories {
            text.append(" - ", YAMLScalar.plainOrQuoted(BraceEscaper.escape(category)), "\n")
        }
        let image = fields.image.map(YAMLScalar.singleQuoted)
        if let image { text.append("headimg: ", image, "\n") }
        text.append("author: ", YAMLScalar.plainOrQuoted(BraceEscaper.escape(fields.author)), "\n")
        text.append("comments: false\ndate: ", HTTPDate.format(fields.date), "\n")
        if let image { text.append("thumbnail: ", image, "\n") }
        // Not in SPEC.md (whose items have none): written only for an item with enclosures.
        if !fields.enclosures.isEmpty { text.append(PublishedEnclosures.yamlBlock(fields.enclosures)) }
        text.append("---\n\n<div>   \n")
        text.appendMarkdownBody(fields.body)
        text.append("  \n</div>\n            ")
        return text.string
    }
}

/// Hugo: YAML front matter, RFC 3339 date, `images` for social cards, written to `.html` content
/// files (Hugo renders those as they are, no Markdown). Braces in the body are escaped because
/// Hugo reads `{{< >}}` in content as shortcodes.
enum HugoFormat {
    static func text(for fields: DocumentFields) -> String {
        var lines = ["---", "title: " + YAMLScalar.singleQuoted(FeedText.title(fields.title)),
                     "date: " + fields.date.rfc3339,
                     "author: " + YAMLScalar.singleQuoted(fields.author),
                     "categories: [" + fields.categories.map(YAMLScalar.singleQuoted).joined(separator: ", ") + "]"]
        if let image = fields.image { lines.append("images: [" + YAMLScalar.singleQuoted(image) + "]") }
        if let link = fields.link { lines.append("source: " + YAMLScalar.singleQuoted(link)) }
        if !fields.enclosures.isEmpty { lines.append(PublishedEnclosures.yamlLine(fields.enclosures)) }
        lines += ["draft: false", "---", "", BraceEscaper.escape(fields.body)]
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Jekyll: `layout: post`, Jekyll's `YYYY-MM-DD HH:MM:SS +0000` date, `image`. Braces in the body
/// are escaped because Liquid runs over posts. The excerpt is written out, as the body's first
/// words in plain text: Jekyll's own, cut at the first blank line, could fall inside an element
/// the body opened and leave it open on the home page, and one at a divider no feed's body holds
/// (the sanitizer drops `<!--more-->`) was the whole post.
enum JekyllFormat {
    static func text(for fields: DocumentFields) -> String {
        var lines = ["---", "layout: post", "title: " + YAMLScalar.singleQuoted(FeedText.title(fields.title)),
                     "date: " + jekyllDate(fields.date),
                     "author: " + YAMLScalar.singleQuoted(fields.author),
                     "categories: [" + fields.categories.map(YAMLScalar.singleQuoted).joined(separator: ", ") + "]"]
        if let image = fields.image { lines.append("image: " + YAMLScalar.singleQuoted(image)) }
        if let link = fields.link { lines.append("source: " + YAMLScalar.singleQuoted(link)) }
        if !fields.enclosures.isEmpty { lines.append(PublishedEnclosures.yamlLine(fields.enclosures)) }
        lines += ["excerpt: " + YAMLScalar.singleQuoted(excerpt(of: fields.body)), "---", BraceEscaper.escape(fields.body)]
        return lines.joined(separator: "\n") + "\n"
    }

    /// About the first 300 characters of the body's text, cut after a word, HTML-escaped (themes
    /// print `post.excerpt` as it is) with braces as references.
    static func excerpt(of body: String) -> String {
        // Blocks and line breaks apart: `<p>…end</p><p>rel…` read "endrel" (round 59).
        let words = HTMLText.line.text(of: body).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        var text = words
        if words.count > 300 {
            let cut = words.prefix(300)
            let atWord = cut.lastIndex(of: " ").map { cut[..<$0] } ?? cut  // text without spaces (Chinese) is cut as it is
            text = String(atWord) + " …"
        }
        // Quotes too: a theme may put it into `content="…"`.
        return BraceEscaper.escape(HTMLEscaping.anyQuotedAttribute(text))
    }

    static func jekyllDate(_ date: Timestamp) -> String {
        let iso = date.rfc3339  // 2022-02-16T23:50:43Z
        return iso.prefix(10) + " " + iso.dropFirst(11).prefix(8) + " +0000"
    }
}
