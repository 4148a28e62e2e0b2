internal import Foundation
extension StoreReader {
    /// The output settings the documents were written with, as `store rerender` or the first crawl
    /// recorded them; nil when none are (an empty store, or an index from before they were kept).
    public func recordedProfile() -> String? {
        var value: String?
        try? database.prepare("SELECT value FROM store_profile WHERE key = 'output'").run([]) { value = $0.text(0) }
        return value
    }

    /// Files of another output a rebuild left out of the index (nil: none): crawls refuse the store.
    public func foreignFiles() -> String? {
        var value: String?
        try? database.prepare("SELECT value FROM store_profile WHERE key = 'foreign_files'").run([]) { value = $0.text(0) }
        return value
    }

    /// The settings of a `store rerender` under way, or cut short (nil: none).
    public func rerendering() -> String? {
        RevisionIndex.rerendering(in: database)
    }

    /// The process holding the store's lock now, as the kernel's table of locks (`/proc/locks`)
    /// says: the PID written in the lock file may be a dead writer's, reused by another process.
    /// Read, not taken: a probe with flock could make a crawl starting that instant find the
    /// store in use.
    public func lockHolder() -> Int32? {
        Self.lockHolder(root: root)
    }

    /// The holder as an error names it: `pid 123: crawler run --metrics …`.
    public static func describe(holder pid: Int32) -> String {
        "pid \(pid)" + (StoreLock.command(of: "\(pid)").map { ": " + $0 } ?? "")
    }

    /// `lockHolder()` of the store at `root`, without opening its index; nil also when the kernel's
    /// table cannot be read (`canTellLockHolders`).
    public static func lockHolder(root: String) -> Int32? {
        var info = stat()
        guard stat(root + "/lock", &info) == 0,
              let table = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return nil }
        let device = UInt64(info.st_dev)
        let major = ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfff)
        let minor = (device & 0xff) | ((device >> 12) & ~0xff)
        let file = String(format: "%02x:%02x:%llu", major, minor, UInt64(info.st_ino))
        // On an overlay the table may name the upper filesystem's device: the inode with the PID the
        // lock file holds is enough there.
        let written = (try? String(contentsOfFile: root + "/lock", encoding: .utf8))
            .flatMap { Int32($0.trimmingCharacters(where: { $0 == "\n" || $0 == " " })) }
        for line in table.split(separator: "\n") {
            // `1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF`
            let fields = line.split(separator: " ")
            guard fields.count >= 6, fields[1] == "FLOCK", fields[3] == "WRITE", let pid = Int32(fields[4]) else { continue }
            if fields[5] == file { return pid }
            if pid == written, fields[5].split(separator: ":").last == "\(info.st_ino)"[...] { return pid }
        }
        return nil
    }

    /// Whether `lockHolder` can know: the kernel's table of locks is readable here.
    public static var canTellLockHolders: Bool { access("/proc/locks", R_OK) == 0 }
}
