public import FeedModel

/// One feed as the fleet sees it: its state and which node holds or last fetched it.
public struct FleetFeedStatus: Sendable {
    public var feed: FleetFeed
    /// nil until the first fetch.
    public var state: FeedState?
    public var nextDue: Timestamp?
    /// The node fetching it now (a lease that has not lapsed).
    public var heldBy: String?
    public var lastNode: String?
}

public struct FleetNode: Sendable {
    public var name: String
    public var hostname: String
    public var pid: Int
    public var secondsSinceSeen: Double
    /// Feeds and hosts it holds now.
    public var feeds: Int
    public var hosts: Int
}

extension FleetDatabase {
    public func feedStatuses() throws(FleetError) -> [FleetFeedStatus] {
        let rows = try connection.query("""
            SELECT f.config::text AS config, f.host, h.gap, s.state::text AS state,
                   CASE WHEN s.next_due = 'infinity' THEN NULL ELSE extract(epoch FROM s.next_due)::bigint END AS next_due,
                   CASE WHEN s.lease_until > now() THEN s.lease_node END AS held_by, s.last_node
            FROM feeds f JOIN hosts h USING (host) LEFT JOIN feed_state s ON s.feed = f.name ORDER BY f.position
            """)
        return try rows.records.map { record throws(FleetError) in
            FleetFeedStatus(
                feed: try FleetFeed(record: record),
                state: try record["state"].map { text throws(FleetError) in
                    try FleetJSON.decode(FeedState.self, from: text)
                },
                nextDue: record["next_due"].flatMap(Int64.init).map(Timestamp.init(secondsSince1970:)),
                heldBy: record["held_by"], lastNode: record["last_node"])
        }
    }

    public func nodes() throws(FleetError) -> [FleetNode] {
        try connection.query("""
            SELECT n.name, n.hostname, n.pid, extract(epoch FROM now() - n.seen_at) AS seen,
                   (SELECT count(*) FROM feed_state s WHERE s.lease_node = n.name AND s.lease_until > now()) AS feeds,
                   (SELECT count(*) FROM hosts h WHERE h.lease_node = n.name AND h.lease_until > now()) AS hosts
            FROM nodes n ORDER BY n.seen_at DESC
            """).records.map { record in
            FleetNode(name: record["name"] ?? "", hostname: record["hostname"] ?? "",
                      pid: Int(record["pid"] ?? "") ?? 0, secondsSinceSeen: Double(record["seen"] ?? "") ?? 0,
                      feeds: Int(record["feeds"] ?? "") ?? 0, hosts: Int(record["hosts"] ?? "") ?? 0)
        }
    }
}
