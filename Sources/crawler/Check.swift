import ArgumentParser
import Config
import CrawlerApp
import FeedModel
import Foundation
import Logging
import Parse

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate feeds.yaml; with --probe, also fetch each feed once and say which ones work.",
        discussion: "Nothing is stored. Exit status 0 when everything checked is fine, 1 otherwise, 2 for a bad file."
    )

    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String = "feeds.yaml"

    @Flag(name: .long, help: "Fetch and parse every feed once (nothing is stored).")
    var probe = false

    func run() async throws {
        let settings = try ConfigFile.load(config).config
        try Self.compileTemplate(settings)
        let disabled = settings.disabledFeeds.isEmpty ? "" : " (and \(settings.disabledFeeds.count) disabled)"
        printOutput("\(config): \(counted(settings.feeds.count, "feed"))\(disabled), valid")
        var problems = 0
        if let storeProblem = Self.storeProblem(settings.storePath) {
            printOutput("store \(settings.storePath): \(storeProblem)")
            problems += 1
        } else {
            printOutput("store \(settings.storePath): writable")
        }
        if probe { problems += await probeFeeds(settings) }
        if problems > 0 { throw ExitCode.failure }
    }

    /// `output: template`: the template must compile, or `check` names the file, line and column.
    static func compileTemplate(_ settings: CrawlerConfig) throws {
        do {
            _ = try Pipeline(config: settings, logger: Logger(label: "check", factory: { _ in SwiftLogNoOpLogHandler() }))
        } catch {
            printError("crawler: \(error)")
            throw ExitStatus.configError
        }
    }

    /// Why the store folder (or the folder it would be created in) cannot be written, if it cannot.
    static func storeProblem(_ path: String) -> String? {
        var folder = URL(fileURLWithPath: path)
        while !FileManager.default.fileExists(atPath: folder.path) && folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        var isFolder: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder)
        // The store, or the nearest folder it would be made in: a file there stops both.
        guard isFolder.boolValue else { return "\(folder.path) is a file, not a folder" }
        return FileManager.default.isWritableFile(atPath: folder.path) ? nil : "\(folder.path) is not writable"
    }

    private func probeFeeds(_ settings: CrawlerConfig) async -> Int {
        var problems = 0
        for feed in settings.feeds {
            let verdict = await ProbeVerdict.of(feed, config: settings)
            if !verdict.ok { problems += 1 }
            printOutput("\(verdict.ok ? "ok  " : "FAIL")  \(feed.name)  \(verdict.text)")
        }
        return problems
    }
}

/// What one probe of a feed found.
struct ProbeVerdict {
    let ok: Bool
    let text: String

    /// Fetched as a crawl would: the same transfer settings, and the feed's own.
    static func of(_ feed: FeedConfig, config: CrawlerConfig) async -> ProbeVerdict {
        let access = NetworkAccess.operatorURL(feed.url, allowsPrivateNetworks: feed.allowPrivateNetworks)
        switch await SingleFetch.getAnyStatus(feed.url, config: config, request: feed.request, access: access) {
        case .failure(let reason):
            return ProbeVerdict(ok: false, text: reason)
        case .success(let response) where !(200..<300).contains(response.status):
            return ProbeVerdict(ok: false, text: "HTTP \(response.status)")
        case .success(let response):
            let moved = response.finalURL != feed.url ? "; redirects to \(response.finalURL)" : ""
            do {
                let parsed = try FeedParser.parse(response.body, url: response.finalURL, httpCharset: response.charset)
                return ProbeVerdict(ok: true, text: "\(parsed.kind.rawValue), \(counted(parsed.items.count, "item"))\(moved)")
            } catch {
                let hint = FeedDiscovery.candidates(inPage: response.body, pageURL: response.finalURL).first
                    .map { "; the page links to the feed \($0)" } ?? ""
                return ProbeVerdict(ok: false, text: "\(error)\(moved)\(hint)")
            }
        }
    }
}
