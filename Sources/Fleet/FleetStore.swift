public import FeedModel
public import Store
internal import Glibc

/// The fleet's `CrawlStore`: documents and feed state in PostgreSQL. A document is stored once
/// across the fleet: its short hash is the primary key and every insert is insert-if-absent, so
/// two nodes storing the same item at once end with one row, and each learns whether it was first.
/// An edited item of a `replace` feed rewrites its row instead (see `FleetRevisionPlan`).
public final class FleetStore: CrawlStore {
    private let database: FleetDatabase
    private let layout: DocumentLayout
    /// States that came with this pass's claims (nil: never fetched): no round trip to read them.
    private var claimedStates: [String: FeedState?] = [:]
    /// The URL each feed had when this node last claimed it: its state is saved only while the
    /// feed is still there (see `save`).
    private var claimedURLs: [String: String] = [:]

    public init(database: FleetDatabase, layout: DocumentLayout) {
        self.database = database
        self.layout = layout
    }

    /// The claims of the pass about to run; their states are served from here.
    public func prepare(for claims: [ClaimedFeed]) {
        claimedStates = [:]
        for claim in claims { claimedStates[claim.feed.config.name] = .some(claim.state) }
        claimed(claims)
    }

    /// Notes the URL of each feed claimed (`run` hands claims to its flow, not to `prepare`).
    public func claimed(_ claims: [ClaimedFeed]) {
        for claim in claims { claimedURLs[claim.feed.config.name] = claim.feed.config.url }
    }

    public func feedState(_ feed: String) throws(StoreError) -> FeedState? {
        if let state = claimedStates[feed] { return state }  // the claim's answer, even "never fetched"
        do {
            let text = try database.connection.query("SELECT state::text AS state FROM feed_state WHERE feed = $1", [feed])
                .value(0, "state")
            return try text.map { value throws(FleetError) in try FleetJSON.decode(FeedState.self, from: value) }
        } catch {
            throw .database(message: "\(error)")
        }
    }

    public func save(_ state: FeedState) throws(StoreError) {
        try save([state])
    }

    /// The states of a batch's feeds in one statement: one round trip for up to a batch of feeds.
    /// A state is saved only while it is still this node's to save: the feed's lease is this
    /// node's (a node whose lease lapsed while it was away wrote its stale timeout over the state
    /// of the node that took the feed over), and the feed is still at the URL it was claimed at (a
    /// 410 from the old URL, answered after `feeds sync` moved the feed, marked the new one gone).
    /// The due time is saved as the wait it leaves from now, counted on the database's clock, as
    /// leases and holds are: a node whose clock is off by an hour neither polls its feeds as often
    /// as it may nor leaves them for an hour.
    public func save(_ states: [FeedState]) throws(StoreError) {
        guard !states.isEmpty else { return }
        let now = Int64(time(nil))
        do {
            try database.connection.query("""
                UPDATE feed_state s SET state = x.state::jsonb,
                    next_due = coalesce(clock_timestamp() + make_interval(secs => x.wait::float8), 'infinity'),
                    gone = x.gone, last_node = $1
                FROM unnest($2::text[], $3::text[], $4::bigint[], $5::boolean[], $6::text[]) AS x(feed, state, wait, gone, url),
                    feeds f
                WHERE s.feed = x.feed AND f.name = s.feed AND f.url = coalesce(x.url, f.url) AND s.lease_node = $1
                """, [database.node, PostgresArray.literal(states.map(\.feed)),
                      PostgresArray.literal(try states.map { state throws(FleetError) in try FleetJSON.encode(state) }),
                      PostgresArray.literal(states.map { $0.nextDue.map { $0.secondsSince1970 - now } }),
                      PostgresArray.literal(states.map(\.gone)),
                      PostgresArray.literal(states.map { claimedURLs[$0.feed] })])
            // Not kept as the claims' answers: a state this node could not save is not the fleet's.
            for state in states { claimedStates[state.feed] = nil }
        } catch {
            throw .database(message: "\(error)")
        }
    }

