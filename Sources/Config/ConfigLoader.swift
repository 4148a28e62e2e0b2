public import FeedModel
internal import Foundation

/// Reads feeds.yaml from disk and parses it; the only file access in this module.
public enum ConfigLoader {
    public static func load(path: String) throws(ConfigError) -> CrawlerConfig {
        try loadFile(path: path).config
    }

    /// The configuration and the bytes it was read from, for the commands that write the file
    /// again (only over those same bytes).
    public static func loadFile(path: String) throws(ConfigError) -> (config: CrawlerConfig, bytes: [UInt8]) {
        // As the kernel reads the path, as the commands that write the file do: `link/../feeds.yaml`
        // is beside the link's target, where a path simplified as text (as Foundation's are) would
        // find another file.
        let url = URL(fileURLWithPath: resolved(path) ?? path)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw ConfigError(file: path, line: 0, key: "",
                              message: "no such file; `crawler init` writes a starter one (see feeds.yaml in the README), or pass --config PATH")
        }
        guard !isFolder.boolValue else {
            throw ConfigError(file: path, line: 0, key: "", message: "is a folder; pass the feeds.yaml inside it with --config PATH")
        }
        if let kind = notAFile(url.path) {
            throw ConfigError(file: path, line: 0, key: "", message: "is \(kind), not a file; pass a feeds.yaml file with --config PATH")
        }
        let text: String
        let bytes: [UInt8]
        do {
            let data = try Data(contentsOf: url)
            guard let decoded = String(data: data, encoding: .utf8) else {
                throw Self.notUTF8([UInt8](data), path: path)
            }
            text = decoded
            bytes = [UInt8](data)
        } catch let problem as ConfigError {
            throw problem
        } catch {
            throw ConfigError(file: path, line: 0, key: "", message: "cannot read: \(error.localizedDescription)")
        }
        var parser = ConfigParser(fileName: path, baseDirectory: folder(of: path))
        parser.fileProblem = NamedFileCheck().problem
        parser.environmentDatabase = ProcessInfo.processInfo.environment["CRAWLER_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
        var config = try parser.parse(text)
        if case .template(let templatePath) = config.output {
            guard let data = FileManager.default.contents(atPath: templatePath) else {
                throw ConfigError(file: path, line: 0, key: "template", message: "cannot read the template \(templatePath)")
            }
            config.output = .template(String(decoding: data, as: UTF8.self))
            config.templatePath = templatePath
        }
        return (config, bytes)
    }

    /// The folder holding the file, resolved by the kernel: relative paths in it start there.
    public static func folder(of path: String) -> String {
        let written = (path as NSString).deletingLastPathComponent
        return resolved(written.isEmpty ? "." : written)
            ?? URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent().path
    }

    private static func resolved(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Where the text stops being UTF-8, for the message: the line and the byte.
    static func notUTF8(_ bytes: [UInt8], path: String) -> ConfigError {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            return ConfigError(file: path, line: 0, key: "", message: "is UTF-16 text (as some Windows editors save it); save it as UTF-8")
        }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while case .valid(let scalar) = parser.parseScalar(from: &iterator) { offset += scalar.count }
        let before = bytes[..<min(offset, bytes.count)]
        let line = before.count { $0 == 0x0A } + 1
        // In characters, as YAML's own messages and editors count them.
        let column = String(decoding: before[(before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0)...], as: UTF8.self).count + 1
        let byte = offset < bytes.count ? String(format: "0x%02X", bytes[offset]) : "a cut character"
        return ConfigError(file: path, line: line, key: "",
                           message: "is not UTF-8 text: \(byte) at column \(column) (Latin-1 or another legacy encoding?); save it as UTF-8")
    }

    /// What stands at `path` when it is no regular file (followed through links): a FIFO would
    /// block the read and a device never end it; Foundation refused both as "permission".
    private static func notAFile(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG, S_IFDIR: return nil
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "no regular file"
        }
    }
}
