internal import Glibc
internal import CLinux

/// A folder of the store, open by descriptor. Every name beneath the store's root is reached
/// from the root's descriptor one component at a time, with O_NOFOLLOW: a symbolic link planted
/// anywhere under the root (`posts/2026/12 → /elsewhere`, `tmp → /home`) is refused, never
/// followed out of the store. A folder on another filesystem than the root (a mount point under
/// it) is refused too: the one syncfs that makes a batch durable covers the root's filesystem only.
/// So is a bind mount, even of a folder of the same filesystem: what it shows may lie outside the
/// store, and `verify` took a mirror of the documents for second copies to remove.
///
/// The root itself is opened by its path, links and all: the operator chose it, and systemd's
/// state directories are links (`/var/lib/crawler → private/crawler`).
final class StoreFolder: Sendable {
    let descriptor: Int32
    /// The folder's path as the operator knows it, for messages.
    let path: String
    let device: UInt64
    /// The root's mount, where the kernel tells it.
    let mount: UInt64?

    private init(descriptor: Int32, path: String, device: UInt64, mount: UInt64?) {
        self.descriptor = descriptor
        self.path = path
        self.device = device
        self.mount = mount
    }

    deinit {
        close(descriptor)
    }

    /// Opens the store's root, creating it if missing and `creating`.
    static func root(_ path: String, creating: Bool = true) throws(StoreError) -> StoreFolder {
        if creating { try FileSystem.makeFolders(path) }
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(path: path, operation: "open folder", errno: errno) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let code = errno
            close(descriptor)
            throw .io(path: path, operation: "stat", errno: code)
        }
        return StoreFolder(descriptor: descriptor, path: path, device: UInt64(info.st_dev), mount: Self.mountID(descriptor))
    }

    /// The folder `relative` (`posts/2022/02`) beneath this one, created if missing and `creating`.
    func folder(_ relative: String, creating: Bool = true) throws(StoreError) -> StoreFolder {
        var current = self
        for name in relative.split(separator: "/") {
            current = try current.child(String(name), creating: creating)
        }
        return current
    }

    private func child(_ name: String, creating: Bool) throws(StoreError) -> StoreFolder {
        let childPath = path + "/" + name
        // Layouts cannot name them (Config refuses them); checked here too, since ".." is the
        // one name openat would resolve to outside the folder.
        guard name != "..", name != "." else {
            throw .refused(path: childPath, reason: "leads out of its folder; the store uses no '.' or '..' names")
        }
        let flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC
        var opened = Glibc.openat(descriptor, name, flags)
        var made = false
        if opened < 0 && errno == ENOENT && creating {
            made = SystemCalls.mkdirat(descriptor, name) == 0
            guard made || errno == EEXIST else {
                throw .io(path: childPath, operation: "create folder", errno: errno)
            }
            opened = Glibc.openat(descriptor, name, flags)
        }
        if made, opened >= 0 { giveToOwner(opened) }
        guard opened >= 0 else {
            let code = errno
            if code == ELOOP || code == ENOTDIR, kind(of: name) == .link {
                throw .refused(path: childPath, reason: "is a symbolic link; the store follows no link beneath its "
                               + "root (replace it with a folder)")
            }
            throw .io(path: childPath, operation: "open folder", errno: code)
        }
        var info = stat()
        guard fstat(opened, &info) == 0 else {
            let code = errno
            close(opened)
            throw .io(path: childPath, operation: "stat", errno: code)
        }
        guard UInt64(info.st_dev) == device else {
            close(opened)
            throw .refused(path: childPath, reason: "is on another filesystem than the rest of the store: the store's "
                           + "syncfs would not make documents there durable (keep the store on one filesystem)")
        }
        if let mount, let own = Self.mountID(opened), own != mount {
            close(opened)
            throw .refused(path: childPath, reason: "is a mount point (a bind mount, or another filesystem): what it "
                           + "shows may lie outside the store (keep the store on one filesystem, with nothing mounted in it)")
        }
        return StoreFolder(descriptor: opened, path: childPath, device: device, mount: mount)
    }

    /// A folder root makes in a store of another user's (the service's, run as root to try a
    /// feed) is given to the owner of the folder it is made in: root's own month folder made every
    /// later pass of the service fail to write there; so are the lock and the index (mode 600).
    /// (Documents need no such care: the service may rename over and remove root's files in its
    /// own folders.)
    func giveToOwner(_ made: Int32) {
        guard geteuid() == 0 else { return }
        var parent = stat(), own = stat()
        guard fstat(descriptor, &parent) == 0, parent.st_uid != 0, fstat(made, &own) == 0, own.st_uid == 0 else { return }
        _ = fchown(made, parent.st_uid, parent.st_gid)
    }

    private static func mountID(_ descriptor: Int32) -> UInt64? {
        var id: UInt64 = 0
        return crawler_mount_id(descriptor, &id) == 0 ? id : nil
    }

    enum Kind: Sendable { case file, folder, link, other }

    /// What `name` is in this folder, links not followed; nil when there is nothing.
    func kind(of name: String) -> Kind? {
        var info = stat()
        guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .folder
        case S_IFLNK: return .link
        default: return .other
        }
    }

    /// Size in bytes of the regular file `name` (not a link to one), nil when there is none.
    func size(of name: String) -> Int? {
        var info = stat()
        guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            return nil
        }
        return Int(info.st_size)
    }

    /// The folder holding `relative` (a file's path beneath this folder) and the file's name;
    /// nil when a folder on the way is missing, a link, or on another filesystem.
    func locate(_ relative: String) -> (folder: StoreFolder, name: String)? {
        let name = DocumentLayout.fileName(of: relative)
        guard !name.isEmpty, let parent = try? folder(DocumentLayout.folder(of: relative), creating: false) else { return nil }
        return (parent, name)
    }

    /// Names in this folder (not . and ..), sorted, with what each is (links not followed).
    func entries() -> [(name: String, kind: Kind)] {
        let listing = openat(descriptor, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard listing >= 0, let directory = fdopendir(listing) else {
            if listing >= 0 { close(listing) }
            return []
        }
        defer { closedir(directory) }
        var result: [(String, Kind)] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            let kind: Kind? = switch Int32(entry.pointee.d_type) {
            case Int32(DT_REG): .file
            case Int32(DT_DIR): .folder
            case Int32(DT_LNK): .link
            case Int32(DT_UNKNOWN): self.kind(of: name)
            default: .other
            }
            result.append((name, kind ?? .other))
        }
        return result.sorted { $0.0 < $1.0 }
    }

    /// Removes `name` (a file or a link, never what a link points at); false if it could not.
    @discardableResult
    func remove(_ name: String) -> Bool {
        SystemCalls.unlinkat(descriptor, name) == 0
    }

    /// Removes the crawler's temp files a crash left (every one is named `….tmp`); returns how
    /// many. Only those: a site folder given as the store may have a `tmp/` of its own, whose
    /// files a first crawl removed. Links so named go too, as links: unlinkat never touches what
    /// they point at.
    func removeTemporaryFiles() -> Int {
        entries().filter { $0.kind != .folder && $0.name.hasSuffix(".tmp") && remove($0.name) }.count
    }

    /// Flushes every dirty page of this folder's filesystem. The root's descriptor, open since
    /// the store opened, also reports a write-back error that happened meanwhile on any file of
    /// the filesystem (Linux ≥ 5.8 keeps one per superblock and reports it to each descriptor
    /// opened before it), including the background write-back of a staged document.
    func syncFileSystem() throws(StoreError) {
        guard SystemCalls.syncfs(descriptor) == 0 else { throw .io(path: path, operation: "syncfs", errno: errno) }
    }
}
