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

    /// Writes `text` as UTF-8, straight from the String's storage (no copy per document), then
    /// closes it (no sync: the caller syncs a batch at once). A failed write removes the file.
    static func writeFile(_ text: String, to path: String) throws(StoreError) {
        var text = text
        var failure: StoreError?
        text.withUTF8 { bytes in
            do throws(StoreError) { try writeFile(bytes, to: path) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    private static func writeFile(_ bytes: UnsafeBufferPointer<UInt8>, to path: String) throws(StoreError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io(path: path, operation: "create", errno: errno) }
        var written = 0
        while written < bytes.count {
            let result = write(descriptor, bytes.baseAddress.map { $0 + written }, bytes.count - written)
            if result < 0 {
                if errno == EINTR { continue }
                let code = errno
                close(descriptor)
                unlink(path)
                throw .io(path: path, operation: "write", errno: code)
            }
            written += result
        }
        guard close(descriptor) == 0 else {
            let code = errno
            unlink(path)
            throw .io(path: path, operation: "close", errno: code)
        }
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
