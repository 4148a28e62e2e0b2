internal import Glibc
internal import CLinux

/// Thin, error-checked wrappers over the POSIX calls the store needs.
enum FileSystem {
    static func makeFolders(_ path: String) throws(StoreError) {
        var partial = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            partial += "/" + component
            if mkdir(partial, 0o755) != 0 && errno != EEXIST {
                throw .io(path: partial, operation: "create folder", errno: errno)
            }
        }
    }

    /// Writes `text` as UTF-8 to a new file, then closes it (no sync: the caller syncs a batch
    /// at once). A failed write removes the file.
    static func writeFile(_ text: String, to path: String) throws(StoreError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io(path: path, operation: "create", errno: errno) }
        do {
            try writeAll(text, to: descriptor, naming: path)
        } catch {
            Glibc.close(descriptor)
            unlink(path)
            throw error
        }
        guard Glibc.close(descriptor) == 0 else {
            let code = errno
            unlink(path)
            throw .io(path: path, operation: "close", errno: code)
        }
    }

    /// Writes `text` to a new unnamed file in `folder` and returns it open; nil when no unnamed
    /// file can be made there (no O_TMPFILE), or only with a descriptor numbered `limit` or more:
    /// descriptors are numbered lowest first, so that keeps the rest free for sockets and SQLite.
    /// A failed write closes it.
    static func writeUnnamedFile(_ text: String, in folder: String, below limit: Int32) throws(StoreError) -> Int32? {
        let descriptor = crawler_open_unnamed(folder)
        guard descriptor >= 0 else { return nil }
        guard descriptor < limit else {
            Glibc.close(descriptor)
            return nil
        }
        do {
            try writeAll(text, to: descriptor, naming: folder + "/(new document)")
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
                let result = write(descriptor, bytes.baseAddress.map { $0 + written }, bytes.count - written)
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

        fileprivate var throughProc: Int32 { self == .throughProc ? 1 : 0 }
    }

    /// Names an unnamed file `destination`. A file already there (one whose index commit a power
    /// cut lost) is replaced as a rename replaces it, atomically, through a link at `spare`.
    static func link(unnamed descriptor: Int32, to destination: String, replacingVia spare: String,
                     linking: UnnamedLinking) throws(StoreError) {
        if crawler_link_unnamed(descriptor, destination, linking.throughProc) == 0 { return }
        guard errno == EEXIST else { throw .io(path: destination, operation: "link into place", errno: errno) }
        unlink(spare)
        guard crawler_link_unnamed(descriptor, spare, linking.throughProc) == 0 else {
            throw .io(path: spare, operation: "link", errno: errno)
        }
        try rename(spare, to: destination)
    }

    /// Whether `folder`'s filesystem makes unnamed files (O_TMPFILE) and how this process can
    /// link them, if at all; tried once with an empty file.
    static func unnamedFileLinking(in folder: String) -> UnnamedLinking? {
        let descriptor = crawler_open_unnamed(folder)
        guard descriptor >= 0 else { return nil }
        defer { Glibc.close(descriptor) }
        let probe = folder + "/unnamed-file-probe"
        for linking in [UnnamedLinking.direct, .throughProc] {
            unlink(probe)
            if crawler_link_unnamed(descriptor, probe, linking.throughProc) == 0 {
                unlink(probe)
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

    static func syncFileSystem(containing path: String) throws(StoreError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(path: path, operation: "open folder", errno: errno) }
        defer { close(descriptor) }
        guard crawler_syncfs(descriptor) == 0 else { throw .io(path: path, operation: "syncfs", errno: errno) }
    }

    static func rename(_ source: String, to destination: String) throws(StoreError) {
        guard Glibc.rename(source, destination) == 0 else {
            throw .io(path: destination, operation: "rename into place", errno: errno)
        }
    }

    static func remove(_ path: String) {
        unlink(path)
    }

    /// Size in bytes of a regular file, nil when there is none.
    static func size(of path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    static func read(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = Glibc.read(descriptor, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return count == 0 ? bytes : nil }
            bytes += chunk[..<count]
        }
    }

    /// Names in a folder (not . and ..), with whether each is a folder.
    static func entries(of folder: String) -> [(name: String, isFolder: Bool)] {
        guard let directory = opendir(folder) else { return [] }
        defer { closedir(directory) }
        var result: [(String, Bool)] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            result.append((name, entry.pointee.d_type == UInt8(DT_DIR)))
        }
        return result.sorted { $0.0 < $1.0 }
    }

    /// Removes every file in `folder` (temp files left by a crash); returns how many.
    static func emptyFolder(_ folder: String) -> Int {
        entries(of: folder).filter { !$0.isFolder && unlink(folder + "/" + $0.name) == 0 }.count
    }
}
