import CLinux
import Foundation

/// Writes a file whole again, so that it is never seen half-written: a new file beside it,
/// synced, then renamed over it. The new file takes the old one's mode, owner, group and access
/// list (feeds.yaml may hold passwords, and a service may read it through its group or an ACL),
/// and a symbolic link is written through, not replaced by a file. What the new file could not
/// keep, or a file changed since it was read, is refused with nothing written.
enum FileReplacement {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Replaces `path`, which must still hold `expected` (the bytes the edit was made from). Two
    /// commands replacing it at once take turns on a lock; the second finds the file changed.
    static func replace(_ path: String, expecting expected: [UInt8], with bytes: [UInt8]) throws(Failure) {
        guard let resolved = realpath(path, nil) else { throw Failure(description: "cannot resolve \(path): \(reason())") }
        let target = String(cString: resolved)
        free(resolved)
        let current = open(target, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard current >= 0 else { throw Failure(description: "cannot read \(target): \(reason())") }
        defer { close(current) }  // and with it the lock, once the new file is in place
        flock(current, LOCK_EX)
        let old = try unchanged(current, target: target, expected: expected)
        try replace(target, like: old, readFrom: current, with: bytes)
    }

    /// The locked file's status, once it is known to be still the file at `target`, with the
    /// bytes the edit was made from, and a file that may be replaced.
    private static func unchanged(_ descriptor: Int32, target: String, expected: [UInt8]) throws(Failure) -> stat {
        var old = stat(), named = stat()
        guard fstat(descriptor, &old) == 0, stat(target, &named) == 0 else {
            throw Failure(description: "cannot read \(target): \(reason())")
        }
        let changed = Failure(description: "\(target) changed while this command ran (another `crawler add` or "
                              + "`import-opml`, or an edit); nothing was written: run the command again")
        guard old.st_dev == named.st_dev, old.st_ino == named.st_ino else { throw changed }
        guard (try? readAll(descriptor)) == expected else { throw changed }
        guard old.st_nlink <= 1 else {
            throw Failure(description: "\(target) has \(old.st_nlink) hard links, which would keep the old text if it "
                          + "were written whole again; nothing was written (edit it by hand, or remove the other links)")
        }
        guard old.st_mode & 0o222 != 0, access(target, W_OK) == 0 else {
            throw Failure(description: "\(target) is read-only (mode \(String(old.st_mode & 0o7777, radix: 8))); nothing was written")
        }
        return old
    }

    private static func replace(_ target: String, like old: stat, readFrom current: Int32,
                                with bytes: [UInt8]) throws(Failure) {
        let folder = (target as NSString).deletingLastPathComponent
        let prefix = "." + (target as NSString).lastPathComponent + ".new-"
        // New copies are made under the lock held here only: any copy there is left over from an
        // edit that was killed, and one with this process's number (a container's PIDs repeat)
        // would refuse this one.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        where name.hasPrefix(prefix) && !name.dropFirst(prefix.count).isEmpty && name.dropFirst(prefix.count).allSatisfy(\.isNumber) {
            unlink(folder + "/" + name)
        }
        let temporary = folder + "/" + prefix + "\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw Failure(description: "cannot write \(target): the folder \(folder) does not let a new copy be "
                          + "made beside it (\(reason())); the file is replaced whole so that it is never half-written")
        }
        let failure = fill(descriptor, path: temporary, with: bytes, like: old, accessListFrom: current, target: target)
        close(descriptor)
        if let failure {
            unlink(temporary)
            throw failure
        }
        guard rename(temporary, target) == 0 else {
            let failure = Failure(description: "cannot replace \(target): \(reason())")
            unlink(temporary)
            throw failure
        }
        let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    /// The bytes written and synced, with `old`'s owner, group, mode and access list; nil when done.
    private static func fill(_ descriptor: Int32, path: String, with bytes: [UInt8], like old: stat,
                             accessListFrom source: Int32, target: String) -> Failure? {
        do throws(Failure) {
            try write(bytes, to: descriptor, path: path)
        } catch {
            return error
        }
        // Another owner or group would change who may read the file: only its owner or root may
        // write the copy (an editor would quietly take it over).
        if fchown(descriptor, old.st_uid, old.st_gid) != 0 {
            let who = getuid() == old.st_uid ? "root (its group is one you are not in)" : "the file's owner, or as root"
            return Failure(description: "cannot give the new copy of \(target) its owner and group "
                           + "(\(old.st_uid):\(old.st_gid)) as user \(getuid()): \(reason()); nothing was written "
                           + "(run the command as \(who))")
        }
        guard fchmod(descriptor, old.st_mode & 0o7777) == 0 else {
            return Failure(description: "cannot write \(path): \(reason())")
        }
        if let failure = copyAccessList(from: source, to: descriptor, target: target) { return failure }
        guard fsync(descriptor) == 0 else { return Failure(description: "cannot write \(path): \(reason())") }
        return nil
    }

    /// The POSIX access list (an ACL, e.g. `user:crawler:r--`), set after the mode, which it includes.
    private static func copyAccessList(from source: Int32, to descriptor: Int32, target: String) -> Failure? {
        let name = "system.posix_acl_access"
        let size = fgetxattr(source, name, nil, 0)
        guard size > 0 else { return nil }  // none (ENODATA), or a filesystem without them
        var value = [UInt8](repeating: 0, count: size)
        let read = fgetxattr(source, name, &value, size)
        guard read > 0, fsetxattr(descriptor, name, value, read, 0) == 0 else {
            return Failure(description: "cannot give the new copy of \(target) its access list (ACL): \(reason()); "
                           + "nothing was written")
        }
        return nil
    }

    private static func readAll(_ descriptor: Int32) throws(Failure) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var offset: off_t = 0
        while true {
            let count = pread(descriptor, &chunk, chunk.count, offset)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw Failure(description: reason()) }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
            offset += off_t(count)
        }
    }

    private static func write(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(Failure) {
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw Failure(description: "cannot write \(path): \(reason())") }
            written += count
        }
    }

    private static func reason() -> String {
        String(cString: strerror(errno))
    }
}
