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
    let bounds: FeedBounds
    /// The clock `parse_time_limit` is measured on (milliseconds; the CPU time of the thread that
    /// reads, which `read` never leaves) and the shutdown flag: the caller's, asked between chunks
    /// and items, so that parsing itself reads no clock.
    let clock: @Sendable () -> Int64
    let isCancelled: @Sendable () -> Bool

    struct Reading: Sendable {
        var status: FeedReport.Status
        var items = 0
        /// The response's hints plus what the document itself says (ttl, sy:updatePeriod, skip...).
        var hints: ServerHints
        var documents: [Document] = []
        /// Why not every item was read or converted; nil when all were.
        var cut: ParseCut?
        /// What the parse noticed about the document (labels overridden, markup recovered).
        var notes = ParseNotes()
        /// The identity used instead of the feed's own when its items' identities were not unique.
        var identityFallback: String?
        /// Items the feed's `block:`/`keep:` rules left out, and why.
        var dropped: [DroppedItem] = []
        /// `full_content` feeds only: what the documents were rendered from, to render them again
        /// with their pages' content.
        var source: Source?
    }

    /// The items behind a reading's documents (one each, in order) and how they were rendered.
    struct Source: Sendable {
        var items: [Item] = []
        var renderer: DocumentRenderer
        var firstSeen: Timestamp
    }

    /// " (served as image/png)" when the body the parser could not read was not served as a feed
    /// would be: then the type says more than the parser's words ("no XML element found").
    static func servedAs(_ response: FetchResponse) -> String {
        guard let type = response.headers["content-type"]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces)
            .lowercased(), !type.isEmpty, type.count <= 80,
              type.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else { return "" }
        let feedLike = ["xml", "json", "rss", "atom", "rdf", "text/"].contains { type.contains($0) }
        return feedLike ? "" : " (served as \(type))"
    }

    /// Parse and conversion share one time budget, which starts here (not when the body was queued).
    func read(_ response: FetchResponse, hints: ServerHints) -> Reading {
        let limits = ParseLimits(maxItems: bounds.maxItems,
                                 deadline: clock() + Int64((bounds.parseTimeLimit * 1000).rounded(.up)),
                                 now: clock, isCancelled: isCancelled)
        var parsed: LimitedFeed
        do {
            // Relative links resolve against the feed's URL without its password: they are published.
            parsed = try FeedParser.parse(response.body, url: URLUserInfo.removed(from: response.finalURL),
                                          httpCharset: response.charset, limits: limits)
            parsed.feed = FeedReading.settled(parsed.feed, now: now)
        } catch .cut(let reason) {
            var reading = Reading(status: .failed(""), hints: hints, cut: reason)
            reading.status = status(of: reading)
            return reading
        } catch {
            return Reading(status: .failed("\(error)" + Self.servedAs(response)), hints: hints)
        }
        var reading = Reading(status: .ok(response.status), items: parsed.feed.items.count, hints: hints,
                              cut: parsed.cut, notes: parsed.notes)
        ServerHintsReader.add(parsed.feed, to: &reading.hints)
        let renderer = DocumentRenderer(feed: feed, channelTitle: parsed.feed.title, defaultImage: defaultImage,
                                        format: format)
        reading.documents.reserveCapacity(parsed.feed.items.count)
        let rules = feed.rules.isEmpty ? nil : ItemRuleSet(feed.rules)
        if feed.article.fullContent || feed.article.localImages { reading.source = Source(renderer: renderer, firstSeen: now) }
        var check = PacedLimitCheck(limits)
        var lastWeight = 0
        for item in parsed.feed.items {
            if let reason = check.stopReason(after: lastWeight) {
                reading.cut = reason
                break
            }
            lastWeight = item.contentHTML.utf8.count + (item.summary?.utf8.count ?? 0)
            if BlankItem.isBlank(item, pageWillFill: feed.article.fullContent) {
                reading.notes.blankItems += 1
                continue
            }
            if let drop = rules?.drop(item) {
                reading.dropped.append(DroppedItem(item: item, reason: drop.reason))
                continue
            }
            let rendered = renderer.rendering(item, firstSeen: now, rewrites: rules?.rewrites)
            if rendered.bodyReducedToText { reading.notes.noteReducedToText(item) }
            reading.documents.append(rendered.document)
            reading.source?.items.append(item)
        }
        reading.identityFallback = IdentityFallback.apply(to: &reading.documents)
        reading.status = status(of: reading)
        return reading
    }

    /// A feed cut at its time limit, or at an item too large to read, failed (and is backed off);
    /// one cut at `max_items` did not.
    private func status(of reading: Reading) -> FeedReport.Status {
        switch reading.cut {
        case .timeLimit?:
            return .failed("cut at the time limit (parse_time_limit: \(Self.describe(bounds.parseTimeLimit))) "
                + "after \(reading.items) items; the \(reading.documents.count) converted by then are kept")
        case .oversizedItem?:
            return .failed("unreadable document: item \(reading.items + 1) holds more than 250,000 elements (markup "
                + "written into its text, or elements without end), too many to read; "
                + (reading.items == 1 ? "the 1 item before it is kept" : "the \(reading.items) items before it are kept")
                + ", it and those after it are not read")
        default:
            return reading.status
        }
    }

    /// A duration as feeds.yaml writes it: 1ms, 10s, 2m, 6h, 3d.
    static func describe(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        for (unit, size) in [("d", 86_400.0), ("h", 3600.0), ("m", 60.0)]
        where seconds >= size && seconds.truncatingRemainder(dividingBy: size) == 0 {
            return "\(Int(seconds / size))\(unit)"
        }
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}
