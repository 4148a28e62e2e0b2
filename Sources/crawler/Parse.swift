import ArgumentParser
import CrawlerApp
import FeedModel
import Foundation
import Parse

struct Parse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse one feed (a file or a URL) and show what the crawler reads from it.",
        discussion: "Nothing is stored. With --json, prints one JSON object: {\"feed\": {...}, \"items\": [...]}."
    )

    @Argument(help: "A feed file, or an http(s):// URL to fetch.")
    var source: String

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    @Option(name: .shortAndLong, help: "The configuration whose transfer settings (timeouts, proxy, max_body_size, user agent) a URL is fetched with, if the file exists.")
    var config: String = "feeds.yaml"

    @Flag(name: .long, help: "Let redirects and host names lead to loopback and private addresses.")
    var allowPrivateNetworks = false

    /// For bench/parse: parse the loaded bytes this many times and print timings, not the feed.
    @Option(name: .long, help: .hidden)
    var bench: Int?

    func run() async throws {
        let (bytes, url, charset) = try await load()
        if let bench {
            printOutput(ParseBenchmark.run(bytes, url: url, charset: charset, times: max(bench, 1)))
            return
        }
        let feed: Feed
        do {
            feed = try FeedParser.parse(bytes, url: url, httpCharset: charset)
        } catch {
            printError("crawler: \(source): \(error)")
            throw ExitCode.failure
        }
        printOutput(json ? FeedJSON.render(feed) : FeedTable.render(feed))
    }

    private func load() async throws -> ([UInt8], String, String?) {
        if source.hasPrefix("http://") || source.hasPrefix("https://") {
            let access = NetworkAccess.operatorURL(source, allowsPrivateNetworks: allowPrivateNetworks,
                                                   hint: SingleFetch.commandLineHint)
            let settings = FileManager.default.fileExists(atPath: config) ? try ConfigFile.load(config).config : nil
            switch await SingleFetch.get(source, config: settings, access: access) {
            case .success(let response): return (response.body, response.finalURL, response.charset)
            case .failure(let reason):
                printError("crawler: \(source): \(reason)")
                throw ExitCode.failure
            }
        }
        guard let data = FileManager.default.contents(atPath: source) else {
            printError("crawler: cannot read \(source)")
            throw ExitCode.failure
        }
        let absolute = URL(fileURLWithPath: source).standardizedFileURL.absoluteString
        return ([UInt8](data), absolute, nil)
    }
}

/// Times the real parser on bytes already in memory, in CPU seconds (other work on the machine
/// does not count against it); the median keeps one slow run from counting.
enum ParseBenchmark {
    static func run(_ bytes: [UInt8], url: String, charset: String?, times: Int) -> String {
        var seconds: [Double] = []
        var items = 0
        for _ in 0..<times {
            let start = cpuSeconds()
            items = (try? FeedParser.parse(bytes, url: url, httpCharset: charset))?.items.count ?? -1
            seconds.append(cpuSeconds() - start)
        }
        let median = seconds.sorted()[seconds.count / 2]
        return "{\"bytes\": \(bytes.count), \"items\": \(items), \"median_cpu_seconds\": \(median), \"runs\": \(times)}"
    }

    private static func cpuSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
