internal import FeedModel

/// Feed state is kept by name, and a name is the operator's to change: a feed renamed in
/// feeds.yaml (same URL, new `name:`) takes over the state, provenance and items of its old name,
/// so it is neither fetched as new nor its history lost. Only a name no longer configured is taken
/// over, and only by a configured feed without state of its own.
public enum FeedRenames {
    public struct Rename: Sendable, Hashable {
        public var from: String
        public var to: String

        public init(from: String, to: String) {
            self.from = from
            self.to = to
        }
    }

    /// `applying: false` only says which renames there are (for a dry run). `disabled`: names
    /// configured but not crawled, whose state is theirs still.
    static func adopt(_ feeds: [FeedConfig], disabled: Set<String> = [], index: DocumentIndex,
                      applying: Bool = true) throws(StoreError) -> [Rename] {
        // Names and URLs first, the states undecoded: at every start of a crawl, and almost
        // always nothing to do.
        var urls: [String: String] = [:]
        try index.database.prepare("SELECT feed, url FROM feed_state").run([]) { row in
            if let feed = row.text(0) { urls[feed] = row.text(1) ?? "" }
        }
        var removed: Set<String> = []
        try index.database.prepare("SELECT name FROM removed_feeds").run([]) { row in
            if let name = row.text(0) { removed.insert(name) }
        }
        let renames = try renames(feeds, urls: urls, removed: removed, index: index)
        guard applying else { return renames }
        let configured = Set(feeds.map(\.name)).union(disabled)
        if !renames.isEmpty { try apply(renames, index: index) }
        let stillRemoved = Set(renamed(urls, by: renames).keys).subtracting(configured)
        if stillRemoved != removed { try remember(removed: stillRemoved, index: index) }
        return renames
    }

    private static func renames(_ feeds: [FeedConfig], urls: [String: String], removed: Set<String>,
                                index: DocumentIndex) throws(StoreError) -> [Rename] {
        // Every feed with state of its own at its own URL, as at nearly every start: each rule
        // below looks only at feeds without state or with state at another URL, so none finds
        // a rename. (Run through, they cost 7,000 instructions a feed.)
        guard !feeds.allSatisfy({ feed in urls[feed.name].map { belongs($0, to: feed.url) } ?? false }) else { return [] }
        let adopted = try orphansAdopted(feeds, urls: urls, index: index)
        var renames = adopted + exchanged(feeds, urls: urls) + chained(feeds, urls: urls, taken: Set(adopted.map(\.to)))
        renames += refilled(feeds, urls: urls, renames: renames)
        renames += try ontoRemoved(feeds, urls: urls, removed: removed, busy: Set(renames.flatMap { [$0.from, $0.to] }),
                                   index: index)
        return renames
    }

    private static func apply(_ renames: [Rename], index: DocumentIndex) throws(StoreError) {
        try index.database.transaction { () throws(StoreError) in
            // Through names no feed has, so that names traded in a cycle do not meet.
            let parked = renames.map { Rename(from: $0.from, to: "\u{1}renaming " + $0.from) }
            for rename in parked + parked.map({ Rename(from: $0.to, to: to(of: $0.from, in: renames)) }) {
                for table in tables {
                    let statement = try index.database.prepare("UPDATE OR REPLACE \(table) SET feed = ?1 WHERE feed = ?2")
                    try statement.run([.text(rename.to), .text(rename.from)])
                }
            }
        }
    }

    /// The names the index's states have once `renames` are applied.
    private static func renamed(_ urls: [String: String], by renames: [Rename]) -> [String: String] {
        var moved = urls
        for rename in renames { moved[rename.from] = nil }
        for rename in renames { moved[rename.to] = urls[rename.from] }
        return moved
    }

