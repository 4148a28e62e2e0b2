internal import FeedModel

/// Enclosures and Media RSS: where podcasts and photo feeds keep their files and images.
enum MediaFields {
    static func apply(_ element: XMLElementValue, to item: inout Item) {
        for enclosure in element.all("enclosure", in: Namespaces.rssCore) {
            guard let url = enclosure.attribute("url"), !url.isEmpty else { continue }
            item.enclosures.append(Enclosure(url: url, type: enclosure.attribute("type"),
                                             length: enclosure.attribute("length").flatMap { Int($0) }))
        }
        item.mediaImage = thumbnail(element) ?? imageContent(element)
            ?? item.enclosures.first { $0.type?.hasPrefix("image/") == true }?.url
    }

    private static func thumbnail(_ element: XMLElementValue) -> String? {
        let media: Set<String> = [Namespaces.media]
        let groups = [element] + element.all("group", in: media)
        return groups.lazy.compactMap { $0.first("thumbnail", in: media)?.attribute("url") }.first { !$0.isEmpty }
    }

    private static func imageContent(_ element: XMLElementValue) -> String? {
        let media: Set<String> = [Namespaces.media]
        let groups = [element] + element.all("group", in: media)
        for content in groups.flatMap({ $0.all("content", in: media) }) {
            let isImage = content.attribute("medium") == "image" || content.attribute("type")?.hasPrefix("image/") == true
            if isImage, let url = content.attribute("url"), !url.isEmpty { return url }
        }
        return nil
    }
}
