public import FeedModel

/// Where `posts sync` stopped: the last document copied, in commit order.
///
/// Documents are read in the order (inserting transaction id, sequence), and only from
/// transactions older than every transaction still running. So a document committed late by a
/// slow node can never land behind the cursor: its transaction id is at least the horizon the
/// earlier read stopped at. Resuming from the cursor therefore misses nothing and repeats nothing.
public struct DocumentCursor: Sendable, Hashable, Codable {
    public var transaction: String
    public var sequence: Int64

    public static let start = DocumentCursor(transaction: "0", sequence: 0)

    public init(transaction: String, sequence: Int64) {
        self.transaction = transaction
        self.sequence = sequence
    }
}

/// Documents from the shared database, with the time the fleet stored them.
public struct FleetDocumentPage: Sendable {
    public var documents: [Document]
    /// Where the next page starts (unchanged when this page is empty).
    public var cursor: DocumentCursor
}

extension FleetDatabase {
    /// Up to `limit` documents after `cursor`, oldest first.
    public func documents(after cursor: DocumentCursor, limit: Int) throws(FleetError) -> FleetDocumentPage {
        let rows = try connection.query("""
            SELECT hash, date, body, feed, item, xid::text AS xid, seq FROM documents
            WHERE (xid, seq) > ($1::xid8, $2::bigint) AND xid < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY xid, seq LIMIT $3::integer
            """, [cursor.transaction, "\(cursor.sequence)", "\(limit)"])
        var next = cursor
        var documents: [Document] = []
        for record in rows.records {
            guard let hash = record["hash"], let date = record["date"].flatMap(Int64.init), let body = record["body"],
                  let feed = record["feed"], let item = record["item"], let xid = record["xid"],
                  let seq = record["seq"].flatMap(Int64.init) else {
                throw .malformed("a documents row with a NULL column")
            }
            documents.append(Document(feed: feed, itemIdentity: item, contentHash: hash,
                                      date: Timestamp(secondsSince1970: date), text: body))
            next = DocumentCursor(transaction: xid, sequence: seq)
        }
        return FleetDocumentPage(documents: documents, cursor: next)
    }

    public func documentCount() throws(FleetError) -> Int {
        Int(try connection.query("SELECT count(*) AS n FROM documents").value(0, "n") ?? "0") ?? 0
    }
}
