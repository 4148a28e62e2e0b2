internal import Glibc
internal import CLinux

/// Error-checked file calls on the store's folders, by descriptor (see `StoreFolder`): the
/// calls that can fail on a failing disk go through `SystemCalls`.
enum FileSystem {
    /// Creates the folders of `path` (the store's root, as configured), links followed.
    static func makeFolders(_ path: String) throws(StoreError) {
        var partial = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o755) != 0 && errno != EEXIST {
                throw .io(path: partial, operation: "create folder", errno: errno)
            }
        }
    }

    /// Writes `text` as UTF-8 to the new file `name` in `folder`, then closes it (no sync: the
    /// caller syncs a batch at once). Never opens an existing name (O_EXCL), so never a planted
    /// link. A failed write removes the file.
    static func writeFile(_ text: String, named name: String, in folder: StoreFolder) throws(StoreError) {
        let path = folder.path + "/" + name
        let descriptor = SystemCalls.openat(folder.descriptor, name,
                                            O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io(path: path, operation: "create", errno: errno) }
        do {
            try writeAll(text, to: descriptor, naming: path)
        } catch {
            Glibc.close(descriptor)
            folder.remove(name)
            throw error
        }
        guard Glibc.close(descriptor) == 0 else {
            let code = errno
            folder.remove(name)
            throw .io(path: path, operation: "close", errno: code)
        }
    }

    /// Writes `text` to a new unnamed file in `folder` and returns it open; nil when no unnamed
    /// file can be made there (no O_TMPFILE), or only with a descriptor numbered `limit` or more:
    /// descriptors are numbered lowest first, so that keeps the rest free for sockets and SQLite.
    /// A failed write closes it.
    static func writeUnnamedFile(_ text: String, in folder: StoreFolder, below limit: Int32) throws(StoreError) -> Int32? {
        let descriptor = SystemCalls.openUnnamed(in: folder.descriptor)
        guard descriptor >= 0 else {
            // A filesystem without unnamed files says so (EOPNOTSUPP, EISDIR); one that cannot
            // take a new file at all must fail the batch, not fall back to a temp file.
            guard [ENOSPC, EDQUOT, EROFS, EIO].contains(errno) else { return nil }
            throw .io(path: folder.path + "/(new document)", operation: "create", errno: errno)
        }
        guard descriptor < limit else {
            Glibc.close(descriptor)
            return nil
        }
        do {
            try writeAll(text, to: descriptor, naming: folder.path + "/(new document)")
        } catch {
            Glibc.close(descriptor)
            throw error
        }
        return descriptor
    }

    /// Writes all of `text` as UTF-8, straight from the String's storage (no copy per document).
    private static func writeAll(_ text: String, to descriptor: Int32, naming path: String) throws(StoreError) {
        var text = text
        var failure: StoreError?
        text.withUTF8 { bytes in
            var written = 0
            while written < bytes.count {
                let result = SystemCalls.write(descriptor, bytes.baseAddress.map { $0 + written }, bytes.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    failure = .io(path: path, operation: "write", errno: errno)
                    return
                }
                written += result
            }
        }
        if let failure { throw failure }
    }

    /// How this process can name an unnamed file (see `unnamedFileLinking`).
    enum UnnamedLinking: Sendable {
        case direct, throughProc
    }

    /// Names an unnamed file holding `text` `name` in `folder`. A file already there with the same
    /// bytes (one whose index commit a power cut lost) is replaced as a rename replaces it,
    /// atomically, through a link at `spare` in `spareFolder`; one with other bytes is set aside.
    static func link(unnamed descriptor: Int32, holding text: String, as name: String, in folder: StoreFolder,
                     replacingVia spare: String, in spareFolder: StoreFolder, linking: UnnamedLinking) throws(StoreError) {
        let throughProc = linking == .throughProc
        if SystemCalls.linkUnnamed(descriptor, into: folder.descriptor, as: name, throughProc: throughProc) == 0 { return }
        guard errno == EEXIST else { throw .io(path: folder.path + "/" + name, operation: "link into place", errno: errno) }
        if try setAside(name, in: folder, unless: text),
           SystemCalls.linkUnnamed(descriptor, into: folder.descriptor, as: name, throughProc: throughProc) == 0 { return }
        spareFolder.remove(spare)
        guard SystemCalls.linkUnnamed(descriptor, into: spareFolder.descriptor, as: spare, throughProc: throughProc) == 0 else {
            throw .io(path: spareFolder.path + "/" + spare, operation: "link", errno: errno)
        }
        try rename(spare, in: spareFolder, to: name, in: folder)
    }

    /// The name an edit is set aside under: `.NAME.edited` (`-2`... when taken). Hidden: Jekyll
    /// published `NAME.html.edited` in `_posts/` as a second post, and Hugo copied it into the
    /// site; all three generators pass over a name that starts with a dot.
    static func asideName(_ name: String, suffix: String = "") -> String {
        "." + name + ".edited" + suffix
    }

    /// `asideName` of a path's last component, for messages and commands.
    public static func asidePath(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return asideName(path) }
        return String(path[...slash]) + asideName(String(path[path.index(after: slash)...]))
    }

    /// A file at `name` with other bytes than `text` (an edit the index lost track of, say after
    /// a rebuild-index that could not read it) is kept as `.NAME.edited` (`asideName`) instead of
    /// being replaced; true when it was moved.
    /// A symbolic link or a FIFO planted there is set aside too, as it is (the link, not its
    /// target): they were replaced without a word, where a file of other bytes was kept.
    static func setAside(_ name: String, in folder: StoreFolder, unless text: String) throws(StoreError) -> Bool {
        switch folder.kind(of: name) {
        case .file:
            guard let bytes = read(name, in: folder), !bytes.elementsEqual(text.utf8) else { return false }
        case .link, .other:
            break
        case .folder, nil:
            return false
        }
        for suffix in [""] + (2...99).map({ "-\($0)" }) {
            let aside = asideName(name, suffix: suffix)
            if Glibc.linkat(folder.descriptor, name, folder.descriptor, aside, 0) == 0 {
                folder.remove(name)
                return true
            }
            guard errno == EEXIST else { throw .io(path: folder.path + "/" + aside, operation: "set aside", errno: errno) }
        }
        throw .refused(path: folder.path + "/" + name, reason: "has other bytes than the document to store there, "
                       + "and 99 copies set aside beside it already; move them out of the store")
    }

    /// A second name for the file at `name`, `.NAME.edited` (`asideName`), so that
    /// what replaces or removes `name` next leaves it in the store; returns that name.
    static func keepCopy(_ name: String, in folder: StoreFolder) throws(StoreError) -> String {
        for suffix in [""] + (2...99).map({ "-\($0)" }) {
            let aside = asideName(name, suffix: suffix)
            if Glibc.linkat(folder.descriptor, name, folder.descriptor, aside, 0) == 0 { return aside }
            guard errno == EEXIST else { throw .io(path: folder.path + "/" + aside, operation: "set aside", errno: errno) }
        }
        throw .refused(path: folder.path + "/" + name, reason: "has other bytes than the document to store there, "
                       + "and 99 copies set aside beside it already; move them out of the store")
    }

    /// Whether `name` is one `setAside` gives (`.….edited`, `.….edited-7`; and without the dot,
    /// as stores set edits aside before).
    static func isSetAside(_ name: String) -> Bool {
        guard let range = name.ranges(of: ".edited").last else { return false }
        let suffix = name[range.upperBound...]
        return suffix.isEmpty || (suffix.first == "-" && suffix.dropFirst().allSatisfy(\.isNumber) && suffix.count > 1)
    }

    /// Whether `folder`'s filesystem makes unnamed files (O_TMPFILE) and how this process can
    /// link them, if at all; tried once with an empty file.
    static func unnamedFileLinking(in folder: StoreFolder) -> UnnamedLinking? {
        let descriptor = crawler_open_unnamed(folder.descriptor)
        guard descriptor >= 0 else { return nil }
        defer { Glibc.close(descriptor) }
        let probe = "unnamed-file-probe"
        for linking in [UnnamedLinking.direct, .throughProc] {
            unlinkat(folder.descriptor, probe, 0)
            if crawler_link_unnamed(descriptor, folder.descriptor, probe, linking == .throughProc ? 1 : 0) == 0 {
                unlinkat(folder.descriptor, probe, 0)
                return linking
            }
        }
        return nil
    }

    /// How many descriptors unnamed files may use: half of the soft limit on open files.
    static var descriptorsForUnnamedFiles: Int32 {
        Int32(clamping: crawler_open_file_limit() / 2)
    }

    static func close(_ descriptor: Int32) {
        Glibc.close(descriptor)
    }

    static func rename(_ source: String, in from: StoreFolder, to destination: String, in to: StoreFolder) throws(StoreError) {
        guard SystemCalls.renameat(from.descriptor, source, to.descriptor, destination) == 0 else {
            throw .io(path: to.path + "/" + destination, operation: "rename into place", errno: errno)
        }
    }

    /// The bytes of the regular file `name` in `folder` (not a link to one); nil when unreadable.
    /// nil too for anything but a regular file: a FIFO at a document's name would block the read
    /// (opened without blocking, then refused by its type).
    static func read(_ name: String, in folder: StoreFolder) -> [UInt8]? {
        let descriptor = Glibc.openat(folder.descriptor, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = Glibc.read(descriptor, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return count == 0 ? bytes : nil }
            bytes += chunk[..<count]
        }
    }
}