    public func store(_ documents: [Document], storedAt: Timestamp) throws(StoreError) -> DocumentStore.Outcome {
        var seen: Set<String> = []
        let unique = documents.filter { seen.insert($0.shortHash).inserted }
        guard !unique.isEmpty else { return .init(stored: [], duplicates: documents.count) }
        // A fetch that ended after `feeds sync` renamed or removed its feed: refused, so its line
        // says so (it read "0 new, 2 dup" of items stored nowhere). The insert checks again.
        let known: Set<String>
        do {
            known = try existingFeeds(Set(unique.map(\.feed)))
        } catch {
            throw .database(message: "\(error)")
        }
        let fresh = unique.filter { known.contains($0.feed) }
        let orphans = unique.filter { !known.contains($0.feed) }
        var inserted: Set<String> = []
        var replaced: Set<FleetRevisionPlan.Key> = []
        let split: FleetRevisionPlan.Split
        do {
            // Items of `replace`/`keep-first` feeds that have a row are revisions, not new documents.
            split = try FleetRevisionPlan.split(fresh, lookup: { keys throws(FleetError) in try database.itemFiles(keys) },
                                                titles: { documents throws(FleetError) in try database.storedTitles(documents) })
            // Revisions first: a text one writes into its post is stored, and another feed's copy of
            // it in the same batch is a duplicate, not a second post (see the insert's condition).
            replaced = try retryingDeadlock { () throws(FleetError) in try database.apply(split.revisions) }
            for moved in split.movedLinks {
                _ = try database.connection.query("UPDATE item_files SET link = $3 WHERE feed = $1 AND item = $2",
                                                  [moved.key.feed, moved.key.item, moved.link])
            }
            // Two nodes inserting overlapping hashes in different orders would each wait for the
            // other's row (a deadlock PostgreSQL breaks by failing one): every node inserts in hash order.
            let ordered = split.inserts.sorted { $0.shortHash < $1.shortHash }
            // Parameters per statement are capped (65,535); 11 per document.
            for start in stride(from: 0, to: ordered.count, by: 1000) {
                let chunk = Array(ordered[start..<min(start + 1000, ordered.count)])
                inserted.formUnion(try retryingDeadlock { () throws(FleetError) in try insert(chunk) })
            }
        } catch {
            throw .database(message: "\(error)")
        }
        var outcome = DocumentStore.Outcome(stored: split.inserts.filter { inserted.contains($0.shortHash) }, duplicates: 0)
        outcome.replaced = split.revisions.map(\.document).filter { replaced.contains(FleetRevisionPlan.key($0)) }
        outcome.recorded = split.revisions.map(\.document).filter { $0.revisions == .keepFirst }
        for orphan in orphans {
            outcome.refused[orphan.shortHash] = .database(message: "feed \(orphan.feed) is no longer in the fleet (renamed or "
                + "removed by feeds sync while it was fetched): nothing of this fetch is stored")
        }
        outcome.duplicates = documents.count - outcome.stored.count - orphans.count
        return outcome
    }

    private func existingFeeds(_ names: Set<String>) throws(FleetError) -> Set<String> {
        let rows = try database.connection.query("SELECT name FROM feeds WHERE name = ANY($1::text[])",
                                                 [PostgresArray.literal(Array(names))])
        return Set(rows.rows.compactMap { $0.first ?? nil })
    }

    public func storedHashes(among shorts: [String]) throws(StoreError) -> Set<String> {
        guard !shorts.isEmpty else { return [] }
        do {
            let rows = try database.connection.query("SELECT hash16 FROM documents WHERE hash16 = ANY($1::text[])",
                                                     [PostgresArray.literal(shorts)])
            return Set(rows.rows.compactMap { $0.first ?? nil })
        } catch {
            throw .database(message: "\(error)")
        }
    }

