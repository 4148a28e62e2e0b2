/// The index's table for kept images (`images: local`), one self-contained migration step:
/// `document_assets` says, per feed and item identity, which remote image URL its document
/// shows from which asset (`ab/abcdef0123456789.jpg`, under the store's `assets/`).
///
/// Rows are written once the asset is durable and before the document is stored, so a row may
/// name an item whose document is not stored (yet): an item's row counts only while the item's
/// file is in `documents` (through `item_files`). Rows are only added, never replaced by a
/// revision: an asset an older version used stays until the item is forgotten.
enum AssetTables {
    static let create = """
        CREATE TABLE IF NOT EXISTS document_assets (
            feed TEXT NOT NULL, item TEXT NOT NULL, url TEXT NOT NULL, asset TEXT NOT NULL,
            PRIMARY KEY (feed, item, url)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS document_assets_asset ON document_assets (asset);
        CREATE INDEX IF NOT EXISTS document_assets_url ON document_assets (url, feed);
        """

    /// The rows of items whose document is stored.
    static let live = """
        SELECT a.feed, a.item, a.url, a.asset FROM document_assets a
        JOIN item_files f ON f.feed = a.feed AND f.item = a.item
        JOIN documents d ON d.short = f.document
        WHERE d.short NOT IN (SELECT short FROM pending)
        """

    /// Assets that must stay: those of stored documents, and those of items neither stored nor
    /// forgotten yet (a document on its way to the store, whose images were kept first).
    static let kept = """
        SELECT asset FROM (\(live))
        UNION SELECT a.asset FROM document_assets a
        WHERE NOT EXISTS (SELECT 1 FROM item_files f WHERE f.feed = a.feed AND f.item = a.item)
          AND NOT EXISTS (SELECT 1 FROM tombstone_items t WHERE t.feed = a.feed AND t.item = a.item)
        """
}
