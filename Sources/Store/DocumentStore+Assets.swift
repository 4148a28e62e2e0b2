internal import FeedModel
internal import Glibc

/// Kept images (`images: local`): content-addressed files under `assets/`, one copy for every
/// document that shows it, named by the first 16 hex digits of their bytes' SHA-256 and an
/// extension from their type (`assets/ab/abcdef0123456789.jpg`).
///
/// Write order, as for documents: each file is written under `tmp/`, one syncfs makes them
/// durable, each is renamed under its name, one more syncfs makes the names durable; only then
/// are the rows naming them committed, and only after that is a document pointing at them
/// stored. A crash leaves temp files (removed on open) or assets no document uses yet (listed
/// by `verify`, used by the next pass that needs them), never a document without its image.
extension DocumentStore {
    /// An image's bytes and the extension its type gets (`png`, `jpg`, ...).
    public struct NewAsset: Sendable, Hashable {
        public var bytes: [UInt8]
        public var fileExtension: String

        public init(bytes: [UInt8], fileExtension: String) {
            self.bytes = bytes
            self.fileExtension = fileExtension
        }

        /// Its name beneath `assets/`.
        public var name: String {
            let digest = String(FileDigest.of(bytes).prefix(16))
            return String(digest.prefix(2)) + "/" + digest + "." + fileExtension
        }
    }

    /// One item's use of one asset.
    public struct AssetReference: Sendable, Hashable {
        public var feed: String
        public var item: String
        public var url: String
        public var asset: String

        public init(feed: String, item: String, url: String, asset: String) {
            self.feed = feed
            self.item = item
            self.url = url
            self.asset = asset
        }
    }

    /// Makes `assets` durable under their names (those already there are left as they are),
    /// then records `references`. Returns nothing until both are done.
    public func keep(_ assets: [NewAsset], references: [AssetReference]) throws(StoreError) {
        let root = try folder.folder("assets")
        let temporary = try folder.folder("tmp")
        var staged: [(temp: String, name: String)] = []
        for (offset, asset) in Set(assets).enumerated() where !hasAsset(asset.name) {
            let temp = "asset-\(getpid())-\(offset).tmp"
            try Self.writeBytes(asset.bytes, named: temp, in: temporary)
            staged.append((temp, asset.name))
        }
        if !staged.isEmpty {
            try folder.syncFileSystem()
            for (temp, name) in staged {
                let target = try root.folder(DocumentLayout.folder(of: name))
                try FileSystem.rename(temp, in: temporary, to: DocumentLayout.fileName(of: name), in: target)
            }
            try folder.syncFileSystem()
        }
        guard !references.isEmpty else { return }
        let insert = try indexDatabase.prepare(
            "INSERT OR REPLACE INTO document_assets (feed, item, url, asset) VALUES (?1, ?2, ?3, ?4)")
        try indexDatabase.transaction { () throws(StoreError) in
            for reference in references {
                try insert.run([.text(reference.feed), .text(reference.item), .text(reference.url), .text(reference.asset)])
            }
        }
    }

    /// Whether the asset `name` (`ab/abcdef0123456789.jpg`) is a file under `assets/`.
    public func hasAsset(_ name: String) -> Bool {
        guard let file = folder.locate("assets/" + name) else { return false }
        return file.folder.kind(of: file.name) == .file
    }

    /// Assets already kept for these remote URLs by the feed's own items, whose files are
    /// there: a URL the feed showed before is not fetched again. Only the feed's own: another
    /// feed may reach addresses this one may not (`allow_private_networks`).
    public func keptAssets(for urls: [String], feed: String) throws(StoreError) -> [String: String] {
        guard !urls.isEmpty else { return [:] }
        let lookup = try indexDatabase.prepare("SELECT asset FROM document_assets WHERE url = ?1 AND feed = ?2 LIMIT 1")
        var found: [String: String] = [:]
        for url in urls {
            var asset: String?
            try lookup.run([.text(url), .text(feed)]) { row in asset = row.text(0) }
            if let asset, hasAsset(asset) { found[url] = asset }
        }
        return found
    }

