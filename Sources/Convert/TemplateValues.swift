internal import FeedModel
internal import Foundation
internal import Markup

/// The values a Mustache template sees. `{{title}}` escapes HTML; `{{{body}}}` writes it raw.
/// Every string has a `_yaml` twin that YAML reads back as the same string, so a template can
/// put any value into front matter without knowing what a feed may send, and an `_inert` twin
/// for the page itself: HTML-escaped, with braces, backticks and square brackets as references,
/// so that a title of `{% endif %}` cannot fail a Jekyll build (Liquid, Nunjucks and Hugo's
/// shortcodes read `{{title}}`'s braces).
enum TemplateValues {
    static func values(for fields: DocumentFields) -> [String: Any] {
        var values: [String: Any] = [
            "categories": fields.categories.map {
                ["name": $0, "name_yaml": YAMLScalar.singleQuoted($0), "name_inert": Self.inert($0)]
            },
        ]
        func add(_ name: String, _ value: String?) {
            // A value the item lacks is left out, not set to nil: Mustache then renders it empty
            // and treats it as false in `{{#link}}…{{/link}}`, where a boxed nil printed "nil".
            guard let value else { return }
            values[name] = value
            values[name + "_yaml"] = YAMLScalar.singleQuoted(value)
            values[name + "_inert"] = Self.inert(value)
        }
        values["enclosures"] = fields.enclosures.map { enclosure -> [String: Any] in
            var entry: [String: Any] = ["url": enclosure.url, "url_yaml": YAMLScalar.singleQuoted(enclosure.url),
                                        "url_inert": Self.inert(enclosure.url)]
            if let type = enclosure.type {
                entry["type"] = type
                entry["type_yaml"] = YAMLScalar.singleQuoted(type)
                entry["type_inert"] = Self.inert(type)
            }
            if let length = enclosure.length { entry["length"] = "\(length)" }
            return entry
        }
        add("title", fields.title)
        // For front matter, as every profile's: Liquid prints `{{ page.title }}` as it is, and a
        // feed's `&lt;script&gt;` title ran in the page (round 63; `title` itself stays the feed's).
        values["title_yaml"] = YAMLScalar.singleQuoted(FeedText.title(fields.title))
        add("author", fields.author)
        add("image", fields.image)
        add("link", fields.link)
        add("date_rfc1123", HTTPDate.format(fields.date))
        add("date_rfc3339", fields.date.rfc3339)
        add("feed", fields.feedName)
        add("channel", fields.channelTitle)
        // Without its stylesheets: in a template's raw body their braces are live, and a feed's
        // `<style>` restyled the whole site (a Hexo, Hugo or Jekyll document writes them as references).
        let body = Self.withoutStylesheets(fields.body)
        values["body"] = body
        // For a site that runs a template engine or Markdown over its content (Hugo's shortcodes,
        // Liquid, Nunjucks, any `.md` file): braces, backticks and square brackets as references,
        // as in a Hexo document, so the feed's text cannot act as either.
        var inert = BraceEscapedText(capacity: fields.body.utf8.count + 64)
        inert.appendMarkdownBody(fields.body)
        values["body_inert"] = inert.string
        values["body_inert_yaml"] = YAMLScalar.doubleQuoted(inert.string)
        // The body keeps its line breaks, so its YAML form is double-quoted with escapes.
        values["body_yaml"] = YAMLScalar.doubleQuoted(body)
        return values
    }

    /// Every name a template may use outside a list: any other renders empty in every document,
    /// so a misspelt one (`{{{titel_yaml}}}`) is refused up front.
    static let itemNames: Set<String> = {
        let strings = ["title", "author", "image", "link", "date_rfc1123", "date_rfc3339", "feed", "channel"]
        return Set(strings.flatMap { [$0, $0 + "_yaml", $0 + "_inert"] }
                   + ["categories", "body", "body_inert", "body_inert_yaml", "body_yaml", "enclosures"])
    }()

    /// The names each list's entries add, inside `{{#categories}}` and `{{#enclosures}}` alone.
    static let listNames: [String: Set<String>] = [
        "categories": ["name", "name_yaml", "name_inert"],
        "enclosures": ["url", "url_yaml", "url_inert", "type", "type_yaml", "type_inert", "length"],
    ]

    /// All of them, for the message that lists them.
    static let names: Set<String> = listNames.values.reduce(itemNames) { $0.union($1) }

    /// `html` without its `<style>…</style>` elements (a sanitized stylesheet holds no `<`).
    static func withoutStylesheets(_ html: String) -> String {
        var output = "", rest = html[...]
        while let open = rest.range(of: "<style", options: .caseInsensitive),
              let close = rest[open.upperBound...].range(of: "</style>", options: .caseInsensitive) {
            output += rest[..<open.lowerBound]
            rest = rest[close.upperBound...]
        }
        return output + rest
    }

    static func inert(_ text: String) -> String {
        var inert = BraceEscapedText(capacity: text.utf8.count + 16)
        // `'` too: a single-quoted attribute ends at one (Mustache's own `{{x}}` writes `&#39;`).
        inert.appendMarkdownBody(HTMLEscaping.anyQuotedAttribute(text))
        return inert.string
    }
}