    /// The names with state that no feed has at this crawl's start: a removed feed's, until it is
    /// configured again (`retired`).
    private static func remember(removed names: Set<String>, index: DocumentIndex) throws(StoreError) {
        try index.database.transaction { () throws(StoreError) in
            try index.database.execute("DELETE FROM removed_feeds")
            let add = try index.database.prepare("INSERT INTO removed_feeds (name) VALUES (?1)")
            for name in names.sorted() { try add.run([.text(name)]) }
        }
    }

    /// Every table that names a feed: its state, its documents' provenance, its items and their
    /// versions (so an edit still rewrites its document), the source values `rerender` reads, the
    /// rewrites in flight, the items forgotten for good, the kept images, the posts it adopted or
    /// reads as another feed's, and the tombstones its `keep:` left. A table left out kept its rows
    /// under the old name, where nothing looks for them (a renamed feed's `keep:` forgot the posts
    /// it had adopted, and stored again a text it had forgotten).
    static let tables = ["feed_state", "provenance", "items", "pending", "item_files", "item_versions", "sources",
                         "rewrites", "tombstone_items", "document_assets", "adoptions", "readers", "tombstone_scopes"]

    private static func to(of from: String, in renames: [Rename]) -> String {
        renames.first { $0.from == from }!.to
    }

    /// A name no longer configured, taken over by the configured feed at its URL that has no state.
    private static func orphansAdopted(_ feeds: [FeedConfig], urls: [String: String],
                                       index: DocumentIndex) throws(StoreError) -> [Rename] {
        let configured = Set(feeds.map(\.name))
        guard urls.keys.contains(where: { !configured.contains($0) }),
              feeds.contains(where: { urls[$0.name] == nil }) else { return [] }
        var orphans = try index.allStates().filter { !configured.contains($0.feed) }
        var renames: [Rename] = []
        // The most recently fetched first: a URL renamed twice left two orphans, and the latest is its history.
        orphans.sort { ($0.lastFetch?.secondsSince1970 ?? .min) > ($1.lastFetch?.secondsSince1970 ?? .min) }
        for feed in feeds where urls[feed.name] == nil {
            guard let found = orphans.firstIndex(where: { $0.belongs(to: feed.url) }) else { continue }
            renames.append(Rename(from: orphans[found].feed, to: feed.name))
            orphans.remove(at: found)
        }
        return renames
    }

    /// Configured feeds that traded names (a swap, or a longer rotation): each name's history
    /// goes to the feed now at its URL. Only whole cycles: a history given away is always
    /// replaced by another, never dropped; a feed merely moved to a new URL keeps its own.
    static func exchanged(_ feeds: [FeedConfig], urls: [String: String]) -> [Rename] {
        let moved = feeds.filter { feed in urls[feed.name].map { !belongs($0, to: feed.url) } ?? false }
        guard moved.count > 1 else { return [] }
        let configured = Set(feeds.map(\.name))
        var renames: [Rename] = moved.compactMap { feed in
            guard let previous = urls.first(where: { $0.key != feed.name && configured.contains($0.key)
                && belongs($0.value, to: feed.url) })?.key else { return nil }
            return Rename(from: previous, to: feed.name)
        }
        while true {
            let givers = Set(renames.map(\.from)), takers = Set(renames.map(\.to))
            let whole = renames.filter { takers.contains($0.from) && givers.contains($0.to) }
            if whole.count == renames.count { return renames }
            renames = whole
        }
    }

    /// A feed renamed while another feed took its old name in the same edit (`a` → `b` at the same
    /// URL, and a new URL under `a`): the URL's history goes to the name now at that URL, and the
    /// feed under the old name starts afresh, as any feed at a new URL does. Left with the name,
    /// the history let the new URL's items pass for later versions of the old URL's posts, and
    /// write over them.
    static func chained(_ feeds: [FeedConfig], urls: [String: String], taken: Set<String>) -> [Rename] {
        let configuredURL = Dictionary(feeds.map { ($0.name, $0.url) }, uniquingKeysWith: { first, _ in first })
        var renames: [Rename] = []
        var given: Set<String> = []
        for feed in feeds where urls[feed.name] == nil && !taken.contains(feed.name) {
            guard let (previous, _) = urls.first(where: { name, url in
                !given.contains(name) && belongs(url, to: feed.url)
                    && configuredURL[name].map { !belongs(url, to: $0) } == true
            }) else { continue }
            given.insert(previous)
            renames.append(Rename(from: previous, to: feed.name))
        }
        return renames
    }

