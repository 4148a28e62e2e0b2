/// The shared database's tables, versioned. Every node applies the missing migrations on start,
/// one node at a time (an advisory lock), so a fleet starting at once migrates once.
enum FleetSchema {
    /// Migration N brings the schema from version N-1 to N. Append only; never edit a shipped one.
    static let migrations: [String] = [
        """
        CREATE TABLE feeds (
            name text PRIMARY KEY,
            url text NOT NULL,
            host text NOT NULL,             -- politeness budget: host name or host rule pattern
            config jsonb NOT NULL,          -- the feed's settings from feeds.yaml
            position integer NOT NULL,      -- order in the file, for status
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX feeds_host ON feeds (host);
        CREATE TABLE feed_state (
            feed text PRIMARY KEY,
            state jsonb,                    -- FeedState; NULL until the first fetch
            next_due timestamptz NOT NULL DEFAULT now(),
            gone boolean NOT NULL DEFAULT false,
            lease_node text,                -- the node fetching it now, until lease_until
            lease_until timestamptz,
            last_node text                  -- the node that fetched it last
        );
        CREATE INDEX feed_state_due ON feed_state (next_due) WHERE NOT gone;
        CREATE TABLE hosts (
            host text PRIMARY KEY,
            lease_node text,                -- only this node sends requests to the host until lease_until
            lease_until timestamptz,
            gap double precision NOT NULL DEFAULT 0,                -- minimum seconds between two requests
            available_at timestamptz NOT NULL DEFAULT '-infinity'   -- the gap after the last lease, across nodes
        );
        CREATE TABLE documents (
            hash16 text PRIMARY KEY,        -- the file name: the first 16 hex digits of the content hash
            hash text NOT NULL,
            path text NOT NULL,
            date bigint NOT NULL,
            bytes integer NOT NULL,
            body text NOT NULL,             -- the whole document, byte for byte as its file
            feed text NOT NULL,
            item text NOT NULL,
            revises text,                   -- hash16 of the document this one replaces (same feed and item)
            node text NOT NULL,
            stored_at timestamptz NOT NULL DEFAULT now(),
            seq bigserial NOT NULL,
            xid xid8 NOT NULL DEFAULT pg_current_xact_id()  -- posts sync's cursor: see FleetDocuments
        );
        CREATE INDEX documents_item ON documents (feed, item, seq);
        CREATE INDEX documents_cursor ON documents (xid, seq);
        CREATE TABLE nodes (
            name text PRIMARY KEY,
            hostname text NOT NULL,
            pid integer NOT NULL,
            started_at timestamptz NOT NULL,
            seen_at timestamptz NOT NULL
        );
        """,
        // `crawler store forget` on the fleet: a forgotten document's hash and item, never stored again.
        """
        CREATE TABLE tombstones (
            hash16 text PRIMARY KEY,
            feed text NOT NULL,
            item text NOT NULL,
            path text NOT NULL,
            forgotten_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX tombstones_item ON tombstones (feed, item);
        """,
        // Revisions (`revisions: replace | keep-first`) and `store rerender` on the fleet: see FleetRevisions.
        """
        CREATE TABLE item_files (
            feed text NOT NULL,
            item text NOT NULL,
            document text NOT NULL,         -- hash16 of the documents row (and file) the item lives in
            hash text NOT NULL,             -- content hash of the version in it now: the compare-and-set key
            link text,                      -- another link under the same identity is another story
            version integer NOT NULL DEFAULT 1,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (feed, item)
        );
        CREATE INDEX item_files_document ON item_files (document);
        CREATE TABLE item_versions (
            feed text NOT NULL,
            item text NOT NULL,
            hash text NOT NULL,
            written boolean NOT NULL,       -- false: recorded only (keep-first, or another node's version won)
            node text NOT NULL,
            seen_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (feed, item, hash)
        );
        ALTER TABLE documents ADD COLUMN current_hash text;     -- the version in body now; NULL: hash's own
        ALTER TABLE documents ADD COLUMN version integer NOT NULL DEFAULT 1;
        ALTER TABLE documents ADD COLUMN updated_at timestamptz;
        ALTER TABLE documents ADD COLUMN source bytea;          -- the item's source values (Store's SourceCoding)
        ALTER TABLE documents ADD COLUMN placed bigint;         -- the date that placed the file (path); NULL: date
        INSERT INTO item_files (feed, item, document, hash)
            SELECT DISTINCT ON (feed, item) feed, item, hash16, hash FROM documents ORDER BY feed, item, seq DESC;
        """,
        // Every text a post holds or has held counts as stored (see FleetStore's insert): found by its hash.
        """
        CREATE INDEX item_versions_written ON item_versions (hash) WHERE written;
        """,
    ]

    /// Applies every migration the database lacks; refuses a database newer than this crawler.
    static func migrate(_ connection: PostgresConnection) throws(FleetError) {
        try connection.transaction { () throws(FleetError) in
            try connection.query("SELECT pg_advisory_xact_lock(hashtext('crawler schema'))")
            try connection.execute("CREATE TABLE IF NOT EXISTS crawler_schema (version integer NOT NULL)")
            let current = Int(try connection.query("SELECT coalesce(max(version), 0) AS v FROM crawler_schema")
                .value(0, "v") ?? "0") ?? 0
            guard current <= migrations.count else { throw .schemaTooNew(found: current, known: migrations.count) }
            for (offset, migration) in migrations.enumerated().dropFirst(current) {
                try connection.execute(migration)
                try connection.query("INSERT INTO crawler_schema (version) VALUES ($1)", ["\(offset + 1)"])
            }
        }
    }
}
