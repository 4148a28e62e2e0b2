public import FeedModel

/// How much one node takes at a time.
public struct ClaimLimits: Sendable, Hashable {
    /// Hosts (politeness budgets) leased at once.
    public var hosts: Int
    /// Feeds of one host in one claim: few enough that the host's gap lets them finish within the lease.
    public var feedsPerHost: Int
    public var feeds: Int
    /// Seconds until an unrenewed claim lapses and another node may take it.
    public var lease: Double

    public init(hosts: Int, feedsPerHost: Int, feeds: Int, lease: Double) {
        self.hosts = hosts
        self.feedsPerHost = feedsPerHost
        self.feeds = feeds
        self.lease = lease
    }
}

/// A due feed this node now holds, with the state the last fetch (on any node) left.
public struct ClaimedFeed: Sendable {
    public var feed: FleetFeed
    public var state: FeedState?
}

// Leases. A node leases hosts first, then due feeds of those hosts only: while a host is leased,
// one node alone sends it requests, so its gap and concurrency hold across the fleet. Releasing
// a host sets when it may next be asked (now + gap, or later while it asked every client to
// wait: `holdHosts`), whichever node asks. A node that dies
// simply stops renewing; its hosts and feeds lapse after the lease and others take them.
extension FleetDatabase {
    /// Leases up to `limits` due feeds (and their hosts); empty when nothing is due or free.
    public func claim(_ limits: ClaimLimits) throws(FleetError) -> [ClaimedFeed] {
        let rows = try connection.query(claimSQL, [node, "\(limits.hosts)", "\(limits.lease)", "\(limits.feedsPerHost)",
                                                   "\(limits.feeds)"])
        // Hosts leased whose feeds did not fit in this claim go back at once, untouched.
        try connection.query("""
            UPDATE hosts h SET lease_node = NULL, lease_until = NULL
            WHERE h.lease_node = $1 AND NOT EXISTS (
                SELECT 1 FROM feeds f JOIN feed_state s ON s.feed = f.name WHERE f.host = h.host AND s.lease_node = $1)
            """, [node])
        return try rows.records.map { record throws(FleetError) in
            let state = try record["state"].map { text throws(FleetError) in try FleetJSON.decode(FeedState.self, from: text) }
            return ClaimedFeed(feed: try FleetFeed(record: record), state: state)
        }
    }

    /// Extends every lease this node holds; returns how many hosts it still holds (fewer than it
    /// thinks means a lease lapsed and another node may be on that host: stop sending to it).
    public func renewLeases(lease: Double) throws(FleetError) -> Int {
        try connection.query("""
            WITH renewed_feeds AS (
                UPDATE feed_state SET lease_until = now() + make_interval(secs => $2::float8) WHERE lease_node = $1
            )
            UPDATE hosts SET lease_until = now() + make_interval(secs => $2::float8)
            WHERE lease_node = $1 AND lease_until > now()
            """, [node, "\(lease)"]).affected
    }

    /// Gives back every host and feed this node holds. Each host may be asked again after its
    /// gap from now, by any node: the last request this node sent it started before now.
    public func releaseLeases() throws(FleetError) {
        try connection.query("""
            WITH released AS (
                UPDATE hosts SET lease_node = NULL, lease_until = NULL,
                    available_at = greatest(available_at, clock_timestamp() + make_interval(secs => gap))
                WHERE lease_node = $1
            )
            UPDATE feed_state SET lease_node = NULL, lease_until = NULL WHERE lease_node = $1
            """, [node])
    }

    /// Seconds until something may be claimable (a feed due, a host free), or nil when no feed is
    /// scheduled at all. A guess from the earliest due feeds (an index scan, whatever the fleet's
    /// size); others' leases may end sooner. Callers sleep at most a second on it.
    public func secondsUntilClaimable() throws(FleetError) -> Double? {
        let value = try connection.query("""
            SELECT extract(epoch FROM min(greatest(s.next_due, h.available_at,
                       coalesce(s.lease_until, '-infinity'), coalesce(h.lease_until, '-infinity'))) - clock_timestamp()) AS wait
            FROM (SELECT feed, next_due, lease_until FROM feed_state WHERE NOT gone ORDER BY next_due LIMIT 1000) s
            JOIN feeds f ON f.name = s.feed JOIN hosts h ON h.host = f.host
            """).value(0, "wait")
        return value.flatMap(Double.init)
    }

    /// The database's clock now, in seconds since 1970: what `dueFeeds(asOf:)` compares with.
    public func databaseTime() throws(FleetError) -> Double {
        Double(try connection.query("SELECT extract(epoch FROM now())::float8 AS t").value(0, "t") ?? "") ?? 0
    }

