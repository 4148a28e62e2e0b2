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
            A page is searched for <link rel="alternate"> feeds; the first one that parses is added \
            (of the first ten the page lists). \
            The feed is fetched and parsed before anything is written. A feed the page links to must be \
            http:// or https://, and neither it nor a redirect may lead to a loopback or private address \
            unless --allow-private-networks is given (or allow_private_networks: true is set in the file); \
            the address and port of the URL you give are trusted, so a link back to them (under any name \
            that resolves there, localhost included) is allowed.
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

    @Flag(name: .long, help: "Find and check the feed, and show what would be added, without writing.")
    var dryRun = false

    @Flag(name: .long, help: "Let the page's feed link and redirects lead to loopback and private addresses; the feed is added with allow_private_networks: true.")
    var allowPrivateNetworks = false

    func run() async throws {
        let configFile = try ConfigFile.load(config)
        let allowed = allowPrivateNetworks || configFile.config.allowPrivateNetworks
        let configured = configFile.config.feeds + configFile.config.disabledFeeds
        // `--name ''` asks for no name: the default, as the help says (it was `feed`).
        let name = self.name.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
        // A name asked for is the operator's choice: refused when taken, not quietly numbered.
        if let name, let holder = configured.first(where: { FeedNames.key($0.name) == FeedNames.key(name) }) {
            printError("crawler: the name '\(TerminalText.escapingControls(name))' is already used by the feed on line "
                       + "\(holder.line) of \(config); choose another with --name")
            throw ExitStatus.configError
        }
        // As typed, before it is followed: a feed configured at a URL that moved for good is
        // found at its new URL, which the file does not name.
        if let existing = configFile.feed(at: url) {
            printOutput("\(url) is already in \(config) (line \(existing.line), name \(existing.name))")
            return
        }
        let (feedURL, feed) = try await discover(url, config: configFile.config, allowPrivate: allowed)
        if let existing = configFile.feed(at: feedURL) {
            printOutput("\(feedURL) is already in \(config) (line \(existing.line), name \(existing.name))")
            return
        }
        let chosenName = ConfigFile.uniqueName(name ?? FeedURLNaming.defaultName(for: feedURL),
                                               taken: Set(configured.map { FeedNames.key($0.name) }))
        var entry = FeedConfig(name: chosenName, url: feedURL, categories: categories)
        // The file's own global setting already covers it; the flag is for this feed alone.
        entry.allowPrivateNetworks = allowPrivateNetworks && !configFile.config.allowPrivateNetworks
        let added = try configFile.append([entry], comment: "Added by crawler add", dryRun: dryRun)
        printOutput("\(dryRun ? "would add" : "added") \(TerminalText.oneLine(chosenName))  \(TerminalText.oneLine(feedURL))  "
                    + "(\(feed.kind.rawValue), \"\(TerminalText.oneLine(feed.title))\", \(counted(feed.items.count, "item")))")
        // The entry as it would be written (the README promised it; only the name and URL were shown).
        // The file's own line ends (CR LF) are no hostile text: shown as lines (round 58: `\u000d`).
        if dryRun {
            let lines = added.replacing("\r\n", with: "\n").trimmingCharacters(in: .newlines).split(separator: "\n", omittingEmptySubsequences: false)
            printOutput(lines.map { TerminalText.escapingControls(String($0)) }.joined(separator: "\n"))
        }
    }

    /// The feed at `url`, or the first feed the page at `url` advertises that parses. The page's
    /// links are someone else's: http(s) only, and no private address unless allowed.
    private func discover(_ url: String, config: CrawlerConfig, allowPrivate: Bool) async throws -> (String, Feed) {
        let typed = NetworkAccess.operatorURL(url, allowsPrivateNetworks: allowPrivate, hint: SingleFetch.commandLineHint)
        let response = try await fetch(url, config: config, access: typed)
        if let feed = try? FeedParser.parse(response.body, url: response.finalURL, httpCharset: response.charset) {
            return (Self.lastingURL(url, redirects: response.redirects), feed)
        }
        let candidates = FeedDiscovery.candidates(inPage: response.body, pageURL: response.finalURL)
        guard !candidates.isEmpty else {
            printError("crawler: \(url) is neither a feed nor a page that links to one")
            throw ExitCode.failure
        }
        let linked = NetworkAccess.discovered(from: url, allowsPrivateNetworks: allowPrivate, hint: SingleFetch.commandLineHint)
        // A link that did not work is worth a line, but not an error line when a later one does.
        var passedOver: [String] = []
        // The page is someone else's: thousands of links, each costing a timeout, kept `add` busy for hours.
        for candidate in candidates.prefix(Self.linksTried) {
            let shown = TerminalText.oneLine(candidate)  // the page's, line breaks and all
            guard URLAuthority.isWeb(candidate) else {
                printError("crawler: refused: \(url) links to \(shown); a linked feed must be http:// or https://")
                continue
            }
            switch await SingleFetch.get(candidate, config: config, access: linked) {
            case .failure(let reason):
                passedOver.append(TerminalText.oneLine(SingleFetch.naming(shown, reason)))
            case .success(let page):
                do {
                    let feed = try FeedParser.parse(page.body, url: page.finalURL, httpCharset: page.charset)
                    for note in passedOver { printOutput("passed over \(note)") }
                    return (candidate, feed)
                } catch {
                    passedOver.append("\(shown): \(TerminalText.oneLine("\(error)"))")
                }
            }
        }
        for note in passedOver { printError("crawler: \(note)") }
        if candidates.count > Self.linksTried {
            printError("crawler: \(url) links to \(candidates.count) feeds; the first \(Self.linksTried) were tried, "
                       + "and none could be added (add one of the others by its own URL)")
        } else {
            printError("crawler: \(url) links to \(candidates.map(TerminalText.oneLine).joined(separator: ", ")), "
                       + "but none of them could be added")
        }
        throw ExitCode.failure
    }

    /// How many of a page's feed links `add` asks for, in the page's order.
    static let linksTried = 10

    /// Where permanent redirects (301, 308) from `url` lead, up to the first temporary one: a
    /// 302 or 307 may point at a signed, expiring address or one node of a balancer.
    /// A URL's password goes with it on its own origin (the check fetch sent it there); a move
    /// elsewhere is not followed for such a URL, as the crawl itself would not adopt it.
    static func lastingURL(_ url: String, redirects: [Redirect]) -> String {
        var lasting = url
        for redirect in redirects {
            guard redirect.isPermanent else { break }
            let target = URLUserInfo.removed(from: redirect.to)
            if URLUserInfo.has(lasting) {
                guard URLAuthority.keepsSecrets(from: lasting, to: target) else { break }
                lasting = URLUserInfo.carried(from: lasting, to: target)
            } else {
                lasting = redirect.to
            }
        }
        return lasting
    }

    private func fetch(_ url: String, config: CrawlerConfig, access: NetworkAccess) async throws -> FetchResponse {
        switch await SingleFetch.get(url, config: config, access: access) {
        case .success(let response): return response
        case .failure(let reason):
            printError("crawler: " + SingleFetch.naming(url, reason))
            throw ExitCode.failure
        }
    }
}
