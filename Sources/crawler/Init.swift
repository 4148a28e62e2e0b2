import ArgumentParser
import Config
import Foundation

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented starter feeds.yaml (an existing file is never overwritten).",
        discussion: "Then add feeds with `crawler add URL` or `crawler import-opml FILE`, and try them with `crawler check --probe`."
    )

    @Option(name: .shortAndLong, help: "The configuration file to write.")
    var config: String = "feeds.yaml"

    func run() throws {
        guard !FileManager.default.fileExists(atPath: config) else {
            printError("crawler: \(config) already exists; it is left as it is (pass --config PATH for a new file)")
            throw ExitStatus.configError
        }
        // A link to nothing (fileExists follows links): the file would be made at its target.
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: config) {
            printError("crawler: \(config) is a symbolic link to \(target), which does not exist; it is left as it is "
                       + "(remove the link, or pass --config PATH for a new file)")
            throw ExitStatus.configError
        }
        let folder = (config as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) || !isFolder.boolValue {
            printError("crawler: cannot write \(config): the folder \(folder) does not exist; make it first")
            throw ExitCode.failure
        }
        do {
            try Data(StarterConfig.text.utf8).write(to: URL(fileURLWithPath: config), options: .withoutOverwriting)
        } catch {
            printError("crawler: cannot write \(config): \(String(cString: strerror(errno)))")
            throw ExitCode.failure
        }
        printOutput("wrote \(config); add feeds with `crawler add URL` or `crawler import-opml FILE`, "
                    + "then try them with `crawler check --probe`")
    }
}

/// The file `crawler init` writes: every line a newcomer needs, the rest commented with its default.
enum StarterConfig {
    static let text = """
        # What crawler fetches and where it stores it. `crawler check` validates this file;
        # `crawler check --probe` also fetches each feed once. Durations need a unit (45s, 30m,
        # 2h, 1d), sizes too (512KB, 32MB).

        # Where documents and their index go, relative to this file.
        store: ./store

        # How often each feed is polled, unless the feed sets its own.
        interval: 30m

        # Sent with every request: say who you are and where to reach you.
        # user_agent: "my-crawler/1.0 (+https://example.org/contact)"

        # The front matter documents are written in: hexo, hugo, jekyll or template.
        # output: hexo

        # Transfers at once, in all and per host; seconds between two requests to one host.
        # concurrency: 32
        # per_host_concurrency: 6
        # host_gap: 0.2s

        # The feeds. `crawler add URL` and `crawler import-opml FILE` append to this list, which
        # must stay the last setting. Each entry needs a url; everything else is optional:
        #   - url: https://example.org/feed.xml
        #     name: example              # default: host + path, e.g. example.org/feed.xml
        #     categories: [News, Tech]   # written to every document
        #     interval: 2h
        #     enabled: false             # kept here, not crawled
        feeds: []

        """
}
