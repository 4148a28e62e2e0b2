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
    /// Rows behind the cursor that were not written (by hash16): read again by every sync until
    /// they can be written or are gone, so a row repaired in place (which keeps its transaction
    /// and sequence) still reaches the folder, and a bad one is named by every run.
    public var passed: [String] = []

    public static let start = DocumentCursor(transaction: "0", sequence: 0)

    public init(transaction: String, sequence: Int64) {
        self.transaction = transaction
        self.sequence = sequence
    }

    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        transaction = try values.decode(String.self, forKey: .transaction)
        sequence = try values.decode(Int64.self, forKey: .sequence)
        // A cursor written before rows were remembered has none.
        passed = try values.decodeIfPresent([String].self, forKey: .passed) ?? []
    }
}

/// Documents from the shared database, with the time the fleet stored them.
public struct FleetDocumentPage: Sendable {
    public var documents: [Document]
    /// Rows that cannot be written as files (see `DocumentRowCheck`); the cursor is past them too.
    public var refused: [RefusedDocumentRow]
    /// Where the next page starts (unchanged when this page is empty).
    public var cursor: DocumentCursor
    /// The documents that hold a later version of their item than the one that named them, by hash16.
    public var revised: [String: RevisedDocument] = [:]
    /// Where the node that wrote each document placed it (its output's layout), by hash16.
    public var paths: [String: String] = [:]

    public var isEmpty: Bool { documents.isEmpty && refused.isEmpty }
}

/// A row replaced by a later version of its item (`revisions: replace`): the file keeps the place
/// its first version's date gave it, and holds the content hash `current`.
public struct RevisedDocument: Sendable, Hashable {
    public var placed: Timestamp
    public var current: String
}

/// A `documents` row `posts sync` does not write, named by its key, and why.
public struct RefusedDocumentRow: Sendable, Hashable, CustomStringConvertible {
    public var hash16: String
    public var reason: String

    public var description: String { "the documents row with hash16 '\(hash16)' is not written: \(reason)" }
}

extension FleetDatabase {
    /// Up to `limit` documents after `cursor`, oldest first.
    public func documents(after cursor: DocumentCursor, limit: Int) throws(FleetError) -> FleetDocumentPage {
        let rows = try connection.query("""
            SELECT hash16, hash, bytes, date, body, feed, item, xid::text AS xid, seq, placed, current_hash, path FROM documents
            WHERE (xid, seq) > ($1::xid8, $2::bigint) AND xid < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY xid, seq LIMIT $3::integer
            """, [cursor.transaction, "\(cursor.sequence)", "\(limit)"])
        var page = FleetDocumentPage(documents: [], refused: [], cursor: cursor)
        try add(rows, to: &page)
        return page
    }

    /// The rows with these hash16s, wherever they are in commit order (those passed over before).
    /// The page's cursor is `cursor`: reading them again moves nothing.
    public func documents(keyed keys: [String], cursor: DocumentCursor) throws(FleetError) -> FleetDocumentPage {
        var page = FleetDocumentPage(documents: [], refused: [], cursor: cursor)
        // One at a time: a handful of rows, and no array literal to quote a hostile key into.
        for key in keys {
            let rows = try connection.query("""
                SELECT hash16, hash, bytes, date, body, feed, item, xid::text AS xid, seq, placed, current_hash, path FROM documents
                WHERE hash16 = $1
                """, [key])
            try add(rows, to: &page)
        }
        page.cursor = cursor
        return page
    }

    private func add(_ rows: PostgresRows, to page: inout FleetDocumentPage) throws(FleetError) {
        for record in rows.records {
            guard let hash16 = record["hash16"], let hash = record["hash"], let date = record["date"].flatMap(Int64.init),
                  let body = record["body"], let feed = record["feed"], let item = record["item"],
                  let xid = record["xid"], let seq = record["seq"].flatMap(Int64.init) else {
                throw .malformed("a documents row with a NULL column")
            }
            page.cursor = DocumentCursor(transaction: xid, sequence: seq)
            let placed = record["placed"].flatMap(Int64.init)
            if let reason = DocumentRowCheck.problem(hash16: hash16, hash: hash, bytes: record["bytes"].flatMap(Int.init),
                                                     body: body, dates: [date] + (placed.map { [$0] } ?? [])) {
                page.refused.append(RefusedDocumentRow(hash16: hash16, reason: reason))
                continue
            }
            page.documents.append(Document(feed: feed, itemIdentity: item, contentHash: hash,
                                           date: Timestamp(secondsSince1970: date), text: body))
            page.paths[hash16] = record["path"]
            if let current = record["current_hash"], current != hash {
                page.revised[hash16] = RevisedDocument(placed: Timestamp(secondsSince1970: placed ?? date), current: current)
            }
        }
    }

    public func documentCount() throws(FleetError) -> Int {
        Int(try connection.query("SELECT count(*) AS n FROM documents").value(0, "n") ?? "0") ?? 0
    }
}
