/// `store verify` for kept images: every asset a stored document uses is under `assets/` and its
/// bytes hash to its name; assets no stored document uses are listed apart (a crash between
/// storing an image and its document leaves one; harmless, and reused by the next pass).
struct AssetCheck {
    let folder: StoreFolder
    let database: SQLiteDatabase

    struct Result {
        var checked = 0
        var problems: [String] = []
        var unreferenced: [String] = []
    }

    func run() throws(StoreError) -> Result {
        var result = Result()
        // A read-only look at an index no crawler with images has opened yet: nothing to check.
        guard try database.integer("SELECT count(*) FROM sqlite_master WHERE name = 'document_assets'") > 0 else {
            return result
        }
        var users: [String: (feed: String, item: String)] = [:]
        try database.prepare(AssetTables.live).run([]) { row in
            if let feed = row.text(0), let item = row.text(1), let asset = row.text(3), users[asset] == nil {
                users[asset] = (feed, item)
            }
        }
        for (asset, user) in users.sorted(by: { $0.key < $1.key }) {
            result.checked += 1
            if let problem = problem(of: asset, usedBy: user) { result.problems.append(problem) }
        }
        result.unreferenced = Self.files(in: folder).filter { users[$0] == nil }.map { "assets/" + $0 }
        return result
    }

    private func problem(of asset: String, usedBy user: (feed: String, item: String)) -> String? {
        let path = "assets/" + asset
        let used = "used by feed '\(user.feed)' item \(user.item)"
        guard let file = folder.locate(path), let bytes = FileSystem.read(file.name, in: file.folder) else {
            return "\(path): missing: \(used), not on disk; restore it from a backup, or forget the document"
        }
        let stem = DocumentLayout.fileName(of: asset).split(separator: ".").first.map(String.init) ?? ""
        guard FileDigest.of(bytes).hasPrefix(stem), !stem.isEmpty else {
            return "\(path): corrupt: its bytes do not hash to its name (\(used)); restore it from a backup"
        }
        return nil
    }

    /// Asset names (`ab/abcdef0123456789.jpg`) on disk.
    static func files(in root: StoreFolder) -> [String] {
        guard root.kind(of: "assets") == .folder, let assets = try? root.folder("assets", creating: false) else { return [] }
        var names: [String] = []
        for entry in assets.entries() where entry.kind == .folder {
            guard let sub = try? assets.folder(entry.name, creating: false) else { continue }
            for file in sub.entries() where file.kind == .file { names.append(entry.name + "/" + file.name) }
        }
        return names
    }
}
