internal import FeedModel

/// A feed that gives an item a new guid at every edit (its link and date kept) gets a post per
/// edit under `identity: guid`, as it asks; `identity: link` keeps one (round 54: nothing said
/// so, and the operator found out from the site). Such new documents are told apart here: the
/// same feed has a post under another identity with the same link and the same date of its own.
/// A link items of other dates share ("word of the day", a front page) is not taken for it, nor
/// one items of a date without a time of day share.
enum IdentityChurn {
    static func among(_ prepared: [PreparedDocument], in database: SQLiteDatabase) throws(StoreError)
        -> [(document: Document, earlier: String)] {
        // Looked at in place: a batch's documents are large, and two batches may be in flight.
        let candidates = prepared.lazy.map(\.document).filter(\.hasOwnDateAndLink)
        guard !candidates.isEmpty else { return [] }
        // The feed's rows only (item_files is keyed by feed and item), filtered by link.
        let lookup = try database.prepare("""
            SELECT item_files.item FROM item_files JOIN documents ON documents.short = item_files.document
            WHERE item_files.feed = ?1 AND item_files.link = ?2 AND item_files.item != ?3 AND documents.date = ?4 LIMIT 1
            """)
        // A feed's first batch (every feed's, in a cold pass) has nothing to compare with.
        let anyPost = try database.prepare("SELECT 1 FROM item_files WHERE feed = ?1 LIMIT 1")
        var hasPosts: [String: Bool] = [:]
        var churned: [(document: Document, earlier: String)] = []
        for document in candidates {
            if hasPosts[document.feed] == nil {
                var found = false
                try anyPost.run([.text(document.feed)]) { _ in found = true }
                hasPosts[document.feed] = found
            }
            guard hasPosts[document.feed] == true else { continue }
            try lookup.run([.text(document.feed), .text(document.source?.item.link), .text(document.itemIdentity),
                            .integer(document.date.secondsSince1970)]) { row in
                if let earlier = row.text(0) { churned.append((document, earlier)) }
            }
        }
        return churned
    }
}

extension Document {
    /// Its item gave a date of its own (not the fetch time) with a time of day, and a link. A
    /// date alone (midnight) is shared by every item of a day: a daily digest whose items all
    /// link to its front page would be taken for one story under new guids.
    fileprivate var hasOwnDateAndLink: Bool {
        guard let item = source?.item, item.published != nil, !item.publishedWasInFuture,
              date.secondsSince1970 % 86_400 != 0 else { return false }
        return item.link?.isEmpty == false
    }
}
