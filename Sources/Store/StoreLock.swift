internal import Glibc

/// An exclusive flock on `<store>/lock`, holding the owner's PID so a second process can say who.
/// The kernel drops it when the process dies, however it dies.
final class StoreLock {
    private let descriptor: Int32

    init(in root: StoreFolder) throws(StoreError) {
        descriptor = try Self.acquire(in: root)
        let pid = "\(getpid())\n"
        ftruncate(descriptor, 0)
        _ = pid.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    /// The locked descriptor. A refusal closes it here, before `self` holds it: a class whose
    /// initializer throws once its properties are set still runs its deinit, which would close
    /// the number a second time (by then perhaps another thread's file).
    private static func acquire(in root: StoreFolder) throws(StoreError) -> Int32 {
        let path = root.path + "/lock"
        // 0600: only the crawler's user may hold or read it. O_NOFOLLOW: a planted `lock`
        // symlink must not make us truncate the file it points at.
        let descriptor = openat(root.descriptor, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            guard errno == ELOOP else { throw .io(path: path, operation: "open lock", errno: errno) }
            throw .refused(path: path, reason: "is a symbolic link; the store follows no link beneath its root (remove it)")
        }
        root.giveToOwner(descriptor)
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = readHolder(descriptor)
            close(descriptor)
            throw .locked(path: path, holder: holder)
        }
        return descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    private static func readHolder(_ descriptor: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        let text = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : ""
        let pid = text.trimmingCharacters(where: { $0 == "\n" || $0 == " " })
        return pid.isEmpty ? "pid unknown" : "pid \(pid)"
    }
}

extension String {
    func trimmingCharacters(where predicate: (Character) -> Bool) -> String {
        String(drop(while: predicate).reversed().drop(while: predicate).reversed())
    }
}
