internal import FeedModel

/// Reads and writes `FeedState` rows.
final class FeedStateTable {
    private let select: SQLiteStatement
    private let selectAll: SQLiteStatement
    private let upsert: SQLiteStatement

    static let columns = """
        url, etag, last_modified, last_fetch, last_status, last_error, consecutive_errors,
        next_due, documents, next_reason, adaptive_interval, feed, gone, pending_redirect,
        pending_redirect_count, adopted_url, body_fingerprint, last_unconditional, not_before,
        stored_day, stored_day_documents, last_new, new_item_gaps, feed_hints
        """

    init(database: SQLiteDatabase) throws(StoreError) {
        select = try database.prepare("SELECT \(Self.columns) FROM feed_state WHERE feed = ?1")
        selectAll = try database.prepare("SELECT \(Self.columns) FROM feed_state ORDER BY feed")
        upsert = try database.prepare("""
            INSERT INTO feed_state (feed, url, etag, last_modified, last_fetch, last_status, last_error,
                                    consecutive_errors, next_due, documents, next_reason, adaptive_interval,
                                    gone, pending_redirect, pending_redirect_count, adopted_url, body_fingerprint,
                                    last_unconditional, not_before, stored_day, stored_day_documents, last_new, new_item_gaps,
                                    feed_hints)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
                    ?22, ?23, ?24)
            ON CONFLICT (feed) DO UPDATE SET url = excluded.url, etag = excluded.etag,
                last_modified = excluded.last_modified, last_fetch = excluded.last_fetch,
                last_status = excluded.last_status, last_error = excluded.last_error,
                consecutive_errors = excluded.consecutive_errors, next_due = excluded.next_due,
                documents = excluded.documents, next_reason = excluded.next_reason,
                adaptive_interval = excluded.adaptive_interval, gone = excluded.gone,
                pending_redirect = excluded.pending_redirect, pending_redirect_count = excluded.pending_redirect_count,
                adopted_url = excluded.adopted_url, body_fingerprint = excluded.body_fingerprint,
                last_unconditional = excluded.last_unconditional, not_before = excluded.not_before,
                stored_day = excluded.stored_day, stored_day_documents = excluded.stored_day_documents,
                last_new = excluded.last_new, new_item_gaps = excluded.new_item_gaps, feed_hints = excluded.feed_hints
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

    /// The states of the feeds in `feeds`, read in one scan; other rows are skipped undecoded.
    func states(of feeds: Set<String>) throws(StoreError) -> [String: FeedState] {
        var states: [String: FeedState] = [:]
        states.reserveCapacity(feeds.count)
        try selectAll.run([]) { row in
            guard let feed = row.text(11), feeds.contains(feed) else { return }
            states[feed] = Self.state(from: row, feed: feed)
        }
        return states
    }

    /// `feed`: the name in column 11, when the caller has read it already.
    private static func state(from row: SQLiteStatement, feed: String? = nil) -> FeedState {
        var state = FeedState(
            feed: feed ?? row.text(11) ?? "", url: row.text(0) ?? "",
            validators: ConditionalHeaders(etag: row.text(1), lastModified: row.text(2)),
            lastFetch: row.integer(3).map(Timestamp.init(secondsSince1970:)),
            lastStatus: row.integer(4).map { Int($0) }, lastError: row.text(5),
            consecutiveErrors: Int(row.integer(6) ?? 0),
            nextDue: row.integer(7).map(Timestamp.init(secondsSince1970:)),
            documents: Int(row.integer(8) ?? 0))
        state.nextReason = row.text(9)
        state.adaptiveInterval = row.double(10)
        state.gone = (row.integer(12) ?? 0) != 0
        state.pendingRedirect = row.text(13)
        state.pendingRedirectCount = Int(row.integer(14) ?? 0)
        state.adoptedURL = row.text(15)
        state.bodyFingerprint = row.text(16)
        state.lastUnconditional = row.integer(17).map(Timestamp.init(secondsSince1970:))
        state.notBefore = row.integer(18).map(Timestamp.init(secondsSince1970:))
        if let day = row.integer(19) { state.storedToday = DailyCount(day: day, documents: Int(row.integer(20) ?? 0)) }
        state.lastNew = row.integer(21).map(Timestamp.init(secondsSince1970:))
        state.newItemGaps = (row.text(22) ?? "").split(separator: ",").compactMap { Int64($0) }
        state.feedHints = row.text(23)
        return state
    }

    func save(_ state: FeedState) throws(StoreError) {
        try upsert.run([
            // Without passwords: the index outlives the feeds.yaml line, and copies of it travel.
            .text(state.feed), .text(SecretRedaction.redact(state.url)), .text(state.validators.etag),
            .text(state.validators.lastModified),
            .integer(state.lastFetch?.secondsSince1970), .integer(state.lastStatus.map { Int64($0) }),
            .text(state.lastError.map(SecretRedaction.redact)), .integer(Int64(state.consecutiveErrors)),
            .integer(state.nextDue?.secondsSince1970), .integer(Int64(state.documents)),
            .text(state.nextReason), .real(state.adaptiveInterval), .integer(state.gone ? 1 : 0),
            .text(state.pendingRedirect.map(URLUserInfo.removed)), .integer(Int64(state.pendingRedirectCount)),
            .text(state.adoptedURL.map(URLUserInfo.removed)),
            .text(state.bodyFingerprint), .integer(state.lastUnconditional?.secondsSince1970),
            .integer(state.notBefore?.secondsSince1970),
            .integer(state.storedToday?.day), .integer(state.storedToday.map { Int64($0.documents) }),
            .integer(state.lastNew?.secondsSince1970),
            .text(state.newItemGaps.isEmpty ? nil : state.newItemGaps.map(String.init).joined(separator: ",")),
            .text(state.feedHints),
        ])
    }
}
