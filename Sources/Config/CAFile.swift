internal import Foundation

/// What makes a `ca_file:` unusable, looked at without opening anything that could block.
/// libcurl reads the file on the fetch thread, for each new connection: a FIFO (or a file on a
/// hung mount) stopped every feed's fetching, silently, with the watchdog still fed; a file of
/// 45 MB cost every other feed 10 s a connection; a directory or a file of no certificates
/// failed each fetch of its feeds when `check` had called the file valid.
enum CAFile {
    /// Far above the system's whole bundle (about 200 KB for some 150 authorities).
    static let maximumBytes = 4 << 20

    /// Why `path` is no CA file, for feeds.yaml's message; nil when it is one.
    static func problem(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, access(path, R_OK) == 0 else {
            return "cannot read the CA file \(path) (a PEM file of certificate authorities): \(String(cString: strerror(errno)))"
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return "the CA file \(path) is not a regular file (a directory, FIFO or device): name a PEM file of certificate authorities"
        }
        guard info.st_size <= maximumBytes else {
            return "the CA file \(path) is \(info.st_size / (1 << 20)) MB, past 4 MB: libcurl reads it again for each new "
                + "connection (the system's whole bundle is about 200 KB)"
        }
        guard let contents = FileManager.default.contents(atPath: path) else {
            return "cannot read the CA file \(path) (a PEM file of certificate authorities)"
        }
        guard contents.range(of: Data("-----BEGIN CERTIFICATE-----".utf8)) != nil
            || contents.range(of: Data("-----BEGIN TRUSTED CERTIFICATE-----".utf8)) != nil else {
            return "the CA file \(path) holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        }
        return nil
    }
}