    /// Feeds due at `time` (the database's clock) and not fetched since, by any node (`fetched`:
    /// those this node did, whatever the date its clock gave them): what a pass of `once` is not
    /// done without, though a host's gap or another node's lease holds them back for now.
    /// `outsideHostHolds`: only those whose host is not held past its gap (`holdHosts`).
    public func dueFeeds(asOf time: Double, excluding fetched: Set<String>,
                         outsideHostHolds: Bool = false) throws(FleetError) -> Int {
        // Of the feeds the fleet has: a removed or disabled feed's state stays, due for good.
        let held = outsideHostHolds ? """
            AND NOT EXISTS (SELECT 1 FROM hosts h WHERE h.host = f.host AND h.lease_node IS NULL
                            AND h.available_at > clock_timestamp() + make_interval(secs => h.gap + 1))
            """ : ""
        return Int(try connection.query("""
            SELECT count(*) AS n FROM feed_state s JOIN feeds f ON f.name = s.feed
            WHERE NOT s.gone AND s.next_due <= to_timestamp($1::float8) AND NOT (s.feed = ANY($2::text[])) \(held)
            """, ["\(time)", PostgresArray.literal(Array(fetched))]).value(0, "n") ?? "0") ?? 0
    }

    private var claimSQL: String {
        """
        WITH candidates AS (
            SELECT h.host FROM hosts h
            WHERE (h.lease_node IS NULL OR h.lease_until < now() OR h.lease_node = $1)
              AND h.available_at <= clock_timestamp()
              AND EXISTS (SELECT 1 FROM feeds f JOIN feed_state s ON s.feed = f.name
                          WHERE f.host = h.host AND NOT s.gone AND s.next_due <= now()
                            AND (s.lease_node IS NULL OR s.lease_until < now()))
            ORDER BY h.available_at
            LIMIT $2::integer
            FOR UPDATE OF h SKIP LOCKED
        ), leased AS (
            UPDATE hosts h SET lease_node = $1, lease_until = now() + make_interval(secs => $3::float8)
            FROM candidates c WHERE h.host = c.host
            RETURNING h.host
        ), ranked AS (
            SELECT s.feed, s.next_due,
                   row_number() OVER (PARTITION BY f.host ORDER BY s.next_due, f.position) AS n
            FROM feeds f JOIN feed_state s ON s.feed = f.name JOIN leased l ON l.host = f.host
            WHERE NOT s.gone AND s.next_due <= now() AND (s.lease_node IS NULL OR s.lease_until < now())
        ), chosen AS (
            SELECT feed FROM ranked WHERE n <= $4::integer ORDER BY next_due LIMIT $5::integer
        )
        UPDATE feed_state s SET lease_node = $1, lease_until = now() + make_interval(secs => $3::float8)
        FROM chosen c, feeds f
        WHERE s.feed = c.feed AND f.name = s.feed
        RETURNING s.feed, f.host, f.config::text AS config, s.state::text AS state,
                  (SELECT gap FROM hosts WHERE hosts.host = f.host) AS gap
        """
    }
}

extension FleetDatabase {
    /// Hosts that throttled several feeds, with the seconds they asked every client to wait:
    /// no node leases them before (a release keeps the later of the hold and its gap). Seconds,
    /// counted on the database's clock, not a time of this node's, whose clock may be off.
    public func holdHosts(_ holds: [String: Double]) throws(FleetError) {
        for (host, seconds) in holds {
            try connection.query("""
                UPDATE hosts SET available_at = greatest(available_at, clock_timestamp() + make_interval(secs => $2::float8))
                WHERE host = $1
                """, [host, "\(seconds)"])
        }
    }
}

extension FleetDatabase {
    /// Pushes back feeds this node claimed but did not fetch, so they are not claimed again at once.
    public func postpone(_ feeds: [String], seconds: Double) throws(FleetError) {
        guard !feeds.isEmpty else { return }
        try connection.query("""
            UPDATE feed_state SET next_due = greatest(next_due, now() + make_interval(secs => $3::float8))
            WHERE feed = ANY($1::text[]) AND lease_node = $2
            """, [PostgresArray.literal(feeds), node, "\(seconds)"])
    }
}

extension FleetDatabase {
    /// Gives back these hosts and this node's feeds on them, as `releaseLeases` does for all:
    /// a node crawling continuously returns a host once its claimed feeds are all done, while
    /// it goes on with others.
    public func releaseLeases(hosts: [String]) throws(FleetError) {
        guard !hosts.isEmpty else { return }
        try connection.query("""
            WITH released AS (
                UPDATE hosts SET lease_node = NULL, lease_until = NULL,
                    available_at = greatest(available_at, clock_timestamp() + make_interval(secs => gap))
                WHERE lease_node = $1 AND host = ANY($2::text[])
            )
            UPDATE feed_state s SET lease_node = NULL, lease_until = NULL FROM feeds f
            WHERE f.name = s.feed AND s.lease_node = $1 AND f.host = ANY($2::text[])
            """, [node, PostgresArray.literal(hosts)])
    }
}