    /// The assets of the item stored in the document `short` (remote URL → asset) whose files
    /// are there, for `rerender`.
    public func keptAssets(forDocument short: String) throws(StoreError) -> [String: String] {
        var found: [String: String] = [:]
        try indexDatabase.prepare("""
            SELECT a.url, a.asset FROM document_assets a JOIN item_files f ON f.feed = a.feed AND f.item = a.item
            WHERE f.document = ?1
            """).run([.text(short)]) { row in
                if let url = row.text(0), let asset = row.text(1), self.hasAsset(asset) { found[url] = asset }
            }
        return found
    }

    private static func writeBytes(_ bytes: [UInt8], named name: String, in folder: StoreFolder) throws(StoreError) {
        let path = folder.path + "/" + name
        folder.remove(name)
        let descriptor = SystemCalls.openat(folder.descriptor, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io(path: path, operation: "create", errno: errno) }
        var written = 0
        var failure: Int32?
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let result = SystemCalls.write(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                written += result
            }
        }
        let closed = Glibc.close(descriptor) == 0 ? nil : errno
        if let code = failure ?? closed {
            folder.remove(name)
            throw .io(path: path, operation: "write", errno: code)
        }
    }
}

extension DocumentStore {
    /// The assets the items of these documents use: asked before they are forgotten.
    /// Set by set, through a temporary table of the shorts: `item_files` has no index by document
    /// (see `Tombstones.bury`), and a lookup per document scanned it once per document (`keep:`
    /// forgetting 1,000 of a feed's 40,000 documents: 15.6 s).
    func assets(usedBy shorts: [String]) throws(StoreError) -> Set<String> {
        guard !shorts.isEmpty else { return [] }
        try indexDatabase.execute("CREATE TEMP TABLE IF NOT EXISTS asset_users (short TEXT PRIMARY KEY) WITHOUT ROWID;")
        let add = try indexDatabase.prepare("INSERT OR IGNORE INTO temp.asset_users (short) VALUES (?1)")
        let lookup = try indexDatabase.prepare("""
            SELECT DISTINCT a.asset FROM item_files f JOIN document_assets a ON a.feed = f.feed AND a.item = f.item
            WHERE f.document IN (SELECT short FROM temp.asset_users)
            """)
        var assets: Set<String> = []
        try indexDatabase.transaction { () throws(StoreError) in
            try indexDatabase.execute("DELETE FROM temp.asset_users;")
            for short in shorts { try add.run([.text(short)]) }
            try lookup.run([]) { row in row.text(0).map { _ = assets.insert($0) } }
            try indexDatabase.execute("DELETE FROM temp.asset_users;")
        }
        return assets
    }

    /// Removes those of `candidates` no stored document uses any more (after a forget or `keep:`),
    /// and no document on its way to the store either, with
    /// their rows; returns the paths removed. The document goes first, then its asset: a crash
    /// between leaves an unreferenced asset, never a document without its image.
    func removeUnused(_ candidates: Set<String>) throws(StoreError) -> [String] {
        guard !candidates.isEmpty else { return [] }
        var live: Set<String> = []
        try indexDatabase.prepare(AssetTables.kept).run([]) { row in row.text(0).map { _ = live.insert($0) } }
        let unused = candidates.subtracting(live).sorted()
        guard !unused.isEmpty else { return [] }
        let drop = try indexDatabase.prepare("DELETE FROM document_assets WHERE asset = ?1")
        try indexDatabase.transaction { () throws(StoreError) in
            for asset in unused { try drop.run([.text(asset)]) }
        }
        var removed: [String] = []
        for asset in unused {
            guard let file = folder.locate("assets/" + asset), file.folder.remove(file.name) else { continue }
            removed.append("assets/" + asset)
        }
        return removed
    }
}
