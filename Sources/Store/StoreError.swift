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
            let inodes = code == ENOSPC && Self.outOfInodes(path) ? " (no free inodes: the filesystem has room for "
                + "data but for no more files; `df -i` shows it)" : ""
            return "\(operation) \(path): \(String(cString: strerrorText(code)))" + owner + inodes
        case let .refused(path, reason):
            return "\(path) \(reason)"
        case let .index(path, message):
            if Self.isDamaged(message), let failing = Self.unreadable(path) {
                // A dying disk's I/O errors read as a damaged index, whose advice threw away a
                // whole index and every feed's state.
                return "index \(path): \(message), but reading the file itself fails (\(failing)): the disk fails, "
                    + "not necessarily the index; check the disk (dmesg) and run again once it reads, before rebuilding anything"
            }
            let full = message.contains("database or disk is full") ? "; free space on the filesystem holding the store "
                + "first (df, df -i): even forgetting documents needs room in the index to record it" : ""
            return "index \(path): \(message)" + (Self.isDamaged(message) ? Self.damagedAdvice : "") + full
        case let .database(message):
            return message
        }
    }

    /// SQLite's words for an index file damaged (cut, overwritten): every command said only that.
    private static func isDamaged(_ message: String) -> Bool {
        message.contains("database disk image is malformed") || message.contains("file is not a database")
    }

    /// Why the file's first page cannot be read (an I/O error), or nil when it reads.
    private static func unreadable(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return errno == EIO ? String(cString: strerrorText(EIO)) : nil }
        defer { close(descriptor) }
        var page = [UInt8](repeating: 0, count: 4096)
        return pread(descriptor, &page, page.count, 0) < 0 ? String(cString: strerrorText(errno)) : nil
    }

    /// Whether the filesystem holding `path` (or its folder) has no inode left.
    private static func outOfInodes(_ path: String) -> Bool {
        var info = statvfs()
        let folder = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        guard statvfs(path, &info) == 0 || (!folder.isEmpty && statvfs(folder, &info) == 0) else { return false }
        return info.f_files > 0 && info.f_favail == 0
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

    /// Why this user cannot look into the store folder at `path`, or nil when it can (or there is
    /// none): `status` said "no store: nothing has been crawled there" of a store it could not enter.
    public static func unreadableFolder(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR, access(path, R_OK | X_OK) != 0 else { return nil }
        return "cannot read the store at \(path) (permission denied for user \(geteuid())): "
            + permissionAdvice(info, user: geteuid(), or: ", or as root")
    }

    /// Whose a denied path is, and what to do: run as its owner, or, when that is this user
    /// already (a file made read-only), give the owner access.
    static func permissionAdvice(_ info: stat, user: uid_t, or alternative: String) -> String {
        let mode = String(info.st_mode & 0o777, radix: 8)
        // Root passes any mode, and an owner whose bits allow it is denied by something else:
        // "mode 755, which denies its owner; chmod u+rw" sent an operator after the wrong thing.
        let ownerBits = (info.st_mode >> 6) & 0o7
        let ownerNeeds: mode_t = (info.st_mode & S_IFMT) == S_IFDIR ? 0o7 : 0o6
        if user == 0 || (info.st_uid == user && ownerBits & ownerNeeds == ownerNeeds) {
            return "its mode (\(mode), owner \(info.st_uid)) allows it, so something else denies it: an immutable or "
                + "append-only attribute (lsattr; chattr -i), an ACL (getfacl), a read-only bind mount, or a security "
                + "module (SELinux, AppArmor)"
        }
        guard info.st_uid != user else {
            return "it is this user's, with mode \(mode), which denies its owner; give the owner access (chmod u+rw)"
        }
        return "it is owned by user \(info.st_uid) with mode \(mode); run this as that user\(alternative)"
    }

    /// Another crawler holds the store's lock.
    public var isLocked: Bool {
        if case .locked = self { return true }
        return false
    }

    /// A full disk or quota, as SQLite or a system call says it.
    public var isOutOfSpace: Bool {
        switch self {
        case let .io(_, _, code): return code == ENOSPC || code == EDQUOT
        case let .index(_, message): return message.contains("No space left on device") || message.contains("disk is full")
            || message.contains("Disk quota exceeded")
        default: return false
        }
    }

    /// True for a failure of one document's path, not of the disk: something at its name the
    /// store may not replace (a folder), a folder that refuses it (permissions, an immutable
    /// folder), a name too long. Other documents of a batch may still be stored.
    var concernsOnePath: Bool {
        switch self {
        // ENOENT: its folder removed while the batch was staged; EBUSY: a mount point at its name.
        case let .io(_, _, code): return [EISDIR, ENOTDIR, EEXIST, ENOTEMPTY, ENAMETOOLONG, ELOOP, EACCES, EPERM, EMLINK,
                                          ENOENT, EBUSY, EXDEV].contains(code)
        case .refused: return true
        default: return false
        }
    }

    /// True for failures a later pass may not hit again (disk full, read-only, permissions).
    public var isEnvironmental: Bool {
        if case let .io(_, _, code) = self { return [ENOSPC, EROFS, EACCES, EPERM, EDQUOT, EIO, EFBIG].contains(code) }
        return false
    }
}
