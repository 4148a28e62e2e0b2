internal import FeedModel
internal import Store

/// `revisions: replace | keep-first` on the fleet, as `RevisionPlan` does it on one machine:
/// `item_files` (schema migration 3) says, per feed and item identity, which documents row the
/// item lives in (its hash16 names the file and never changes) and which version is in it now.
///
/// A batch's documents of such feeds are looked up there first (one statement). An item without
/// a row is a new document; one whose row holds this very version is a duplicate; otherwise the
/// row's body is replaced (`replace`) or the version only recorded (`keep-first`). A replacement
/// is a compare-and-set on the version the node looked up, so two nodes (one of them with a lapsed
/// lease) never write over each other's version: the second finds the row changed and records its
/// version instead. The documents row gets a new transaction id and sequence, so `posts sync`'s
/// cursor passes it again and writes the new text over the file it already has. Its `date` is the
/// new version's; `placed` keeps the date that placed the file, which stays where it is.
enum FleetRevisionPlan {
    struct Key: Hashable {
        var feed: String
        var item: String
    }

    struct ItemFile {
        var document: String
        var hash: String
        var link: String?
        /// The date of the version in the row.
        var date: Int64?
    }

    /// A later version of an item that has a row: rewrite it (`replace`) or record it (`keep-first`).
    struct Revision {
        var document: Document
        var file: ItemFile
    }

    struct Split {
        /// Documents to insert (insert-if-absent): `new` feeds, and items without a row yet.
        var inserts: [Document] = []
        var revisions: [Revision] = []
        /// Items whose row holds their very text, met at another link: the post's slug changed,
        /// and the row takes the new link (else its next correction was another story).
        var movedLinks: [(key: Key, link: String)] = []
    }

    /// Splits a batch (unique short hashes) by what `item_files` holds for each document's item.
    /// `titles`: the item titles the rows named were rendered from (`SameStory.isAnotherDay`).
    static func split(_ documents: [Document], lookup: ([Key]) throws(FleetError) -> [Key: ItemFile],
                      titles: ([String]) throws(FleetError) -> [String: String] = { _ in [:] }) throws(FleetError) -> Split {
        var split = Split()
        var pending = documents.filter { $0.revisions != .new }
        split.inserts = documents.filter { $0.revisions == .new }
        guard !pending.isEmpty else { return split }
        var files = try lookup(pending.map(key))
        // Another link under an identity is another story under a reused guid: that document takes
        // the guid-and-link identity (as on one machine), looked up once more.
        var retold: [Int] = []
        for index in pending.indices {
            guard let file = files[key(pending[index])], !isSameStory(file, pending[index]),
                  let link = pending[index].source?.item.link else { continue }
            // Its own text under its guid at a new link: the same post (round 63), a duplicate.
            if file.hash == pending[index].contentHash {
                split.movedLinks.append((key(pending[index]), link))
                continue
            }
            pending[index].itemIdentity += "\n" + StoryLink.key(link)
            retold.append(index)
        }
        // Another day's story under a fixed link without a guid: its titles read only for those.
        let candidates = pending.indices.filter { index in
            !retold.contains(index) && files[key(pending[index])].map { file in
                SameStory.isAnotherDay(storedDate: file.date, storedTitle: { "" }, pending[index])
            } == true
        }
        if !candidates.isEmpty {
            let stored = try titles(candidates.compactMap { files[key(pending[$0])]?.document })
            for index in candidates {
                guard let file = files[key(pending[index])],
                      SameStory.isAnotherDay(storedDate: file.date, storedTitle: { stored[file.document] }, pending[index])
                else { continue }
                pending[index].itemIdentity = SameStory.dayIdentity(pending[index])
                retold.append(index)
            }
        }
        if !retold.isEmpty { files.merge(try lookup(retold.map { key(pending[$0]) })) { _, second in second } }
        var items: Set<Key> = []
        for document in pending where items.insert(key(document)).inserted {
            guard let file = files[key(document)] else {
                split.inserts.append(document)
                continue
            }
            if file.hash != document.contentHash { split.revisions.append(Revision(document: document, file: file)) }
        }
        return split
    }

    static func key(_ document: Document) -> Key {
        Key(feed: document.feed, item: document.itemIdentity)
    }

    /// False when the row holds an item with another link than the document's (both known), as
    /// on one machine: tracking parameters aside (`StoryLink`).
    static func isSameStory(_ file: ItemFile, _ document: Document) -> Bool {
        SameStory.holds(storedLink: file.link, storedDate: file.date, document)
    }

    /// A source's bytes as `decode($n, 'hex')` takes them.
    static func hex(_ source: SourceValues?) -> String? {
        guard let source else { return nil }
        return Hex.lowercase(SourceCoding.encode(source))
    }
}

