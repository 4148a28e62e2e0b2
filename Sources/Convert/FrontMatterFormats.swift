internal import FeedModel

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
        var lines = ["---", "title: " + YAMLScalar.singleQuoted(fields.title),
                     "date: " + fields.date.rfc3339,
                     "author: " + YAMLScalar.singleQuoted(fields.author),
                     "categories: [" + fields.categories.map(YAMLScalar.singleQuoted).joined(separator: ", ") + "]"]
        if let image = fields.image { lines.append("images: [" + YAMLScalar.singleQuoted(image) + "]") }
        if let link = fields.link { lines.append("source: " + YAMLScalar.singleQuoted(link)) }
        lines += ["draft: false", "---", "", BraceEscaper.escape(fields.body)]
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Jekyll: `layout: post`, Jekyll's `YYYY-MM-DD HH:MM:SS +0000` date, `image`. Braces in the body
/// are escaped because Liquid runs over posts. The excerpt ends at `<!--more-->`, which a feed's
/// body never holds (the sanitizer drops it): Jekyll's own divider, the first blank line, could
/// fall inside an element the body opened and leave it open on the home page.
enum JekyllFormat {
    static func text(for fields: DocumentFields) -> String {
        var lines = ["---", "layout: post", "title: " + YAMLScalar.singleQuoted(fields.title),
                     "date: " + jekyllDate(fields.date),
                     "author: " + YAMLScalar.singleQuoted(fields.author),
                     "categories: [" + fields.categories.map(YAMLScalar.singleQuoted).joined(separator: ", ") + "]"]
        if let image = fields.image { lines.append("image: " + YAMLScalar.singleQuoted(image)) }
        if let link = fields.link { lines.append("source: " + YAMLScalar.singleQuoted(link)) }
        lines += ["excerpt_separator: '<!--more-->'", "---", BraceEscaper.escape(fields.body)]
        return lines.joined(separator: "\n") + "\n"
    }

    static func jekyllDate(_ date: Timestamp) -> String {
        let iso = date.rfc3339  // 2022-02-16T23:50:43Z
        return iso.prefix(10) + " " + iso.dropFirst(11).prefix(8) + " +0000"
    }
}
