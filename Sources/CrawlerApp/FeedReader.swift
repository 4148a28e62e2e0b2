internal import FeedModel
internal import Parse
internal import Convert
internal import Schedule

/// The CPU-heavy part of processing a feed: body → `Feed` → documents. Pure and Sendable, so
/// several feeds can be read on worker threads while the store's owner stores others.
struct FeedReader: Sendable {
    let feed: FeedConfig
    let defaultImage: String?
    let format: OutputFormat
    /// When the documents are first seen (their `firstSeen` date when the feed gives none).
    let now: Timestamp

    struct Reading: Sendable {
        var status: FeedReport.Status
        var items = 0
        /// The response's hints plus what the document itself says (ttl, sy:updatePeriod, skip...).
        var hints: ServerHints
        var documents: [Document] = []
    }

    func read(_ response: FetchResponse, hints: ServerHints) -> Reading {
        let parsed: Feed
        do {
            parsed = try FeedParser.parse(response.body, url: response.finalURL, httpCharset: response.charset)
        } catch {
            return Reading(status: .failed("\(error)"), hints: hints)
        }
        var reading = Reading(status: .ok(response.status), items: parsed.items.count, hints: hints)
        ServerHintsReader.add(parsed, to: &reading.hints)
        let renderer = DocumentRenderer(feed: feed, channelTitle: parsed.title, defaultImage: defaultImage,
                                        format: format)
        reading.documents = parsed.items.map { renderer.render($0, firstSeen: now) }
        return reading
    }
}
