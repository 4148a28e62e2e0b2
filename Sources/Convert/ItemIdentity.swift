public import FeedModel

/// An item's identity within its feed, by the feed's `identity:` rule. Kept apart from the
/// content hash: the identity says which story, the hash which version of it.
enum ItemIdentity {
    static func of(_ item: Item, rule: ItemIdentityRule, title: String, contentHash: String) -> String {
        switch rule {
        case .guid:
            return item.identity
        case .link:
            if let link = item.link, !link.isEmpty { return StoryLink.key(link) }
            return item.identity
        case .title:
            return title.isEmpty ? item.identity : "title:" + title
        case .content:
            return "content:" + contentHash
        }
    }
}

/// A feed whose identities are not unique (two different items under one guid in one document)
/// would have `revisions: replace` overwrite one story with another. Such a feed's documents
/// get a safer identity: the guid with the link, else the content hash (every version its own item).
public enum IdentityFallback {
    /// Rewrites the identities of `documents` when two different items share one; returns the
    /// rule used instead, or nil when the identities were unique.
    public static func apply(to documents: inout [Document]) -> String? {
        guard hasConflict(documents.map(\.itemIdentity), documents) else { return nil }
        let withLink = documents.map { $0.itemIdentity + "\n" + StoryLink.key($0.source?.item.link ?? "") }
        if !hasConflict(withLink, documents) {
            for index in documents.indices { documents[index].itemIdentity = withLink[index] }
            return "guid+link"
        }
        for index in documents.indices { documents[index].itemIdentity = "content:" + documents[index].contentHash }
        return "content"
    }

    /// True when one identity names documents with different content.
    private static func hasConflict(_ identities: [String], _ documents: [Document]) -> Bool {
        var hashes: [String: String] = [:]
        hashes.reserveCapacity(identities.count)
        for (identity, document) in zip(identities, documents) {
            if let seen = hashes.updateValue(document.contentHash, forKey: identity), seen != document.contentHash {
                return true
            }
        }
        return false
    }
}