extension FleetDatabase {
    /// The `item_files` rows of these items.
    func itemFiles(_ keys: [FleetRevisionPlan.Key]) throws(FleetError) -> [FleetRevisionPlan.Key: FleetRevisionPlan.ItemFile] {
        guard !keys.isEmpty else { return [:] }
        let rows = try connection.query("""
            SELECT f.feed, f.item, f.document, f.hash, f.link, d.date FROM item_files f
            JOIN unnest($1::text[], $2::text[]) AS x (feed, item) ON f.feed = x.feed AND f.item = x.item
            LEFT JOIN documents d ON d.hash16 = f.document
            """, [PostgresArray.literal(keys.map(\.feed)), PostgresArray.literal(keys.map(\.item))])
        var files: [FleetRevisionPlan.Key: FleetRevisionPlan.ItemFile] = [:]
        for record in rows.records {
            guard let feed = record["feed"], let item = record["item"], let document = record["document"],
                  let hash = record["hash"] else { continue }
            files[.init(feed: feed, item: item)] = .init(document: document, hash: hash, link: record["link"],
                                                         date: record["date"].flatMap { Int64($0) })
        }
        return files
    }

    /// The titles of the item versions these rows were rendered from, by hash16.
    func storedTitles(_ documents: [String]) throws(FleetError) -> [String: String] {
        guard !documents.isEmpty else { return [:] }
        let rows = try connection.query("""
            SELECT hash16, encode(source, 'hex') AS source FROM documents WHERE hash16 = ANY($1::text[]) AND source IS NOT NULL
            """, [PostgresArray.literal(documents)])
        var titles: [String: String] = [:]
        for record in rows.records {
            guard let hash16 = record["hash16"],
                  let source = record["source"].flatMap(FleetDatabase.bytes(hex:)).flatMap(SourceCoding.decode) else { continue }
            titles[hash16] = source.item.title
        }
        return titles
    }

    /// Replaces (compare-and-set) or records each revision, in one statement; returns the items replaced.
    func apply(_ revisions: [FleetRevisionPlan.Revision]) throws(FleetError) -> Set<FleetRevisionPlan.Key> {
        guard !revisions.isEmpty else { return [] }
        let documents = revisions.map(\.document)
        // As on one machine, the post keeps the date it was published with (its URL with it).
        let written = revisions.map { revision -> (text: String, date: Int64) in
            let document = revision.document
            guard let published = revision.file.date,
                  let text = FrontMatterDate.keeping(Timestamp(secondsSince1970: published), in: document.text,
                                                     written: document.date) else {
                return (document.text, document.date.secondsSince1970)
            }
            return (text, published)
        }
        let rows = try connection.query("""
            WITH x (feed, item, document, prev, hash, link, body, bytes, source, replace, date) AS (
                SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                                     $8::text[], $9::integer[], $10::text[], $11::boolean[], $12::bigint[])
            ), moved AS (
                UPDATE item_files f SET hash = x.hash, link = x.link, version = f.version + 1, updated_at = now()
                FROM x WHERE x.replace AND f.feed = x.feed AND f.item = x.item AND f.document = x.document AND f.hash = x.prev
                    AND NOT EXISTS (SELECT 1 FROM tombstones t WHERE t.hash16 = x.document OR (t.feed = x.feed AND t.item = x.item))
                RETURNING f.feed, f.item, f.document, f.version
            ), rewritten AS (
                UPDATE documents d SET body = x.body, bytes = x.bytes, current_hash = x.hash, source = decode(x.source, 'hex'),
                    date = x.date, placed = coalesce(d.placed, d.date),  -- the file stays where it is
                    version = m.version, updated_at = now(), node = $1,
                    xid = pg_current_xact_id(), seq = nextval('documents_seq_seq')
                FROM moved m JOIN x ON x.feed = m.feed AND x.item = m.item
                WHERE d.hash16 = m.document
            ), recorded AS (
                INSERT INTO item_versions (feed, item, hash, written, node)
                SELECT x.feed, x.item, x.hash, EXISTS (SELECT 1 FROM moved m WHERE m.feed = x.feed AND m.item = x.item), $1
                FROM x
                ON CONFLICT (feed, item, hash) DO UPDATE SET written = item_versions.written OR excluded.written,
                    seen_at = now(), node = excluded.node
            )
            SELECT feed, item FROM moved
            """, [node, PostgresArray.literal(documents.map(\.feed)), PostgresArray.literal(documents.map(\.itemIdentity)),
                  PostgresArray.literal(revisions.map(\.file.document)), PostgresArray.literal(revisions.map(\.file.hash)),
                  PostgresArray.literal(documents.map(\.contentHash)),
                  PostgresArray.literal(documents.map { $0.source?.item.link }),
                  PostgresArray.literal(written.map(\.text)),
                  PostgresArray.literal(written.map { Int64($0.text.utf8.count) }),
                  PostgresArray.literal(documents.map { FleetRevisionPlan.hex($0.source) }),
                  PostgresArray.literal(documents.map { $0.revisions == .replace }),
                  PostgresArray.literal(written.map(\.date))])
        return Set(rows.records.compactMap { record in
            record["feed"].flatMap { feed in record["item"].map { FleetRevisionPlan.Key(feed: feed, item: $0) } }
        })
    }
}
