public import FeedModel
public import Store

/// A feed as the fleet keeps it: its settings and the politeness budget (host) it draws from.
public struct FleetFeed: Sendable, Hashable {
    public var config: FeedConfig
    public var host: String
    /// Minimum seconds between two requests to `host`, whichever nodes send them.
    public var hostGap: Double

    public init(config: FeedConfig, host: String, hostGap: Double) {
        self.config = config
        self.host = host
        self.hostGap = hostGap
    }
}

/// What `feeds sync` changed.
public struct FeedsSyncOutcome: Sendable, Hashable {
    public var added: [String] = []
    /// Settings changed (a new URL also makes the feed due now and revives a gone feed).
    public var changed: [String] = []
    public var removed: [String] = []
    /// Same URL, new name: the feed keeps its state, documents and items' history.
    public var renamed: [FeedRenames.Rename] = []
    public var unchanged = 0
}

extension FleetFeed {
    /// From a row with `config`, `host` and `gap` columns.
    init(record: PostgresRecord) throws(FleetError) {
        self.init(config: try FleetJSON.decode(FeedConfig.self, from: record["config"] ?? ""), host: record["host"] ?? "",
                  hostGap: Double(record["gap"] ?? "") ?? 0)
    }
}

extension FleetDatabase {
    /// Makes the database's feeds match `feeds` (the file's), in one transaction: nodes see the
    /// old list or the new one, never half of it.
    public func syncFeeds(_ feeds: [FleetFeed]) throws(FleetError) -> FeedsSyncOutcome {
        // The line in feeds.yaml is not a setting: editing above a feed must not "change" it.
        let configs = try feeds.map { feed throws(FleetError) in
            var config = feed.config
            config.line = 0
            return try FleetJSON.encode(config)
        }
        return try connection.transaction { () throws(FleetError) in
            let renamed = try renameFeeds(feeds.map(\.config))
            let rows = try connection.query(upsertFeeds, [
                PostgresArray.literal(feeds.map(\.config.name)), PostgresArray.literal(feeds.map(\.config.url)),
                PostgresArray.literal(feeds.map(\.host)), PostgresArray.literal(configs),
            ])
            var outcome = FeedsSyncOutcome()
            var due: [String] = []
            for record in rows.records {
                guard let name = record["name"] else { continue }
                if record["added"] == "t" {
                    outcome.added.append(name)
                    due.append(name)
                } else if record["moved"] == "t" || record["changed"] == "t" {
                    outcome.changed.append(name)
                    if record["moved"] == "t" { due.append(name) }
                } else {
                    outcome.unchanged += 1
                }
            }
            try connection.query("""
                INSERT INTO feed_state (feed, next_due) SELECT unnest($1::text[]), now()
                ON CONFLICT (feed) DO UPDATE SET next_due = now(), gone = false
                """, [PostgresArray.literal(due)])
            try connection.query("""
                INSERT INTO hosts (host, gap)
                SELECT DISTINCT ON (host) host, gap FROM unnest($1::text[], $2::float8[]) AS x(host, gap)
                ON CONFLICT (host) DO UPDATE SET gap = excluded.gap
                """, [PostgresArray.literal(feeds.map(\.host)), PostgresArray.literal(feeds.map(\.hostGap))])
            outcome.removed = try connection.query("DELETE FROM feeds WHERE NOT (name = ANY($1::text[])) RETURNING name",
                                                   [PostgresArray.literal(feeds.map(\.config.name))])
                .rows.compactMap { $0[0] }.sorted()
            outcome.renamed = renamed
            return outcome
        }
    }

    /// Feeds renamed in the file take their rows along: renamed as a removal and an addition, a
    /// feed lost its validators and its items' history, and its next corrections became new posts
    /// beside the old. A rename is a feed the database has at a URL the file gives another name,
    /// where the feed's own name is gone from the file or now at another URL (so two feeds that
    /// swapped names, or a chain of renames, are renames too); and only onto a name that is free
    /// or itself renamed away.
    private func renameFeeds(_ configs: [FeedConfig]) throws(FleetError) -> [FeedRenames.Rename] {
        let current = try connection.query("SELECT name, url FROM feeds ORDER BY position")
        var urls: [(name: String, url: String)] = []
        for record in current.records { if let name = record["name"], let url = record["url"] { urls.append((name, url)) } }
        let renames = FleetRenamePlan.renames(database: urls, file: configs.map { ($0.name, $0.url) })
        guard !renames.isEmpty else { return [] }
        // Through names no feed has, so that names traded in a cycle do not meet.
        for rename in renames { try move(rename.from, to: "\u{1}renaming " + rename.from) }
        for rename in renames { try move("\u{1}renaming " + rename.from, to: rename.to) }
        return renames
    }

    /// Every row of feed `from` goes to `to`. Rows a feed removed earlier left under `to` give way
    /// where they share a key (a removed feed's item history took a renamed feed's corrections).
    private func move(_ from: String, to: String) throws(FleetError) {
        try connection.query("DELETE FROM feed_state WHERE feed = $1", [to])
        for (table, key) in Self.renamedTables where !key.isEmpty {
            let clash = key.map { "t.\($0) = u.\($0)" }.joined(separator: " AND ")
            try connection.query("DELETE FROM \(table) t USING \(table) u WHERE t.feed = $2 AND u.feed = $1 AND \(clash)",
                                 [from, to])
        }
        for (table, _) in Self.renamedTables {
            try connection.query("UPDATE \(table) SET feed = $2 WHERE feed = $1", [from, to])
        }
        // The state's JSON names its feed too.
        try connection.query("""
            UPDATE feed_state SET state = jsonb_set(state, '{feed}', to_jsonb($1::text)) WHERE feed = $1 AND state IS NOT NULL
            """, [to])
        try connection.query("UPDATE feeds SET name = $2 WHERE name = $1", [from, to])
    }

    /// Every table naming a feed, with the rest of its primary key when the feed is part of it.
    static let renamedTables: [(String, [String])] = [("feed_state", []), ("documents", []), ("tombstones", []),
                                                      ("item_files", ["item"]), ("item_versions", ["item", "hash"])]

    /// Every feed in the database, in the order of the file they were synced from.
    public func feeds() throws(FleetError) -> [FleetFeed] {
        try connection.query("""
            SELECT f.config::text AS config, f.host, h.gap FROM feeds f JOIN hosts h USING (host) ORDER BY f.position
            """).records.map { record throws(FleetError) in try FleetFeed(record: record) }
    }

    private var upsertFeeds: String {
        """
        WITH incoming AS (
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])
                WITH ORDINALITY AS x(name, url, host, config, position)
        ), previous AS (
            SELECT f.name, f.url, f.host, f.config FROM feeds f JOIN incoming i USING (name)
        ), written AS (
            INSERT INTO feeds (name, url, host, config, position)
            SELECT name, url, host, config, position FROM incoming
            ON CONFLICT (name) DO UPDATE SET url = excluded.url, host = excluded.host, config = excluded.config,
                position = excluded.position, updated_at = now()
            WHERE (feeds.url, feeds.host, feeds.config, feeds.position)
                IS DISTINCT FROM (excluded.url, excluded.host, excluded.config, excluded.position)
            RETURNING name
        )
        SELECT i.name, p.name IS NULL AS added, p.url IS DISTINCT FROM i.url AS moved,
               (p.host, p.config) IS DISTINCT FROM (i.host, i.config) AS changed
        FROM incoming i LEFT JOIN previous p USING (name) ORDER BY i.position
        """
    }
}
