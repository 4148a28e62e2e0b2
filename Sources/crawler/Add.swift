import ArgumentParser
import Config
import CrawlerApp
import FeedModel
import Foundation
import Parse

struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a feed to feeds.yaml, given its URL or the URL of a page that links to it.",
        discussion: """
            A page is searched for <link rel="alternate"> feeds; the first one that parses is added. \
            The feed is fetched and parsed before anything is written.
            """
    )

    @Argument(help: "A feed URL, or a web page URL.")
    var url: String

    @Option(name: .long, help: "The feed's name (default: host + path).")
    var name: String?

    @Option(name: .long, parsing: .upToNextOption, help: "Categories for the feed's documents.")
    var categories: [String] = []

    @Option(name: .shortAndLong, help: "The configuration file to add to.")
    var config: String = "feeds.yaml"

    func run() async throws {
        let configFile = try ConfigFile.load(config)
        let (feedURL, feed) = try await discover(url, userAgent: configFile.config.userAgent)
        guard !configFile.contains(url: feedURL) else {
            printOutput("\(feedURL) is already in \(config)")
            return
        }
        let chosenName = configFile.uniqueName(name ?? defaultName(for: feedURL), taken: [])
        try configFile.append([FeedConfig(name: chosenName, url: feedURL, categories: categories)],
                              comment: "Added by crawler add")
        printOutput("added \(chosenName)  \(feedURL)  (\(feed.kind.rawValue), \"\(feed.title)\", \(feed.items.count) items)")
    }

    /// The feed at `url`, or the first feed the page at `url` advertises that parses.
    private func discover(_ url: String, userAgent: String) async throws -> (String, Feed) {
        let response = try await fetch(url, userAgent: userAgent)
        if let feed = try? FeedParser.parse(response.body, url: response.finalURL, httpCharset: response.charset) {
            return (response.finalURL == url ? url : response.finalURL, feed)
        }
        let candidates = FeedDiscovery.candidates(inPage: response.body, pageURL: response.finalURL)
        guard !candidates.isEmpty else {
            printError("crawler: \(url) is neither a feed nor a page that links to one")
            throw ExitCode.failure
        }
        for candidate in candidates {
            guard let page = try? await fetch(candidate, userAgent: userAgent),
                  let feed = try? FeedParser.parse(page.body, url: page.finalURL, httpCharset: page.charset) else { continue }
            return (candidate, feed)
        }
        printError("crawler: \(url) links to \(candidates.joined(separator: ", ")), but none of them parses as a feed")
        throw ExitCode.failure
    }

    private func fetch(_ url: String, userAgent: String) async throws -> FetchResponse {
        switch await SingleFetch.get(url, userAgent: userAgent) {
        case .success(let response): return response
        case .failure(let reason):
            printError("crawler: \(url): \(reason)")
            throw ExitCode.failure
        }
    }
}
