internal import Foundation

/// A node's handle on the fleet's shared database: one connection, the schema migrated, the
/// node's name. Feeds, claims, documents and status are extensions in the files beside this one.
public final class FleetDatabase {
    public let connection: PostgresConnection
    /// This node's name in leases and records: unique in the fleet (host name and PID by default).
    public let node: String

    /// Connects and applies the migrations the database lacks.
    public init(url: String, node: String) throws(FleetError) {
        connection = try PostgresConnection(url: url)
        self.node = node
        try FleetSchema.migrate(connection)
    }

    public var displayURL: String { connection.displayURL }

    /// Takes this node's name for the life of the connection (a session's advisory lock, taken
    /// again after a reconnect): false when another process holds it. Two nodes under one name
    /// both took every lease, which is the name's (round 61: every feed fetched twice, 1 ms apart).
    public func holdName() throws(FleetError) -> Bool {
        let take = "SELECT pg_try_advisory_lock(hashtextextended('crawler node ' || $1, 0)) AS held"
        let node = self.node
        connection.afterReconnect = { connection in _ = try? connection.query(take, [node]) }
        return try connection.query(take, [node]).value(0, "held") == "t"
    }

    /// Where the name is in use, as the nodes table last saw it: `pid P on H, seen N s ago`.
    public func nameHolder() -> String? {
        let sql = "SELECT hostname, pid, round(extract(epoch FROM now() - seen_at)) AS ago FROM nodes WHERE name = $1"
        guard let rows = try? connection.query(sql, [node]), let host = rows.value(0, "hostname"),
              let pid = rows.value(0, "pid") else { return nil }
        return "pid \(pid) on \(host), seen \(rows.value(0, "ago") ?? "?") s ago"
    }

    /// Records this node as alive; `status` lists nodes with the time they were last seen.
    public func heartbeat(hostname: String, pid: Int32) throws(FleetError) {
        try connection.query("""
            INSERT INTO nodes (name, hostname, pid, started_at, seen_at) VALUES ($1, $2, $3, now(), now())
            ON CONFLICT (name) DO UPDATE SET hostname = excluded.hostname, pid = excluded.pid, seen_at = now()
            """, [node, hostname, "\(pid)"])
    }

    /// A node's default name: `host:pid`, unique while it runs.
    public static func defaultNodeName() -> String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }
}

/// JSON for the values kept in jsonb columns.
enum FleetJSON {
    static func encode<T: Encodable>(_ value: T) throws(FleetError) -> String {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw .malformed("cannot encode \(T.self): \(error)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws(FleetError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw .malformed("cannot read \(T.self) from the database: \(error)")
        }
    }
}
