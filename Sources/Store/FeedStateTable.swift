internal import FeedModel

/// Reads and writes `FeedState` rows.
final class FeedStateTable {
    private let select: SQLiteStatement
    private let selectAll: SQLiteStatement
    private let upsert: SQLiteStatement

    static let columns = """
        url, etag, last_modified, last_fetch, last_status, last_error, consecutive_errors,
        next_due, documents, next_reason, adaptive_interval, feed
        """

    init(database: SQLiteDatabase) throws(StoreError) {
        select = try database.prepare("SELECT \(Self.columns) FROM feed_state WHERE feed = ?1")
        selectAll = try database.prepare("SELECT \(Self.columns) FROM feed_state ORDER BY feed")
        upsert = try database.prepare("""
            INSERT INTO feed_state (feed, url, etag, last_modified, last_fetch, last_status, last_error,
                                    consecutive_errors, next_due, documents, next_reason, adaptive_interval)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
            ON CONFLICT (feed) DO UPDATE SET url = excluded.url, etag = excluded.etag,
                last_modified = excluded.last_modified, last_fetch = excluded.last_fetch,
                last_status = excluded.last_status, last_error = excluded.last_error,
                consecutive_errors = excluded.consecutive_errors, next_due = excluded.next_due,
                documents = excluded.documents, next_reason = excluded.next_reason,
                adaptive_interval = excluded.adaptive_interval
            """)
    }

    func state(of feed: String) throws(StoreError) -> FeedState? {
        var state: FeedState?
        try select.run([.text(feed)]) { state = Self.state(from: $0) }
        return state
    }

    /// Every feed's state, by name.
    func all() throws(StoreError) -> [FeedState] {
        var states: [FeedState] = []
        try selectAll.run([]) { states.append(Self.state(from: $0)) }
        return states
    }

    private static func state(from row: SQLiteStatement) -> FeedState {
        var state = FeedState(
            feed: row.text(11) ?? "", url: row.text(0) ?? "",
            validators: ConditionalHeaders(etag: row.text(1), lastModified: row.text(2)),
            lastFetch: row.integer(3).map(Timestamp.init(secondsSince1970:)),
            lastStatus: row.integer(4).map { Int($0) }, lastError: row.text(5),
            consecutiveErrors: Int(row.integer(6) ?? 0),
            nextDue: row.integer(7).map(Timestamp.init(secondsSince1970:)),
            documents: Int(row.integer(8) ?? 0))
        state.nextReason = row.text(9)
        state.adaptiveInterval = row.double(10)
        return state
    }

    func save(_ state: FeedState) throws(StoreError) {
        try upsert.run([
            .text(state.feed), .text(state.url), .text(state.validators.etag), .text(state.validators.lastModified),
            .integer(state.lastFetch?.secondsSince1970), .integer(state.lastStatus.map { Int64($0) }),
            .text(state.lastError), .integer(Int64(state.consecutiveErrors)),
            .integer(state.nextDue?.secondsSince1970), .integer(Int64(state.documents)),
            .text(state.nextReason), .real(state.adaptiveInterval),
        ])
    }
}
