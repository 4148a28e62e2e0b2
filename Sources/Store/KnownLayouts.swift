internal import FeedModel
internal import Glibc

/// Every layout a store's documents may be in: the current `document_path`, each one the store
/// was opened with before (the `layouts` table), and the profiles' defaults. A file is in place
/// when one of them puts a document of its date and hash exactly where it is; a file elsewhere
/// was moved or copied by hand.
struct KnownLayouts {
    let current: DocumentLayout
    let all: [DocumentLayout]

    static let defaults = ["posts/{year}/{month}/{hash}.md", "posts/{year}/{month}/{hash}.html",
                           OutputProfile.jekyll.defaultDocumentPath]

    init(current: DocumentLayout, database: SQLiteDatabase) {
        self.current = current
        var patterns = [current.pattern]
        // An index from before layouts were recorded has no table: the defaults stand in.
        try? database.prepare("SELECT pattern FROM layouts ORDER BY first_used").run([]) { row in
            if let pattern = row.text(0) { patterns.append(pattern) }
        }
        var seen: Set<String> = []
        all = (patterns + Self.defaults).filter { seen.insert($0).inserted }.compactMap(DocumentLayout.init(pattern:))
    }

    func isInPlace(_ path: String, date: Timestamp, shortHash: String) -> Bool {
        all.contains { $0.relativePath(date: date, shortHash: shortHash).utf8.elementsEqual(path.utf8) }
    }

    /// Whether a name at the store's top is where some layout puts documents (any name but the
    /// store's own files, for a layout whose first folder is a date).
    func mayHoldDocuments(top name: String) -> Bool {
        all.contains { layout in
            layout.topFolder.contains("{") ? !Self.storeFiles.contains { name.hasPrefix($0) } && !Self.isSiteOutput(name)
                : layout.topFolder == name
        }
    }

    private static let storeFiles = ["index.sqlite", "lock", "runtime", "tmp", "assets"]

    /// What a site generator builds or keeps beside its sources when the store is the site's
    /// folder (Jekyll's `_site/`, Hugo's and Hexo's `public/`), and hidden folders (`.git`,
    /// `.jekyll-cache`): Jekyll names its pages as the documents are named, and `verify` took
    /// each for a copy of one. Never looked into, unless a layout puts documents there.
    static func isSiteOutput(_ name: String) -> Bool {
        name.hasPrefix(".") || ["_site", "public", "resources", "node_modules"].contains(name)
    }

    /// Where the current layout puts it, for advice.
    func expectedPath(date: Timestamp, shortHash: String) -> String {
        current.relativePath(date: date, shortHash: shortHash)
    }

    /// Records the current layout the first time the store is opened with it. Read first, so
    /// that opening a store on a full disk writes nothing.
    static func record(_ layout: DocumentLayout, in database: SQLiteDatabase) throws(StoreError) {
        var known = false
        try database.prepare("SELECT 1 FROM layouts WHERE pattern = ?1").run([.text(layout.pattern)]) { _ in known = true }
        guard !known else { return }
        try database.prepare("INSERT OR IGNORE INTO layouts (pattern, first_used) VALUES (?1, ?2)")
            .run([.text(layout.pattern), .integer(Int64(time(nil)))])
    }
}
