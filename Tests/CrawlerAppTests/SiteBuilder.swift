import Foundation

/// Debian's `hugo` or `jekyll`, building a site from a folder, and what they rendered.
struct SiteBuilder {
    let executable: String
    let arguments: [String]

    enum Failure: Error, CustomStringConvertible {
        case notInstalled(String)
        case timedOut(String, seconds: Int)
        case failed(String, Int32, String)

        var description: String {
            switch self {
            case .notInstalled(let name): return "\(name) is needed for this test: apt-get install -y \(name)"
            case .timedOut(let name, let seconds): return "\(name) did not finish within \(seconds) s"
            case .failed(let name, let status, let output): return "\(name) exited with status \(status): \(output.suffix(1500))"
            }
        }
    }

    static func hugo() throws(Failure) -> SiteBuilder {
        SiteBuilder(executable: try find("hugo"), arguments: ["--quiet", "--destination", "public"])
    }

    static func jekyll() throws(Failure) -> SiteBuilder {
        SiteBuilder(executable: try find("jekyll"), arguments: ["build", "--quiet", "--destination", "_site"])
    }

    private static func find(_ name: String) throws(Failure) -> String {
        guard let path = ["/usr/bin/", "/usr/local/bin/"].map({ $0 + name })
            .first(where: FileManager.default.isExecutableFile(atPath:)) else { throw .notInstalled(name) }
        return path
    }

    /// Builds the site in `folder`; its output (stdout and stderr) goes to a file beside it.
    func build(in folder: String, timeout: Int = 180) throws {
        let name = (executable as NSString).lastPathComponent
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let log = folder + ".build-log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        let deadline = Date().addingTimeInterval(Double(timeout))
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning {
            process.terminate()
            throw Failure.timedOut(name, seconds: timeout)
        }
        guard process.terminationStatus == 0 else {
            let output = FileManager.default.contents(atPath: log) ?? Data()
            throw Failure.failed(name, process.terminationStatus, String(decoding: output, as: UTF8.self))
        }
    }

    /// What a test layout put between the two markers: the page's content as the site rendered it.
    static func renderedContent(_ page: String) -> String? {
        guard let start = page.range(of: beginMarker), let end = page.range(of: endMarker, options: .backwards),
              start.upperBound <= end.lowerBound else { return nil }
        return String(page[start.upperBound..<end.lowerBound])
    }

    /// A stored document's text after its front matter: what the site should show as it is.
    static func storedContent(_ document: String) -> String? {
        guard document.hasPrefix("---\n"), let close = document.range(of: "\n---\n") else { return nil }
        return String(document[close.upperBound...])
    }

    /// A Hugo site's hugo.toml with a store's posts/ as its content/posts, as the README shows.
    static func hugoConfig(posts: String, disabling kinds: String? = nil) -> String {
        """
        baseURL = "http://example.org/"
        \(kinds.map { "disableKinds = " + $0 } ?? "")
        [[module.mounts]]
        source = "\(posts)"
        target = "content/posts"
        """
    }

    static let beginMarker = "CRAWLER-CONTENT-BEGIN"
    static let endMarker = "CRAWLER-CONTENT-END"
}
