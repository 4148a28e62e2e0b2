public import FeedModel

/// `crawler store forget` against the fleet's database: the documents' rows go and a tombstone
/// each takes their place, in one transaction; `FleetStore` inserts nothing a tombstone names
/// (by hash, or by feed and item), and `posts sync` removes the forgotten files from its folder.
extension FleetDatabase {
    /// Forgets the documents matching every criterion given (nil: not a criterion); returns
    /// their hash16 and path. With `dryRun`, only finds them.
    public func forget(hashes: [String]?, feed: String?, before: Timestamp?,
                       dryRun: Bool = false) throws(FleetError) -> [(hash16: String, path: String)] {
        let condition = """
            ($1::text[] IS NULL OR hash16 = ANY($1::text[])) AND ($2::text IS NULL OR feed = $2::text)
            AND ($3::bigint IS NULL OR date < $3::bigint)
            """
        let sql = dryRun ? "SELECT hash16, path FROM documents WHERE \(condition) ORDER BY path" : """
            WITH gone AS (
                DELETE FROM documents WHERE \(condition) RETURNING hash16, feed, item, path
            ), unlinked AS (
                DELETE FROM item_files f USING gone WHERE f.document = gone.hash16
            ), buried AS (
                INSERT INTO tombstones (hash16, feed, item, path) SELECT hash16, feed, item, path FROM gone
                ON CONFLICT (hash16) DO NOTHING
            )
            SELECT hash16, path FROM gone ORDER BY path
            """
        let rows = try connection.query(sql, [hashes.map(PostgresArray.literal), feed,
                                              before.map { "\($0.secondsSince1970)" }])
        return rows.records.compactMap { record in
            guard let hash16 = record["hash16"], let path = record["path"] else { return nil }
            return (hash16, path)
        }
    }

    /// Every forgotten document's hash16, for `posts sync`.
    public func forgottenHashes() throws(FleetError) -> [String] {
        try connection.query("SELECT hash16 FROM tombstones ORDER BY hash16").rows.compactMap { $0.first ?? nil }
    }
}
