import ArgumentParser
import Config
import CrawlerApp
import FeedModel
import Foundation
import Parse

struct Parse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse one feed (a file, - for standard input, or a URL) and show what the crawler reads from it.",
        discussion: """
            Nothing is stored. With --json, prints one JSON object: {"feed": {...}, "items": [...], "notes": {...}}. \
            Notes (an encoding label overridden, a broken document recovered, unreadable dates) go to \
            standard error in the table form.
            """
    )

    @Argument(help: "A feed file, - for standard input, or an http(s):// URL to fetch.")
    var source: String

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Read a saved file as if served with this Content-Type header (its charset counts).",
                                            valueName: "header"))
    var contentType: String?

    @Flag(name: .long, help: "Print the documents that would be stored, in the output profile of --config (its max_items first items).")
    var render = false

    @Option(name: .shortAndLong, help: "The configuration whose output profile --render uses, and whose transfer settings (timeouts, proxy, max_body_size, user agent) a URL is fetched with. Without it, feeds.yaml if there is one.")
    var config: String?

    /// The configuration in effect: the one named, or feeds.yaml when that exists.
    private var configPath: String? {
        let path = config ?? "feeds.yaml"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    @Flag(name: .long, help: "Let redirects and host names lead to loopback and private addresses.")
    var allowPrivateNetworks = false

    /// For bench/parse: parse the loaded bytes this many times and print timings, not the feed.
    @Option(name: .long, help: .hidden)
    var bench: Int?

    func run() async throws {
        if let config, configPath == nil {
            printError("crawler: \(config): no such file (named by --config)")
            throw ExitCode(2)
        }
        let (bytes, url, charset) = try await load()
        if let bench {
            printOutput(ParseBenchmark.run(bytes, url: url, charset: charset, times: max(bench, 1),
                                           render: render ? CrawlerConfig(storePath: ".") : nil))
            return
        }
        // Rendered as a crawl stores it: only the first `max_items`.
        let settings = render ? try renderSettings() : nil
        var parsed: LimitedFeed
        do {
            parsed = try FeedParser.parse(bytes, url: url, httpCharset: charset,
                                          limits: settings.map { ParseLimits(maxItems: $0.maxItems) } ?? .unlimited)
        } catch {
            printError("crawler: \(source): \(error)")
            throw ExitCode.failure
        }
        parsed.feed = FeedReading.settled(parsed.feed, now: WallClock.now())
        if let settings {
            if parsed.cut == .maxItems {
                printError("crawler: \(source): cut at max_items: the first \(settings.maxItems) items, as a crawl stores them")
            }
            let rendered = try DocumentPreview.render(parsed.feed, source: url, config: settings, now: WallClock.now())
            if rendered.blank > 0 {
                printError("crawler: \(source): \(counted(rendered.blank, "item")) with no title, text, image, video, audio or "
                           + "enclosure left out, as a crawl leaves \(rendered.blank == 1 ? "it" : "them") out (items_blank)")
            }
            printOutput(rendered.documents.map { "==> \($0.itemIdentity) <==\n\($0.text)" }.joined(separator: "\n"))
            return
        }
        if json {
            printOutput(FeedJSON.render(parsed.feed, notes: parsed.notes.logMetadata))
            return
        }
        // A note may quote the feed (an unreadable date): one line each.
        for (key, value) in parsed.notes.logMetadata { printError("crawler: \(source): \(key): \(TerminalText.oneLine(value))") }
        printOutput(FeedTable.render(parsed.feed))
    }

    /// The output profile and limits --render uses: the configuration's, or the defaults. Each
    /// document is printed as the store would write it, after a line naming its identity.
    private func renderSettings() throws -> CrawlerConfig {
        guard let configPath else { return CrawlerConfig(storePath: ".") }
        do { return try ConfigLoader.load(path: configPath) } catch {
            printError("crawler: \(error)")
            throw ExitCode(2)
        }
    }

    private func load() async throws -> ([UInt8], String, String?) {
        let (bytes, url, served) = try await loadBytes()
        // A saved response replayed with its header: the header's charset, as the crawler would see it.
        guard let contentType else { return (bytes, url, served) }
        let charset = FetchResponse(status: 200, finalURL: url, headers: ["content-type": contentType], body: [],
                                    wireBytes: 0).charset
        return (bytes, url, charset)
    }

    /// All of stdin, by read(2): Foundation's `readDataToEndOfFile` trapped on a closed stdin
    /// (`<&-`) or a folder (`< /tmp`), with a stack trace for the operator.
    private static func standardInput() throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count > 0 { bytes += chunk[..<count]; continue }
            if count == 0 { return bytes }
            if errno == EINTR { continue }
            printError("crawler: cannot read the feed from stdin: \(String(cString: strerror(errno)))")
            throw ExitCode.failure
        }
    }

    private func loadBytes() async throws -> ([UInt8], String, String?) {
        if source == "-" {
            return (try Self.standardInput(), "", nil)
        }
        if source.hasPrefix("http://") || source.hasPrefix("https://") {
            let access = NetworkAccess.operatorURL(source, allowsPrivateNetworks: allowPrivateNetworks,
                                                   hint: SingleFetch.commandLineHint)
            let settings = try configPath.map { try ConfigFile.load($0).config }
            switch await SingleFetch.get(source, config: settings, access: access) {
            case .success(let response): return (response.body, response.finalURL, response.charset)
            case .failure(let reason):
                printError("crawler: " + SingleFetch.naming(source, reason))
                throw ExitCode.failure
            }
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: source, isDirectory: &isFolder), isFolder.boolValue {
            printError("crawler: \(source) is a folder, not a feed file")
            throw ExitCode.failure
        }
        guard let data = FileManager.default.contents(atPath: source) else {
            printError("crawler: cannot read \(source): \(String(cString: strerror(errno)))")
            throw ExitCode.failure
        }
        let absolute = URL(fileURLWithPath: source).standardizedFileURL.absoluteString
        return ([UInt8](data), absolute, nil)
    }
}

/// Times the real parser on bytes already in memory, in CPU seconds (other work on the machine
/// does not count against it); the median keeps one slow run from counting.
enum ParseBenchmark {
    /// With `render`, each run also converts the items into documents as a pass would (the
    /// default output profile), timed apart: bench/fetch's profile of a farm splits the two.
    static func run(_ bytes: [UInt8], url: String, charset: String?, times: Int, render: CrawlerConfig?) -> String {
        var seconds: [Double] = [], rendering: [Double] = []
        var items = 0
        for _ in 0..<times {
            let start = cpuSeconds()
            let feed = try? FeedParser.parse(bytes, url: url, httpCharset: charset)
            items = feed?.items.count ?? -1
            let parsed = cpuSeconds()
            seconds.append(parsed - start)
            guard let render, let feed else { continue }
            _ = try? DocumentPreview.render(feed, source: url, config: render, now: WallClock.now()).documents
            rendering.append(cpuSeconds() - parsed)
        }
        var json = "{\"bytes\": \(bytes.count), \"items\": \(items), \"median_cpu_seconds\": \(median(seconds))"
        if !rendering.isEmpty { json += ", \"render_median_cpu_seconds\": \(median(rendering))" }
        return json + ", \"runs\": \(times)}"
    }

    private static func median(_ values: [Double]) -> Double {
        values.sorted()[values.count / 2]
    }

    private static func cpuSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
