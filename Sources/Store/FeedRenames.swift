internal import FeedModel

/// Feed state is kept by name, and a name is the operator's to change: a feed renamed in
/// feeds.yaml (same URL, new `name:`) takes over the state, provenance and items of its old name,
/// so it is neither fetched as new nor its history lost. Only a name no longer configured is taken
/// over, and only by a configured feed without state of its own.
public enum FeedRenames {
    public struct Rename: Sendable, Hashable {
        public var from: String
        public var to: String
    }

    static func adopt(_ feeds: [FeedConfig], index: DocumentIndex) throws(StoreError) -> [Rename] {
        // Names first, undecoded: at every start of a crawl, and almost always nothing to do.
        var named = Set<String>()
        try index.database.prepare("SELECT feed FROM feed_state").run([]) { row in
            if let feed = row.text(0) { named.insert(feed) }
        }
        let configured = Set(feeds.map(\.name))
        guard named.contains(where: { !configured.contains($0) }),
              feeds.contains(where: { !named.contains($0.name) }) else { return [] }
        var orphans = try index.allStates().filter { !configured.contains($0.feed) }
        var renames: [Rename] = []
        for feed in feeds where !named.contains(feed.name) {
            guard let found = orphans.firstIndex(where: { $0.belongs(to: feed.url) }) else { continue }
            renames.append(Rename(from: orphans[found].feed, to: feed.name))
            orphans.remove(at: found)
        }
        guard !renames.isEmpty else { return [] }
        try index.database.transaction { () throws(StoreError) in
            for rename in renames {
                for table in ["feed_state", "provenance", "items", "pending"] {
                    let statement = try index.database.prepare("UPDATE OR REPLACE \(table) SET feed = ?1 WHERE feed = ?2")
                    try statement.run([.text(rename.to), .text(rename.from)])
                }
            }
        }
        return renames
    }
}
