internal import FeedModel
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
        guard !pid.isEmpty else { return "pid unknown" }
        return "pid \(pid)" + (command(of: pid).map { ": " + $0 } ?? "")
    }

    /// What the holder runs, as `ps` shows it (`crawler store rerender --dry-run`): a dry run or a
    /// `verify` holding the lock for a moment was only "another crawler" (round 68). Its first
    /// words only; nil when /proc does not say (another user's process, one gone meanwhile).
    static func command(of pid: String) -> String? {
        guard pid.allSatisfy(\.isNumber) else { return nil }
        let descriptor = open("/proc/\(pid)/cmdline", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(descriptor, &buffer, buffer.count)
        guard count > 0 else { return nil }
        let bytes = buffer[..<count]
        var words = bytes.split(separator: 0, omittingEmptySubsequences: false).prefix(6).map { String(decoding: $0, as: UTF8.self) }
        if let program = words.first { words[0] = String(program.split(separator: "/").last ?? Substring(program)) }
        return TerminalText.oneLine(words.filter { !$0.isEmpty }.joined(separator: " "))
    }
}

extension String {
    func trimmingCharacters(where predicate: (Character) -> Bool) -> String {
        String(drop(while: predicate).reversed().drop(while: predicate).reversed())
    }
}
