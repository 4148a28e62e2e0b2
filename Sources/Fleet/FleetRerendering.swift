public import FeedModel
internal import Store

/// `crawler store rerender` against the fleet: the documents rows rendered again from the source
/// values kept beside them (`documents.source`, the same encoding as a store's index). A row
/// rewritten gets a new transaction id and sequence, so the next `posts sync` brings the new text
/// (and place) down to its folder.
public struct FleetSourceRow: Sendable {
    public var hash16: String
    /// The content hash of the version in the row now: the compare-and-set key of its rewrite.
    public var version: String
    public var path: String
    public var body: String
    public var feed: String
    /// nil for a row stored before the fleet kept source values.
    public var source: SourceValues?
}

/// A row's new text and place.
public struct FleetRerendered: Sendable {
    public var hash16: String
    public var version: String
    public var body: String
    public var date: Timestamp
    public var path: String

    public init(hash16: String, version: String, body: String, date: Timestamp, path: String) {
        self.hash16 = hash16
        self.version = version
        self.body = body
        self.date = date
        self.path = path
    }
}

extension FleetDatabase {
    /// Up to `limit` rows after the hash16 `after`, in hash16 order; of one feed if named.
    public func sourceRows(feed: String?, after: String, limit: Int) throws(FleetError) -> [FleetSourceRow] {
        let rows = try connection.query("""
            SELECT hash16, coalesce(current_hash, hash) AS version, path, body, feed, encode(source, 'hex') AS source
            FROM documents WHERE hash16 > $1 AND ($2::text IS NULL OR feed = $2::text)
            ORDER BY hash16 LIMIT $3::integer
            """, [after, feed, "\(limit)"])
        return try rows.records.map { record throws(FleetError) in
            guard let hash16 = record["hash16"], let version = record["version"], let path = record["path"],
                  let body = record["body"], let feed = record["feed"] else {
                throw .malformed("a documents row with a NULL column")
            }
            return FleetSourceRow(hash16: hash16, version: version, path: path, body: body, feed: feed,
                                  source: record["source"].flatMap(Self.bytes(hex:)).flatMap(SourceCoding.decode))
        }
    }

    /// Rewrites the rows still holding the version they were rendered from; returns how many.
    /// A row a node replaced meanwhile keeps its new version (the next rerender renders that one).
    public func rerender(_ rows: [FleetRerendered]) throws(FleetError) -> Int {
        guard !rows.isEmpty else { return 0 }
        return try connection.query("""
            UPDATE documents d SET body = x.body, bytes = x.bytes, date = x.date, placed = NULL, path = x.path, updated_at = now(),
                node = $1, xid = pg_current_xact_id(), seq = nextval('documents_seq_seq')
            FROM unnest($2::text[], $3::text[], $4::text[], $5::integer[], $6::bigint[], $7::text[])
                AS x (hash16, version, body, bytes, date, path)
            WHERE d.hash16 = x.hash16 AND coalesce(d.current_hash, d.hash) = x.version
            """, [node, PostgresArray.literal(rows.map(\.hash16)), PostgresArray.literal(rows.map(\.version)),
                  PostgresArray.literal(rows.map(\.body)), PostgresArray.literal(rows.map { Int64($0.body.utf8.count) }),
                  PostgresArray.literal(rows.map { $0.date.secondsSince1970 }), PostgresArray.literal(rows.map(\.path))]).affected
    }

    /// PostgreSQL's `encode(..., 'hex')` back to bytes; nil when it is not hex.
    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(of: digits[index]), let low = value(of: digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case 0x30...0x39: digit - 0x30
        case 0x61...0x66: digit - 0x61 + 10
        case 0x41...0x46: digit - 0x41 + 10
        default: nil
        }
    }
}
