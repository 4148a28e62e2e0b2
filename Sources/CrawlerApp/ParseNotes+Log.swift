internal import Logging
public import Parse
internal import Convert
internal import FeedModel

extension ParseNotes {
    /// The keys the fetch line carries for a document that was not what it said it was.
    public var logMetadata: [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] = []
        if let charset { pairs.append(("charset", charset)) }
        if let charsetReason { pairs.append(("charset_reason", charsetReason)) }
        if let recovered { pairs.append(("recovered", recovered)) }
        if let unreadableDate {
            pairs.append(("unreadable_date", unreadableDate))
            pairs.append(("unreadable_dates", "\(unreadableDates)"))
        }
        if blankItems > 0 { pairs.append(("blank_items", "\(blankItems)")) }
        if bodiesReducedToText > 0 {
            pairs.append(("bodies_reduced", "\(bodiesReducedToText)"))
            pairs.append(("reduced_item", reducedItem ?? ""))
        }
        return pairs
    }

    mutating func noteReducedToText(_ item: Item) {
        bodiesReducedToText += 1
        guard reducedItem == nil else { return }
        let title = TitleText.normalise(item.title)
        reducedItem = String((title.isEmpty ? item.link ?? item.identity : title).prefix(200))
    }
}

extension Pipeline {
    static let blankReason = "no title, text, image, video, audio or enclosure (a link alone is a post only with "
        + "full_content): nothing to post, not stored"

    static let reducedReason = "too costly to parse as HTML (nested thousands deep, or far too many tags or attributes): "
        + "stored as its text alone, without links or images"

    /// One warning per feed and pass for a broken document or unreadable dates (not one per item):
    /// the items are stored as read, and the feed's owner may want to hear of it.
    func logParseWarnings(_ report: FeedReport) {
        let notes = Dictionary(report.parseNotes, uniquingKeysWith: { first, _ in first })
        if let recovered = notes["recovered"] {
            logger.warning("document_recovered", metadata: ["feed": "\(report.feed)", "recovered": "\(recovered)",
                                                             "url": "\(report.url)"])
        }
        if let date = notes["unreadable_date"] {
            logger.warning("date_unreadable", metadata: ["feed": "\(report.feed)", "date": "\(date)",
                                                         "count": "\(notes["unreadable_dates"] ?? "1")"])
        }
        if let reduced = notes["bodies_reduced"] {
            logger.warning("body_reduced_to_text", metadata: [
                "feed": "\(report.feed)", "count": "\(reduced)", "item": "\(notes["reduced_item"] ?? "")",
                "reason": "\(Self.reducedReason)",
            ])
        }
        if let blank = notes["blank_items"] {
            logger.warning("items_blank", metadata: [
                "feed": "\(report.feed)", "count": "\(blank)",
                "reason": "\(Self.blankReason)",
            ])
        }
    }
}
