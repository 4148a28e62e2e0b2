import Foundation

/// Writes a file whole again, so that it is never seen half-written: a new file beside it,
/// synced, then renamed over it. The new file takes the old one's mode and owner (feeds.yaml
/// may hold passwords), and a symbolic link is written through, not replaced by a file.
enum FileReplacement {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func replace(_ path: String, with bytes: [UInt8]) throws(Failure) {
        guard let resolved = realpath(path, nil) else { throw Failure(description: "cannot resolve \(path): \(reason())") }
        let target = String(cString: resolved)
        free(resolved)
        var old = stat()
        guard stat(target, &old) == 0 else { throw Failure(description: "cannot read \(target): \(reason())") }
        let folder = (target as NSString).deletingLastPathComponent
        let temporary = folder + "/." + (target as NSString).lastPathComponent + ".new-\(getpid())"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw Failure(description: "cannot write \(target): the folder \(folder) does not let a new copy be "
                          + "made beside it (\(reason())); the file is replaced whole so that it is never half-written")
        }
        let failure = fill(descriptor, path: temporary, with: bytes, like: old)
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

    /// The bytes written and synced, with `old`'s mode and (when allowed) owner; nil when done.
    private static func fill(_ descriptor: Int32, path: String, with bytes: [UInt8], like old: stat) -> Failure? {
        do throws(Failure) {
            try write(bytes, to: descriptor, path: path)
        } catch {
            return error
        }
        // Root gives the copy the old owner; anyone else keeps their own, as an editor would.
        if fchown(descriptor, old.st_uid, old.st_gid) != 0 && errno != EPERM {
            return Failure(description: "cannot give \(path) its owner: \(reason())")
        }
        guard fchmod(descriptor, old.st_mode & 0o7777) == 0, fsync(descriptor) == 0 else {
            return Failure(description: "cannot write \(path): \(reason())")
        }
        return nil
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
