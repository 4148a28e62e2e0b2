internal import Glibc

/// Why the store could not do what was asked. Messages name the path involved.
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Another process holds the store's lock.
    case locked(path: String, holder: String)
    case io(path: String, operation: String, errno: Int32)
    /// A path beneath the store the store will not use: a symbolic link, a folder on another
    /// filesystem. The reason says what is wrong and what to do.
    case refused(path: String, reason: String)
    case index(path: String, message: String)
    /// The fleet's shared database failed; the message names it.
    case database(message: String)

    public var description: String {
        switch self {
        case let .locked(path, holder):
            return "store \(path) is in use by another crawler (\(holder)); stop it or use another store"
        case let .io(path, operation, code):
            let owner = code == EACCES || code == EPERM ? Self.ownerHint(path) : ""
            return "\(operation) \(path): \(String(cString: strerrorText(code)))" + owner
        case let .refused(path, reason):
            return "\(path) \(reason)"
        case let .index(path, message):
            return "index \(path): \(message)" + (Self.isDamaged(message) ? Self.damagedAdvice : "")
        case let .database(message):
            return message
        }
    }

    /// SQLite's words for an index file damaged (cut, overwritten): every command said only that.
    private static func isDamaged(_ message: String) -> Bool {
        message.contains("database disk image is malformed") || message.contains("file is not a database")
    }

    private static let damagedAdvice = "; restore it from a backup, or run `crawler store rebuild-index`, which makes "
        + "a new one from the documents and keeps this one as index.sqlite.broken (the feeds' state it held is not carried over)"

    /// Whose the path is (or the folder it would be in), for a permission denied: a store made by
    /// the service's user and crawled by hand as another (or the other way round) said only
    /// "Permission denied".
    private static func ownerHint(_ path: String) -> String {
        var info = stat()
        let folder = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        guard stat(path, &info) == 0 || (!folder.isEmpty && stat(folder, &info) == 0) else { return "" }
        return " for user \(geteuid()): " + permissionAdvice(info, user: geteuid(), or: ", or as root")
    }

    /// Whose a denied path is, and what to do: run as its owner, or, when that is this user
    /// already (a file made read-only), give the owner access.
    static func permissionAdvice(_ info: stat, user: uid_t, or alternative: String) -> String {
        let mode = String(info.st_mode & 0o777, radix: 8)
        guard info.st_uid != user else {
            return "it is this user's, with mode \(mode), which denies its owner; give the owner access (chmod u+rw)"
        }
        return "it is owned by user \(info.st_uid) with mode \(mode); run this as that user\(alternative)"
    }

    /// True for failures a later pass may not hit again (disk full, read-only, permissions).
    public var isEnvironmental: Bool {
        if case let .io(_, _, code) = self { return [ENOSPC, EROFS, EACCES, EPERM, EDQUOT, EIO, EFBIG].contains(code) }
        return false
    }
}
