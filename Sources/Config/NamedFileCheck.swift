internal import Foundation
internal import Synchronization

/// The files feeds.yaml names, looked at on disk while it is parsed (`ConfigParser.fileProblem`).
/// A `ca_file:` that cannot be used is a mistake in the file, reported before anything is fetched
/// rather than as every one of its feeds failing; each file is looked at once, however many
/// feeds name it.
final class NamedFileCheck: Sendable {
    private let seen = Mutex<[String: String?]>([:])

    func problem(_ kind: ConfigParser.NamedFile, _ path: String) -> String? {
        switch kind {
        case .caFile:
            if let known = seen.withLock({ $0[path] }) { return known }
            let problem = CAFile.problem(path)
            seen.withLock { $0[path] = problem }
            return problem
        case .template:
            return Self.unreadable(path).map { "cannot read the template \(path): \($0)" }
        }
    }

    /// Why `path` cannot be read as a file, or nil.
    static func unreadable(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, access(path, R_OK) == 0 else { return String(cString: strerror(errno)) }
        return info.st_mode & S_IFMT == S_IFREG ? nil : "not a regular file"
    }
}
