public import FeedModel

/// RFC 4287 4.1.1: entries of one Atom document that share an atom:id are the same entry, told
/// apart by atom:updated. A feed that carries an entry's earlier versions beside its newest made a
/// post of each, the older texts published as stories of their own (round 67). The newest of each
/// stays, where the entry first appears. Only entries at one link with different `updated` times
/// are taken for versions: one id at two links is a feed reusing ids, whose items the crawler
/// keeps apart (`IdentityFallback`).
public enum AtomEntryVersions {
    public static func newest(in feed: Feed) -> Feed {
        guard feed.kind == .atom10 || feed.kind == .atom03, feed.items.count > 1, repeatsAnID(feed.items) else { return feed }
        var firstAt: [String: Int] = [:]
        var kept: [Item] = []
        kept.reserveCapacity(feed.items.count)
        for item in feed.items {
            guard let id = item.id, !id.isEmpty, let updated = item.updated else {
                kept.append(item)
                continue
            }
            let key = id + "\n" + StoryLink.key(item.link ?? "")
            guard let index = firstAt[key], let seen = kept[index].updated, seen != updated else {
                if firstAt[key] == nil { firstAt[key] = kept.count }
                kept.append(item)
                continue
            }
            if updated > seen { kept[index] = item }
        }
        var collapsed = feed
        collapsed.items = kept
        return collapsed
    }

    /// Nearly every feed repeats none: it is left as it is, its items not copied.
    private static func repeatsAnID(_ items: [Item]) -> Bool {
        var seen = Set<String>(minimumCapacity: items.count)
        for item in items {
            guard let id = item.id, !id.isEmpty else { continue }
            if !seen.insert(id).inserted { return true }
        }
        return false
    }
}
