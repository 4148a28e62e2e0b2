/// The index's tables for revisions and re-rendering, added by one self-contained migration step
/// (`migration`) and created with the rest in a new index (`create`):
/// - `item_files`: per feed and item identity, the document whose file holds the item (its
///   short hash names the file, so the path stays when the text changes), the content hash
///   of the version in it now, and its link (a different link under the same identity is
///   another story: see `RevisionPlan`). No index by document: a cold pass's random hashes
///   dirtied its pages all over in every batch, a third of the index's writes; the rare lookups by
///   document (`store forget`) scan the table.
/// - `item_versions`: later versions of an item seen under `replace` or `keep-first`, and
///   whether they were written.
/// - `sources`: each document's source values, compressed (`SourceCoding`), for `rerender`.
/// - `rewrites`: documents being rewritten (a replacement or a re-render): their new text waits,
///   durable, in a temp file; opening the store finishes what a crash interrupted.
/// - `store_profile`: the output settings the documents were written with.
/// - `adoptions`: documents a feed adopted (`RevisionIndex.linkDuplicates`): its corrections
///   replace them, but its `keep:` never forgets them (another feed may have stored them).
/// - `held_versions`: each version a replaced document has held (its short hash), with the item's
///   own date of that version: for the dedupe (a feed a poll behind brings a text the post held)
///   and for `keep:`, which ranks a corrected post by its latest version's date.
/// - `readers`: documents another feed stored first that a feed found as its own item's text (a
///   planet polled before the blog, a scraper before its victim): the storing feed's `keep:` does
///   not forget them. (Its corrections still replace them: a blog's typo fix is one post, read by
///   its planet too, and which of two feeds is the original the store cannot tell.) With the
///   reading feed's item (schema 17), for `ReaderVersions`.
/// - `tombstone_scopes`: tombstones a feed's `keep:` made, which hold back that feed's documents
///   only: another feed carrying the text stores it (one `store forget` made holds every feed's).
enum RevisionTables {
    static let create = """
        CREATE TABLE IF NOT EXISTS item_files (
            feed TEXT NOT NULL, item TEXT NOT NULL, document TEXT NOT NULL, hash TEXT NOT NULL, link TEXT,
            PRIMARY KEY (feed, item)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS item_versions (
            feed TEXT NOT NULL, item TEXT NOT NULL, hash TEXT NOT NULL, seen_at INTEGER NOT NULL,
            written INTEGER NOT NULL, PRIMARY KEY (feed, item, hash)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS sources (
            document TEXT PRIMARY KEY, feed TEXT NOT NULL, item TEXT NOT NULL, data BLOB NOT NULL
        );
        CREATE TABLE IF NOT EXISTS rewrites (
            document TEXT PRIMARY KEY, temp TEXT NOT NULL, path TEXT NOT NULL, old_path TEXT NOT NULL,
            date INTEGER NOT NULL, bytes INTEGER NOT NULL,
            feed TEXT, item TEXT, hash TEXT, link TEXT, data BLOB, position INTEGER NOT NULL, digest TEXT
        );
        CREATE TABLE IF NOT EXISTS store_profile (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

        """ + adoptionTables + sharingTables

    /// Schema 14 (see `readers` and `tombstone_scopes` above).
    static let sharingTables = """
        CREATE TABLE IF NOT EXISTS readers (short TEXT NOT NULL, feed TEXT NOT NULL, PRIMARY KEY (short, feed)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS tombstone_scopes (short TEXT PRIMARY KEY, feed TEXT NOT NULL) WITHOUT ROWID;

        """

    /// Schema 17: the item of the reading feed each `readers` row stands for, so that the reader's
    /// other text of that item is known for one of the post (`ReaderVersions`).
    static let readerItems = """
        ALTER TABLE readers ADD COLUMN item TEXT;
        CREATE INDEX IF NOT EXISTS readers_item ON readers (feed, item);

        """

    /// Rows read before schema 17 take the item the storing feed stored the post for: a feed that
    /// carries another's post mostly carries it under the same guid.
    static let readerItemsFilled = """
        UPDATE readers SET item = (SELECT provenance.item FROM provenance WHERE provenance.short = readers.short
            AND provenance.feed != readers.feed LIMIT 1);

        """

    static let adoptionTables = """
        CREATE TABLE IF NOT EXISTS adoptions (feed TEXT NOT NULL, short TEXT NOT NULL, PRIMARY KEY (feed, short)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS held_versions (short TEXT PRIMARY KEY, document TEXT NOT NULL, date INTEGER) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS held_versions_document ON held_versions (document, date);

        """

    /// Schema 12: the tables above, the replaced documents' current versions filled in.
    static let adoptionMigration = adoptionTables + """
        INSERT OR IGNORE INTO held_versions (short, document)
            SELECT substr(hash, 1, 16), document FROM item_files WHERE substr(hash, 1, 16) != document;

        """

    /// From the schema before revisions: every item's latest document becomes the file it lives in.
    static let migration = create + """
        INSERT OR IGNORE INTO item_files (feed, item, document, hash)
            SELECT items.feed, items.item, items.short, provenance.hash FROM items
            JOIN provenance ON provenance.feed = items.feed AND provenance.item = items.item
                AND provenance.short = items.short;

        """
}
