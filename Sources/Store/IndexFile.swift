internal import Glibc

/// Where SQLite finds the index. SQLite opens files by path, so it is given the root's real
/// path (links resolved: the operator's choice) with the index's name, and told to refuse links
/// (SQLITE_OPEN_NOFOLLOW refuses one anywhere in the path, and SQLite always opens its -wal and
/// -shm files with O_NOFOLLOW); a planted `index.sqlite` link is named in a clear error first.
enum IndexFile {
    static let name = "index.sqlite"

    static func path(in root: StoreFolder) throws(StoreError) -> String {
        for suffix in ["", "-wal", "-shm"] where root.kind(of: name + suffix) == .link {
            throw .refused(path: root.path + "/" + name + suffix,
                           reason: "is a symbolic link; the store follows no link beneath its root (remove it)")
        }
        guard let real = realpath(root.path, nil) else {
            throw .io(path: root.path, operation: "resolve", errno: errno)
        }
        defer { free(real) }
        return String(cString: real) + "/" + name
    }

    /// Whether a reader must open the index immutable: SQLite reads a WAL database through its
    /// -shm file, and creates one if there is none. When there is none and the folder cannot be
    /// written (a read-only copy, a snapshot, another user's store), no writer is around (a writer
    /// keeps one while it has the index open), so the file is complete as it is.
    static func needsImmutableRead(in root: StoreFolder) -> Bool {
        root.kind(of: name + "-shm") == nil && faccessat(root.descriptor, ".", W_OK, 0) != 0
    }

    /// Whether the write-ahead log is empty or gone: every commit is in the index file itself.
    static func holdsNothingUnwritten(in root: StoreFolder) -> Bool {
        switch root.kind(of: name + "-wal") {
        case nil: return true
        case .file: return root.size(of: name + "-wal") == 0
        default: return false
        }
    }
}
