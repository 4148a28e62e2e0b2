// Parse: bytes → Feed values. Detects the dialect from the document itself and hands each
// element to that dialect's adapter. libxml2 stays inside XMLStreamReader and XMLTreeCopier.
public import FeedModel
internal import Markup

public enum FeedParser {
    /// Parses a feed document of any supported dialect.
    /// - Parameters:
    ///   - url: the document's URL, the base for relative links.
    ///   - httpCharset: the charset the server named in Content-Type, if any.
    public static func parse(_ bytes: [UInt8], url: String, httpCharset: String? = nil) throws(ParseError) -> Feed {
        try parse(bytes, url: url, httpCharset: httpCharset, limits: .unlimited).feed
    }

    /// Parses within `limits`: at most `maxItems` items (the first in document order), and only
    /// while the caller's deadline and shutdown allow. A cut feed holds the items read until then.
    public static func parse(_ original: [UInt8], url: String, httpCharset: String? = nil,
                             limits: ParseLimits) throws(ParseError) -> LimitedFeed {
        // A byte order mark written twice (a template's and the server's): libxml2 skips one, and the
        // second stands before the first tag as text.
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        var bytes = original
        if bytes.count >= 6, bytes[0..<3].elementsEqual(bom), bytes[3..<6].elementsEqual(bom) {
            var start = 3
            while bytes.count >= start + 6, bytes[(start + 3)..<(start + 6)].elementsEqual(bom) { start += 3 }
            bytes = Array(bytes[start...])
        }
        guard let first = bytes.first(where: { !isSpace($0) && $0 != 0xEF && $0 != 0xBB && $0 != 0xBF }) else {
            throw .empty
        }
        // An array is JSON too, and no feed: said so, not "no XML element found".
        if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") {
            return try JSONFeedParser.parse(bytes, url: url, httpCharset: httpCharset, limits: limits)
        }
        // What libcurl decoded is still gzip: a server that compressed it twice, or a `.gz` file
        // served as the feed.
        if bytes.starts(with: [0x1F, 0x8B]) {
            throw .malformed("the body is still gzip-compressed (compressed twice by the server, or a .gz file served as the feed)")
        }
        guard bytes.count <= maximumDocumentSize else {
            throw .malformed("document of \(bytes.count) bytes is larger than the \(maximumDocumentSize) we read")
        }
        // Each pass over the whole document is linear, but a large one takes a while: the limits
        // are asked between them too.
        let decided = CharsetDetector.plan(for: bytes, httpCharset: httpCharset)
        var notes = ParseNotes()
        notes.note(decided)
        let plan = CharsetDetector.readingAsUTF8(decided, bytes: bytes)
        let input = plan.bytes ?? bytes
        if plan.bytes != nil, !plan.claimsUTF8 { notes.recovered = "invalid UTF-8 bytes replaced" }
        if let replaced = replacedNote(plan, label: decided.encoding) { notes.recovered = replaced }
        var spanning = 0
        let repaired = EntityRepair.repair(input, spanning: &spanning) ?? input
        if spanning > 0, notes.recovered == nil {
            notes.recovered = "\(spanning) comment\(spanning == 1 ? "" : "s"), CDATA marker\(spanning == 1 ? "" : "s") or "
                + "<?instruction\(spanning == 1 ? "" : "s") never closed in an item's text read as text "
                + "(\(spanning == 1 ? "it ran" : "they ran") into the items after)"
        }
        if let reason = limits.stopReason() { throw .cut(reason) }
        let guarded = try guardMarkup(repaired, limits: limits)
        let whole = guarded.elements
        if let reason = limits.stopReason() { throw .cut(reason) }
        // The items before an oversized one are read (round 62: one planted item of 260,000
        // elements kept every item of its feed out, poll after poll); the document ends before it.
        if let end = guarded.oversizedItemAt {
            return try readUpTo(Array(repaired[..<end]), url: url, plan: plan, limits: limits, notes: notes)
        }
        guard plan.claimsUTF8 else {
            return try parseXML(repaired, url: url, encoding: plan.encoding, limits: limits, notes: notes, tooLarge: whole)
        }
        // libxml2 checks UTF-8 as it reads and stops at the first invalid byte; so read first,
        // and check the bytes only when the reader stopped (a whole pass saved on every good feed).
        // The stream reads CDATA sections itself on this path only: they must be UTF-8.
        if var feed = try readXML(repaired, url: url, encoding: plan.encoding, treeFallback: false, readsCDATA: true,
                                  limits: limits, notes: &notes) {
            feed.notes = notes
            return feed
        }
        if let reason = limits.stopReason() { throw .cut(reason) }
        let checked = CharsetDetector.checkingUTF8(repaired, encoding: plan.encoding, httpCharset: httpCharset)
        notes.note(checked)
        if checked.bytes != nil { notes.recovered = "invalid UTF-8 bytes replaced" }
        // The detector's guess, converted here: read in it by libxml2, the document would stop at
        // the first byte the guess leaves undefined (0x81 in windows-1252), all items after lost.
        let guessed = CharsetDetector.readingAsUTF8(checked, bytes: repaired)
        if let replaced = replacedNote(guessed, label: checked.encoding) { notes.recovered = replaced }
        return try parseXML(guessed.bytes ?? repaired, url: url, encoding: guessed.encoding, limits: limits, notes: notes,
                            tooLarge: whole)
    }

    /// "2 bytes that are no WINDOWS-1252 replaced", when converting to UTF-8 replaced any.
    private static func replacedNote(_ plan: CharsetDetector.Plan, label: String?) -> String? {
        guard plan.replaced > 0, let label else { return nil }
        return "\(plan.replaced) byte\(plan.replaced == 1 ? "" : "s") that \(plan.replaced == 1 ? "is" : "are") no \(label) replaced"
    }

    /// What `StartTagGuard` finds in the bytes libxml2 reads, converted and repaired (scanned as
    /// they came, a UTF-16 document showed no tag at all: 31 MB took 1.2 GB). A NUL left means
    /// libxml2 reads UTF-16 or UTF-32 itself: the NULs are set aside for the scan. Returns the
    /// document's elements when too many to build a tree of (see `parseXML`).
    /// `oversizedItemAt`: where an item of too many elements starts, when items came before it
    /// (the document is read up to there).
    private static func guardMarkup(_ bytes: [UInt8],
                                    limits: ParseLimits) throws(ParseError) -> (elements: Int?, oversizedItemAt: Int?) {
        let hasNUL = bytes.containsByte(0)
        let scanned = hasNUL ? bytes.filter { $0 != 0 } : bytes
        let scan = StartTagGuard.scan(scanned, shouldStop: { limits.stopReason() != nil })
        switch scan.problem {
        case .attributes(let offset):
            throw .malformed("the start tag at byte \(offset) has more than \(StartTagGuard.maximumAttributes) attributes")
        case .elementsInOneItem(pastItemEnds: false, let itemStart) where itemStart > 0 && !hasNUL
            && (bytes[..<itemStart].firstRange(of: Array("item>".utf8)) != nil
                || bytes[..<itemStart].firstRange(of: Array("entry>".utf8)) != nil):
            return (nil, itemStart)
        case .elementsInOneItem(pastItemEnds: false, _):
            throw .malformed("an item of more than \(StartTagGuard.maximumElements) elements (markup written into its "
                             + "text, not escaped): too many to read")
        case .elementsInOneItem(pastItemEnds: true, _):
            // 4,000 items of 200 unclosed `<div>` each: no one item holds that many.
            throw .malformed("more than \(StartTagGuard.maximumElements) elements before an item ends (tags left open in "
                             + "items' text, markup written into it unescaped, run on past their `</item>`): too many to read")
        case nil:
            // A broken document is read whole, as a tree: only one of a bounded size.
            return (scan.elements <= StartTagGuard.maximumElements ? nil : scan.elements, nil)
        }
    }

    /// A document read up to an oversized item: libxml2's recovering read keeps the items before
    /// its end, which it finds cut short. Marked cut, the feed says what was left out.
    private static func readUpTo(_ bytes: [UInt8], url: String, plan: CharsetDetector.Plan, limits: ParseLimits,
                                 notes: ParseNotes) throws(ParseError) -> LimitedFeed {
        var feed = try parseXML(bytes, url: url, encoding: plan.encoding, limits: limits, notes: notes, tooLarge: nil)
        if feed.cut == nil { feed.cut = .oversizedItem }
        return feed
    }

    /// Reads with libxml2's recovering fallback: always a feed, or an error. `tooLarge`: the
    /// document's elements, when too many to build a tree of (it is read only if well-formed).
    private static func parseXML(_ bytes: [UInt8], url: String, encoding: String?, limits: ParseLimits,
                                 notes: ParseNotes, tooLarge elements: Int?) throws(ParseError) -> LimitedFeed {
        var notes = notes
        guard var feed = try readXML(bytes, url: url, encoding: encoding, treeFallback: elements == nil, limits: limits,
                                     notes: &notes) else {
            if let reason = limits.stopReason() { throw .cut(reason) }
            throw .malformed("a broken document of \(elements ?? 0) elements, more than \(StartTagGuard.maximumElements): "
                             + "too many to read whole (libxml2's recovering parser builds it in memory)")
        }
        feed.notes = notes
        return feed
    }

    /// Larger documents are not feeds but accidents (or attacks); libxml2 also caps one text node at 10 MB.
    public static let maximumDocumentSize = 256 << 20

    /// The feed; nil only without `treeFallback`, when the streaming pass stopped early.
    private static func readXML(_ bytes: [UInt8], url: String, encoding: String?, treeFallback: Bool,
                                readsCDATA: Bool = false, limits: ParseLimits,
                                notes: inout ParseNotes) throws(ParseError) -> LimitedFeed? {
        var feed: Feed?
        var rootName = ""
        // With no http(s) base (a local file), relative links stay relative: `file:///…` would
        // point at the reader's own disk. Nor do they take the feed URL's query (a token).
        let webURL = URLResolver.documentBase(url) ?? ""
        var rss = RSSAdapter(feedURL: webURL)
        var atom = AtomAdapter(feedURL: webURL)
        var cut: ParseCut?
        var check = PacedLimitCheck(limits)
        // libxml2 resolves `xml:base` against the document's URL: that too without its query
        // (`xml:base=""` named the feed's URL, token and all).
        let outcome = XMLFeedReader.read(bytes, url: webURL.isEmpty ? url : webURL, encoding: encoding,
                                         treeFallback: treeFallback,
                                         readsCDATA: readsCDATA, recovered: { notes.recovered = notes.recovered ?? $0 },
                                         endedInsideItem: { notes.cutShort = true },
                                         shouldStop: {
            if cut == nil { cut = check.stopReason() }
            return cut != nil
        }) { event in
            switch event {
            case .root(let root):
                rootName = root.name
                feed = kind(of: root).map { Feed(kind: $0, language: root.attribute("lang")) }
                let base = root.base ?? webURL
                rss = RSSAdapter(feedURL: base, rootNamespace: root.namespace)
                atom = AtomAdapter(feedURL: base, rootNamespace: root.namespace)
            case .channelElement(let element):
                guard var current = feed else { return }
                if current.kind == .rss1, element.namespace == Namespaces.rss090 { current.kind = .rss09x }
                if current.kind.isAtom { atom.apply(channelElement: element, to: &current) }
                else { rss.apply(channelElement: element, to: &current) }
                feed = current
            case .item(let element):
                guard feed != nil, cut == nil else { return }
                // One item more than wanted: the feed is cut here (an adapter never sees it).
                guard feed!.items.count < limits.maxItems else {
                    cut = .maxItems
                    return
                }
                // An entry's own language first: an English entry in a Chinese feed means the US's CST.
                rss.chinaTime = DateParser.isChinese(element.attribute("lang") ?? feed!.language)
                atom.chinaTime = rss.chinaTime
                let item = feed!.kind.isAtom ? atom.item(from: element) : rss.item(from: element)
                feed!.items.append(finish(item))
            }
        }
        if outcome == .streamStopped { return nil }
        if outcome == .cut, rootName.isEmpty { throw .cut(cut ?? limits.stopReason() ?? .timeLimit) }
        guard outcome == .complete || outcome == .cut else { throw .malformed("no XML element found") }
        guard let feed else {
            let page = rootName.lowercased() == "html" ? FeedDiscovery.candidates(inPage: bytes, pageURL: url) : []
            throw .notAFeed(root: rootName, advertised: page)
        }
        let dates = feed.kind.isAtom ? atom.unreadableDates : rss.unreadableDates
        notes.unreadableDate = dates.first
        notes.unreadableDates = dates.count
        return LimitedFeed(feed: feed, cut: cut)
    }

    /// The dialect, from the root element alone.
    private static func kind(of root: XMLElementValue) -> Feed.Kind? {
        switch (root.name, root.namespace) {
        case ("rss", _):
            let version = root.attribute("version") ?? "2.0"
            return version.hasPrefix("0.9") ? .rss09x : .rss2
        case ("RDF", _):
            return .rss1
        case ("feed", Namespaces.atom03):
            return .atom03
        case ("feed", _):
            return root.attribute("version") == "0.3" ? .atom03 : .atom10
        default:
            return nil
        }
    }

    /// Derived fields every dialect shares: the body's first image. (The body's text is the
    /// content hash's business: Convert reads it from `contentHTML` for the items it stores.)
    static func finish(_ item: Item) -> Item {
        var item = item
        if let image = HTMLText.html.firstImageSource(in: item.contentHTML) {
            item.bodyImage = URLResolver.resolve(image, against: item.baseURL)
        }
        return item
    }
}

extension Feed.Kind {
    var isAtom: Bool { self == .atom10 || self == .atom03 }
}

@inline(__always) private func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
}
