internal import FeedModel
internal import Markup

/// Enclosures and Media RSS: where podcasts and photo feeds keep their files and images.
enum MediaFields {
    static func apply(_ element: XMLElementValue, core: [String], to item: inout Item) {
        let base = element.base ?? item.link
        for enclosure in element.all("enclosure", in: core) {
            guard let url = enclosure.attribute("url").flatMap(FieldText.nonEmpty) else { continue }
            item.enclosures.append(Enclosure(url: URLResolver.resolve(url, against: base), type: enclosure.attribute("type"),
                                             length: enclosure.attribute("length").flatMap(length)))
        }
        // Most items carry no Media RSS at all: look for it once, not in every question below.
        let hasMedia = element.hasChild(in: Namespaces.media)
        let contents = hasMedia ? mediaContents(element) : []
        // media:content is listed too (once per URL): many podcast and video feeds have nothing else.
        // An image is the item's picture, not a file to download (audio and video stay enclosures).
        for content in contents where !isImage(content) {
            guard let url = content.attribute("url").flatMap(FieldText.nonEmpty)
                .map({ URLResolver.resolve($0, against: base) }),
                  !item.enclosures.contains(where: { $0.url == url }) else { continue }
            item.enclosures.append(Enclosure(url: url, type: content.attribute("type"),
                                             length: content.attribute("fileSize").flatMap(length)))
        }
        let image = (hasMedia ? thumbnail(element) ?? imageContent(contents) : nil)
            ?? element.first("image", in: Namespaces.itunes)?.attribute("href").flatMap(FieldText.nonEmpty)
            ?? item.enclosures.first { $0.type?.hasPrefix("image/") == true }?.url
        item.mediaImage = image.map { URLResolver.resolve($0, against: base) }
    }

    /// The body of an item that has none of its own: a video's `media:description` (YouTube's
    /// channel feeds carry nothing else), else a podcast's `itunes:summary`; plain text unless
    /// it says `type="html"`. Every such post was stored empty.
    static func fallbackBody(_ element: XMLElementValue) -> String? {
        let described = element.hasChild(in: Namespaces.media)
            ? groups(element).lazy.compactMap { $0.first("description", in: Namespaces.media) }.first : nil
        if let description = described, let text = FieldText.nonEmpty(description.text) {
            return description.attribute("type")?.lowercased() == "html" ? text : HTMLEscaping.paragraphs(text)
        }
        return (element.first("summary", in: Namespaces.itunes)?.text).flatMap(FieldText.nonEmpty).map(HTMLEscaping.paragraphs)
    }

    /// A byte count; feeds write `0`, `-1`, `""` or `12 MB` for unknown, which is nil.
    static func length(_ text: String) -> Int? {
        Int(text.trimmingASCIISpaces()).flatMap { $0 > 0 ? $0 : nil }
    }

    private static func groups(_ element: XMLElementValue) -> [XMLElementValue] {
        [element] + element.all("group", in: Namespaces.media)
    }

    private static func mediaContents(_ element: XMLElementValue) -> [XMLElementValue] {
        groups(element).flatMap { $0.all("content", in: Namespaces.media) }
    }

    private static func thumbnail(_ element: XMLElementValue) -> String? {
        groups(element).lazy.compactMap { $0.first("thumbnail", in: Namespaces.media)?.attribute("url") }.first { !$0.isEmpty }
    }

    private static func imageContent(_ contents: [XMLElementValue]) -> String? {
        for content in contents where isImage(content) {
            if let url = content.attribute("url"), !url.isEmpty { return url }
        }
        return nil
    }

    private static func isImage(_ content: XMLElementValue) -> Bool {
        content.attribute("medium")?.lowercased() == "image" || content.attribute("type")?.lowercased().hasPrefix("image/") == true
    }
}
