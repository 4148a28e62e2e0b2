import FeedModel
import Foundation
import Parse

/// The `crawler parse --json` contract: every field present, null or [] when missing.
enum FeedJSON {
    /// `notes`: what the parse noticed about the document (`ParseNotes.logMetadata`), as an object.
    static func render(_ feed: Feed, notes: [(key: String, value: String)] = []) -> String {
        let object: [String: Any] = [
            "feed": ["title": feed.title, "link": nullable(feed.link), "kind": feed.kind.rawValue] as [String: Any],
            "items": feed.items.map(item),
            "notes": Dictionary(notes.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first }),
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    private static func item(_ item: Item) -> [String: Any] {
        [
            "id": nullable(item.id), "title": item.title, "link": nullable(item.link), "author": nullable(item.author),
            "published": nullable(item.published.map(\.rfc3339)), "updated": nullable(item.updated.map(\.rfc3339)),
            "categories": item.categories, "content": ContentLinks.resolving(item.contentHTML, against: item.baseURL), "summary": nullable(item.summary),
            "image": nullable(item.bodyImage ?? item.mediaImage),
            "enclosures": item.enclosures.map { ["url": $0.url, "type": nullable($0.type), "length": nullable($0.length)] },
        ]
    }

    private static func nullable(_ value: (any Sendable)?) -> Any {
        value ?? NSNull()
    }
}

/// The readable form of `crawler parse`.
enum FeedTable {
    static func render(_ feed: Feed) -> String {
        let line = TerminalText.oneLine
        var lines = ["\(feed.kind.rawValue)  \(line(feed.title))  \(line(feed.link ?? ""))", "\(counted(feed.items.count, "item")):"]
        for item in feed.items {
            let date = (item.published ?? item.updated).map(\.rfc3339) ?? "(no date)"
            lines.append("  \(date)  \(line(String(item.title.prefix(70))))  \(line(item.link ?? ""))")
        }
        return lines.joined(separator: "\n")
    }
}