    /// A feed renamed onto the name of a feed removed earlier (`a` removed, then `b` → `a` at
    /// `b`'s URL): the name's state is the removed feed's, at a URL no feed has now, and the
    /// URL's history is under a name no feed has now. That history takes the name, and the
    /// removed feed's rows step aside to `a (removed)`: left under the name, `a` counted the
    /// removed feed's posts as its own, and its `keep:` forgot them for good.
    /// A new feed (a URL with no history) given a removed feed's name starts afresh the same way.
    /// Only when a crawl found the name removed (`removed`), or, removed and taken in one edit,
    /// when the name's own state is older than the history at its URL: else the feed under the
    /// name was configured until now and merely moved to another URL, its history its own. (The
    /// times alone were not enough: two passes in one second tied, and the removed feed's posts
    /// went to the renamed one's `keep:`.)
    static func ontoRemoved(_ feeds: [FeedConfig], urls: [String: String], removed: Set<String>, busy: Set<String>,
                            index: DocumentIndex) throws(StoreError) -> [Rename] {
        let configured = Set(feeds.map(\.name))
        let candidates: [(FeedConfig, String?)] = feeds.compactMap { feed in
            guard !busy.contains(feed.name), let own = urls[feed.name], !belongs(own, to: feed.url),
                  !feeds.contains(where: { belongs(own, to: $0.url) }) else { return nil }
            let previous = urls.first { name, url in
                !configured.contains(name) && !busy.contains(name) && belongs(url, to: feed.url)
            }?.key
            return previous != nil || removed.contains(feed.name) ? (feed, previous) : nil
        }
        guard !candidates.isEmpty else { return [] }
        var fetched: [String: Int64] = [:]
        for state in try index.allStates() { fetched[state.feed] = state.lastFetch?.secondsSince1970 ?? .min }
        var names = Set(urls.keys).union(configured)
        var renames: [Rename] = []
        for (feed, previous) in candidates {
            guard removed.contains(feed.name)
                    || (fetched[previous ?? ""] ?? .min) > (fetched[feed.name] ?? .min) else { continue }
            var retired = feed.name + " (removed)", number = 1
            while names.contains(retired) {
                number += 1
                retired = feed.name + " (removed \(number))"
            }
            names.insert(retired)
            renames.append(Rename(from: feed.name, to: retired))
            if let previous { renames.append(Rename(from: previous, to: feed.name)) }
        }
        return renames
    }

    /// A configured feed whose name's history went to another feed (`chained`), with none coming
    /// back, takes the history a name no longer configured left at its URL: undoing a rename onto
    /// a removed feed's name in one edit (`a (removed)` back to `a`), or renaming onto a removed
    /// name while a new feed takes the removed feed's URL.
    static func refilled(_ feeds: [FeedConfig], urls: [String: String], renames: [Rename]) -> [Rename] {
        let configured = Set(feeds.map(\.name))
        let givers = Set(renames.map(\.from)), takers = Set(renames.map(\.to))
        var busy = givers.union(takers)
        var refills: [Rename] = []
        for feed in feeds where givers.contains(feed.name) && !takers.contains(feed.name) {
            guard let (orphan, _) = urls.first(where: { name, url in
                !configured.contains(name) && !busy.contains(name) && belongs(url, to: feed.url)
            }) else { continue }
            busy.insert(orphan)
            refills.append(Rename(from: orphan, to: feed.name))
        }
        return refills
    }

    private static func belongs(_ stored: String, to url: String) -> Bool {
        FeedState.sameFeed(stored, url)
    }
}