    /// Runs `body` again when PostgreSQL chose it as a deadlock's victim (which hash order
    /// prevents among nodes, but not against anything else writing the tables).
    private func retryingDeadlock<T>(_ body: () throws(FleetError) -> T) throws(FleetError) -> T {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch let error {
                attempt += 1
                guard case .query(_, let state, _) = error, state == "40P01", attempt < 3 else { throw error }
            }
        }
    }

    /// One insert statement: the new documents, insert-if-absent, and the items that now live in
    /// them (`item_files`: a `new` feed's item moves to its latest document, as on one machine; an
    /// item under `replace`/`keep-first` keeps the row it has, should another node have given it one).
    private func insert(_ documents: [Document]) throws(FleetError) -> [String] {
        try database.connection.query(insertSQL(count: documents.count), insertParameters(documents)).rows.compactMap { $0[0] }
    }

    private func insertParameters(_ documents: [Document]) -> [String?] {
        var parameters: [String?] = [database.node]
        for document in documents {
            parameters += [document.shortHash, document.contentHash, layout.relativePath(for: document),
                           "\(document.date.secondsSince1970)", "\(document.text.utf8.count)", document.text,
                           document.feed, document.itemIdentity, document.source?.item.link,
                           FleetRevisionPlan.hex(document.source), document.revisions == .new ? "t" : "f"]
        }
        return parameters
    }

    private func insertSQL(count: Int) -> String {
        let rows = (0..<count).map { row in
            let base = 2 + row * 11
            return "($\(base), $\(base + 1), $\(base + 2), $\(base + 3)::bigint, $\(base + 4)::integer, "
                + "$\(base + 5), $\(base + 6), $\(base + 7), $\(base + 8)::text, $\(base + 9)::text, $\(base + 10)::boolean, \(row))"
        }
        return """
            WITH incoming (hash16, hash, path, date, bytes, body, feed, item, link, source, plain, ord) AS (
                VALUES \(rows.joined(separator: ", "))
            ), stored AS (
                INSERT INTO documents (hash16, hash, path, date, bytes, body, feed, item, revises, node, source)
                SELECT i.hash16, i.hash, i.path, i.date, i.bytes, i.body, i.feed, i.item,
                       (SELECT d.hash16 FROM documents d WHERE d.feed = i.feed AND d.item = i.item ORDER BY d.seq DESC LIMIT 1),
                       $1, decode(i.source, 'hex')
                FROM incoming i
                WHERE NOT EXISTS (SELECT 1 FROM tombstones t WHERE t.hash16 = i.hash16 OR (t.feed = i.feed AND t.item = i.item))
                    -- A text a corrected post holds or has held is stored (another feed's copy of the
                    -- correction became a second post beside it).
                    AND NOT EXISTS (SELECT 1 FROM item_versions v WHERE v.hash = i.hash AND v.written)
                    -- A fetch that ended after `feeds sync` renamed or removed its feed stores
                    -- nothing: under the old name its items were orphans, and their corrections
                    -- new posts (the feed under its new name fetches them again).
                    AND EXISTS (SELECT 1 FROM feeds f WHERE f.name = i.feed)
                ORDER BY i.ord
                ON CONFLICT (hash16) DO NOTHING
                RETURNING hash16
            ), latest AS (
                INSERT INTO item_files (feed, item, document, hash, link)
                SELECT DISTINCT ON (i.feed, i.item) i.feed, i.item, i.hash16, i.hash, i.link
                FROM incoming i JOIN stored s ON s.hash16 = i.hash16 WHERE i.plain
                ORDER BY i.feed, i.item, i.ord DESC
                ON CONFLICT (feed, item) DO UPDATE SET document = excluded.document, hash = excluded.hash,
                    link = excluded.link, version = 1, updated_at = now()
            ), first AS (
                INSERT INTO item_files (feed, item, document, hash, link)
                SELECT DISTINCT ON (i.feed, i.item) i.feed, i.item, i.hash16, i.hash, i.link
                FROM incoming i JOIN stored s ON s.hash16 = i.hash16 WHERE NOT i.plain
                ORDER BY i.feed, i.item, i.ord
                ON CONFLICT (feed, item) DO NOTHING
            )
            SELECT hash16 FROM stored
            """
    }
}
