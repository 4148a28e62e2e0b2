internal import FeedModel
internal import Foundation
internal import Markup

/// JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1).
enum JSONFeedParser {
    static func parse(_ bytes: [UInt8], url: String, httpCharset: String? = nil,
                      limits: ParseLimits = .unlimited) throws(ParseError) -> LimitedFeed {
        var notes = ParseNotes()
        // The items past the limit are dropped before the decoding, which costs for all it is given.
        let (kept, dropped) = JSONItemsCut.cut(bytes, maxItems: limits.maxItems)
        let object = try jsonObject(kept, httpCharset: httpCharset, notes: &notes)
        guard let root = object as? [String: Any] else { throw .notAFeed(root: object is [Any] ? "JSON array" : "JSON value") }
        guard (root["version"] as? String)?.contains("jsonfeed.org") == true || root["items"] is [Any] else {
            throw .notAFeed(root: "JSON object without version or items")
        }
        // A feed whose items are no list was read as a feed of none: `ok, 0 items`, poll after poll.
        if let items = root["items"], !(items is [Any]) {
            let kind = items is String ? "a string" : items is [String: Any] ? "an object" : "a single value"
            throw .malformed("the JSON Feed's items is \(kind), not a list of items")
        }
        var feed = Feed(kind: .json, title: string(root["title"]) ?? "", link: string(root["home_page_url"]),
                        description: string(root["description"]), language: string(root["language"]),
                        image: string(root["icon"]) ?? string(root["favicon"]))
        let feedAuthor = author(of: root)
        // The document is decoded at once (up to `maxItems` items); the limits apply between its items.
        var cut: ParseCut?
        var check = PacedLimitCheck(limits)
        for case let entry as [String: Any] in root["items"] as? [Any] ?? [] {
            guard feed.items.count < limits.maxItems else {
                cut = .maxItems
                break
            }
            if let reason = check.stopReason() {
                cut = reason
                break
            }
            // Resolved as an XML feed's links are (`URLResolver.documentBase`): a local file's stay
            // relative, and none takes the feed URL's query.
            feed.items.append(FeedParser.finish(item(from: entry, feedURL: URLResolver.documentBase(url) ?? "", feedAuthor: feedAuthor,
                                                     chinaTime: DateParser.isChinese(feed.language), notes: &notes)))
        }
        if dropped && cut == nil { cut = .maxItems }
        return LimitedFeed(feed: feed, cut: cut, notes: notes)
    }

    /// The document's value: read as it is (the common case, one pass), else in the charset its
    /// bytes are in if they are not UTF-8, else mended (`JSONRepair`), which the notes say; one
    /// that still does not parse is reported with JSONSerialization's reason.
    private static func jsonObject(_ bytes: [UInt8], httpCharset: String?,
                                   notes: inout ParseNotes) throws(ParseError) -> Any {
        if let object = try? JSONSerialization.jsonObject(with: Data(bytes)) { return object }
        let plan = CharsetDetector.jsonPlan(for: bytes, httpCharset: httpCharset)
        notes.note(plan)
        let text = plan.bytes ?? bytes
        do {
            return try JSONSerialization.jsonObject(with: Data(text))
        } catch {
            guard let mended = JSONRepair.repair(text), let object = try? JSONSerialization.jsonObject(with: Data(mended))
            else {
                let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
                throw .malformed("invalid JSON: \(reason ?? error.localizedDescription)")
            }
            notes.recovered = "invalid JSON mended (a lone surrogate, a byte that is not UTF-8, or a number out of range)"
            return object
        }
    }

    private static func item(from entry: [String: Any], feedURL: String, feedAuthor: String?, chinaTime: Bool,
                             notes: inout ParseNotes) -> Item {
        var item = Item()
        item.id = string(entry["id"]) ?? (entry["id"] as? NSNumber)?.stringValue
        // Plain text by the JSON Feed spec, read as an RSS title is: formatting tags and `<br>` go,
        // and `Vector<int>` or `the <script> tag` keep their words (read as HTML they lost them,
        // and two titles that differed there became one post).
        item.title = string(entry["title"]).map { FieldText.title($0) } ?? ""
        // `external_url` (a page elsewhere the item is about) when the item has no page of its own.
        item.link = (string(entry["url"]) ?? string(entry["external_url"])).map { URLResolver.resolve($0, against: feedURL) }
        item.author = author(of: entry) ?? feedAuthor
        // A date that does not read is said, as an XML feed's is: the item is dated when first seen.
        func date(_ key: String) -> Timestamp? {
            guard let text = string(entry[key]), !text.isEmpty else { return nil }
            guard let date = DateParser.parse(text, chinaTime: chinaTime) else {
                notes.noteUnreadable(date: text)
                return nil
            }
            return date
        }
        item.published = date("date_published")
        item.updated = date("date_modified")
        item.categories = (entry["tags"] as? [Any] ?? []).compactMap { $0 as? String }
        if let html = string(entry["content_html"]), !BodyField.showsNothing(html) {
            item.contentHTML = html
        } else if let text = string(entry["content_text"]), !text.isEmpty {
            item.contentHTML = HTMLEscaping.paragraphs(text)
        } else if let summary = string(entry["summary"]) {
            // No content at all: the summary is the post (it was an empty one).
            item.contentHTML = HTMLEscaping.paragraphs(summary)
            item.bodyIsDescription = true
        }
        item.summary = string(entry["summary"])
        item.mediaImage = string(entry["image"]) ?? string(entry["banner_image"])
        for case let attachment as [String: Any] in entry["attachments"] as? [Any] ?? [] {
            guard let url = string(attachment["url"]) else { continue }
            item.enclosures.append(Enclosure(url: url, type: string(attachment["mime_type"]),
                                             length: byteCount(attachment["size_in_bytes"])))
        }
        item.baseURL = item.link ?? feedURL
        return item
    }

    /// `size_in_bytes` as an RSS `length` is read: a positive whole number, else unknown. A
    /// number past Int (1e30) read as Int.min through NSNumber, and -5 or 12.7 as given.
    private static func byteCount(_ value: Any?) -> Int? {
        if let text = value as? String { return MediaFields.length(text) }
        // `true` comes as an NSNumber too, typed as a C char.
        guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else { return nil }
        let size = number.doubleValue
        guard size >= 1, size <= 1e15, size.rounded() == size else { return nil }
        return Int(size)
    }

    private static func author(of object: [String: Any]) -> String? {
        // JSON Feed 1.1's `authors` is a list: every name, as in Atom.
        if let authors = object["authors"] as? [[String: Any]], let names = ItemFallbacks.authors(authors.compactMap({ string($0["name"]) })) {
            return names
        }
        return (object["author"] as? [String: Any]).flatMap { string($0["name"]) }
    }

    /// JSON may carry any character as `\u0000`; XML never does. Dropping the ones XML 1.0
    /// forbids gives JSON feeds the same text an XML feed could (a NUL was cut short by libpq).
    private static func string(_ value: Any?) -> String? {
        guard let text = value as? String, !text.isEmpty else { return nil }
        guard text.unicodeScalars.contains(where: isForbidden) else { return text }
        let kept = String(String.UnicodeScalarView(text.unicodeScalars.filter { !isForbidden($0) }))
        return kept.isEmpty ? nil : kept
    }

    private static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r")
            || scalar.value == 0xFFFE || scalar.value == 0xFFFF
    }
}
