import ArgumentParser
import Config
import CrawlerApp
import FeedModel
import Foundation
import Logging
import Parse
import Store

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
        // `keep: 30` is a count, an easy slip for 30 days, and it forgets what it does not keep.
        let counts = Set(settings.feeds.compactMap { feed -> Int? in
            if case .newest(let count)? = settings.retention(for: feed) { return count }
            return nil
        })
        for count in counts.sorted() {
            printOutput("note: keep: \(count) keeps each feed's \(count) newest posts and forgets the rest; for days write keep: \(count)d")
        }
        for note in Self.intervalNotes(settings.feeds) { printOutput(note) }
        if settings.databasePasswordInFile { printOutput("note: " + CrawlSetup.passwordInFile) }
        var problems = 0
        if let storeProblem = Self.storeProblem(settings.storePath) ?? Self.profileProblem(settings) {
            printOutput("store \(settings.storePath): \(storeProblem)")
            problems += 1
        } else {
            printOutput("store \(settings.storePath): writable")
        }
        if probe { problems += await probeFeeds(settings) }
        if problems > 0 { throw ExitCode.failure }
    }

    /// An adaptive feed's `interval:` outside its own bounds: taken (refusing it would stop a
    /// running file from loading after an upgrade), but the bounds win, which the operator should know.
    static func intervalNotes(_ feeds: [FeedConfig]) -> [String] {
        feeds.filter(\.adaptive).compactMap { feed in
            let interval = StatusTable.words(Int64(feed.interval))
            if let high = feed.maxInterval, feed.interval > high {
                let bound = StatusTable.words(Int64(high))
                return "note: feed '\(feed.name)': interval \(interval) is above max_interval \(bound); adaptive polling keeps it within \(bound)"
            }
            if let low = feed.minInterval, feed.interval < low {
                let bound = StatusTable.words(Int64(low))
                return "note: feed '\(feed.name)': interval \(interval) is below min_interval \(bound); adaptive polling keeps it at \(bound) or more"
            }
            return nil
        }
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
        // Tried, not judged from the mode bits: root passes access(2) on /proc, where nothing can be made.
        let probe = folder.appendingPathComponent(".crawler-check-\(getpid())").path
        guard mkdir(probe, 0o700) == 0 else { return "\(folder.path) is not writable (\(String(cString: strerror(errno))))" }
        rmdir(probe)
        return nil
    }

    /// What would stop the next crawl in the store itself: documents written with other output
    /// settings, or a rerender cut short (`once` and `run` refuse both, with exit status 2).
    static func profileProblem(_ settings: CrawlerConfig) -> String? {
        guard FileManager.default.fileExists(atPath: settings.storePath + "/index.sqlite"),
              let reader = try? StoreReader(path: settings.storePath) else { return nil }
        if let profile = reader.rerendering() {
            return "a `crawler store rerender` (to \(profile)) did not finish; run it again before the next crawl, "
                + "and do what it says if it cannot finish"
        }
        if let foreign = reader.foreignFiles() {
            return "holds \(foreign): the next crawl refuses to start until output: (and template:, document_path:) are "
                + "set back to the ones they were written with and `crawler store rebuild-index` is run again "
                + "(crawler store verify names them)"
        }
        let current = StoreProfile.fingerprint(of: settings)
        guard let recorded = reader.recordedProfile(), recorded != current,
              let documents = try? reader.documentCount(), documents > 0 else { return nil }
        // The template by its file as well as by the hash recorded (round 63: the hash alone named nothing).
        let file = settings.templatePath.map { " (the text of \($0))" } ?? ""
        return "holds \(counted(documents, "document")) written with \(recorded), and the configuration says \(current)\(file): "
            + "the next crawl refuses to start until `crawler store rerender` has rewritten them (or the old settings are back)"
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
            // Worded as a crawl's line words it (round 48: "HTTP 429" here, "HTTP 429 Too Many Requests" there).
            let wait = response.cache.retryAfter.map { "; asked to retry after \($0) s" } ?? ""
            return ProbeVerdict(ok: false, text: "HTTP \(response.status) \(HTTPStatusText.reason(response.status))\(wait)")
        case .success(let response):
            // Only a redirect followed: a URL written otherwise (`http://2130706433/`) comes back normalised.
            let moved = !response.redirects.isEmpty && response.finalURL != feed.url ? "; redirects to \(response.finalURL)" : ""
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
