import ArgumentParser
import CrawlerApp
import FeedModel
import Foundation
import Parse

struct Parse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse one feed (a file or a URL) and show what the crawler reads from it.",
        discussion: "Nothing is stored. With --json, prints one JSON object: {\"feed\": {...}, \"items\": [...]}."
    )

    @Argument(help: "A feed file, or an http(s):// URL to fetch.")
    var source: String

    @Flag(name: .long, help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        let (bytes, url, charset) = try await load()
        let feed: Feed
        do {
            feed = try FeedParser.parse(bytes, url: url, httpCharset: charset)
        } catch {
            printError("crawler: \(source): \(error)")
            throw ExitCode.failure
        }
        print(json ? FeedJSON.render(feed) : FeedTable.render(feed))
    }

    private func load() async throws -> ([UInt8], String, String?) {
        if source.hasPrefix("http://") || source.hasPrefix("https://") {
            switch await SingleFetch.get(source) {
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
