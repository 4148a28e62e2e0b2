internal import FeedModel
internal import Glibc

/// Puts document files on disk so that none is ever half-written under its final name:
/// temp file → write → fsync → rename → fsync of the folder.
struct DocumentWriter {
    let root: String
    let temporaryFolder: String

    /// Writes every document and makes the batch durable; returns each one's path relative to `root`.
    func write(_ documents: [Document]) throws(StoreError) -> [String] {
        var paths: [String] = []
        var folders: Set<String> = []
        for document in documents {
            let relative = DocumentLayout.relativePath(for: document)
            let folder = root + "/" + DocumentLayout.folder(of: relative)
            try FileSystem.makeFolders(folder)
            let temporary = temporaryFolder + "/" + document.contentHash + ".tmp"
            try FileSystem.writeDurably(Array(document.text.utf8), to: temporary)
            try FileSystem.rename(temporary, to: root + "/" + relative)
            folders.insert(folder)
            paths.append(relative)
        }
        // The renames are durable only once their folders are.
        for folder in folders.sorted() { try FileSystem.syncFolder(folder) }
        return paths
    }
}

/// Where a document lives inside the store: `posts/YYYY/MM/<hash16>.md`, by its date.
enum DocumentLayout {
    static func relativePath(for document: Document) -> String {
        let fields = UTCDateFields(document.date)
        let month = fields.month < 10 ? "0\(fields.month)" : "\(fields.month)"
        return "posts/\(fields.year)/\(month)/\(document.shortHash).md"
    }

    static func folder(of relativePath: String) -> String {
        String(relativePath[..<(relativePath.lastIndex(of: "/") ?? relativePath.startIndex)])
    }
}

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

    static func writeDurably(_ bytes: [UInt8], to path: String) throws(StoreError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io(path: path, operation: "create", errno: errno) }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if result < 0 {
                if errno == EINTR { continue }
                let code = errno
                unlink(path)
                throw .io(path: path, operation: "write", errno: code)
            }
            written += result
        }
        guard fsync(descriptor) == 0 else {
            let code = errno
            unlink(path)
            throw .io(path: path, operation: "fsync", errno: code)
        }
    }

    static func rename(_ source: String, to destination: String) throws(StoreError) {
        guard Glibc.rename(source, destination) == 0 else {
            let code = errno
            unlink(source)
            throw .io(path: destination, operation: "rename into place", errno: code)
        }
    }

    static func syncFolder(_ path: String) throws(StoreError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(path: path, operation: "open folder", errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .io(path: path, operation: "fsync folder", errno: errno) }
    }

    /// Removes every file in `folder` (temp files left by a crash); returns how many.
    static func emptyFolder(_ folder: String) -> Int {
        guard let directory = opendir(folder) else { return 0 }
        defer { closedir(directory) }
        var removed = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
            guard name != ".", name != ".." else { continue }
            if unlink(folder + "/" + name) == 0 { removed += 1 }
        }
        return removed
    }
}
