import ArgumentParser
import Config
import CrawlerApp
import FeedModel
import Foundation

struct Preview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Fetch one feed and show the documents its rules and extraction would store, storing nothing.",
        discussion: """
            Prints each of the first --items items: the document that would be written, or why the rules \
            drop it. --rule adds a rule to the feed's own for this run: block:FIELD=REGEX or keep:FIELD=REGEX \
            (FIELD: title, content, author, link, categories); repeat it for more. Nothing is stored and no \
            feed state is saved. Exit status 1 when the feed cannot be fetched or read.
            """
    )

    @Argument(help: "The feed, by name or URL, as in feeds.yaml.")
    var feed: String

    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String = "feeds.yaml"

    @Option(name: .long, help: "How many of the feed's items to show (its first ones).")
    var items: Int = 10

    @Option(name: .long, parsing: .singleValue, help: "An extra rule: block:FIELD=REGEX or keep:FIELD=REGEX.")
    var rule: [String] = []

    func validate() throws {
        guard items > 0 else { throw ValidationError("--items must be a whole number above 0") }
        for text in rule { _ = try Self.parseRule(text) }
    }

    func run() async throws {
        let settings = try ConfigFile.load(config).config
        // By name in any capitals (as feeds.yaml reads names), or by URL in any spelling of it.
        let named = { (candidate: FeedConfig) in
            FeedNames.key(candidate.name) == FeedNames.key(feed) || URLIdentity.key(candidate.url) == URLIdentity.key(feed)
        }
        guard var chosen = (settings.feeds + settings.disabledFeeds).first(where: named) else {
            printError("crawler: no feed named '\(feed)' in \(config)"
                       + (NameSuggestion.closest(to: feed, among: settings.feeds.map(\.name)).map { "; did you mean '\($0)'?" } ?? "")
                       + " (see `crawler list`)")
            throw ExitStatus.configError
        }
        for text in rule {
            let (kind, added) = try Self.parseRule(text)
            if kind == "block" { chosen.rules.block.append(added) } else { chosen.rules.keep.append(added) }
        }
        let entries: [FeedPreview.Entry]
        do {
            entries = try await FeedPreview(feed: chosen, config: settings).run(limit: items, now: WallClock.now())
        } catch {
            printError("crawler: \(chosen.name): \(error)")
            throw ExitStatus.someFeedsFailed
        }
        printOutput(Self.render(entries, feed: chosen.name))
    }

    /// `block:title=(?i)sponsored` → ("block", a one-field rule).
    static func parseRule(_ text: String) throws -> (String, ItemRule) {
        let usage = "--rule '\(text)': write block:FIELD=REGEX or keep:FIELD=REGEX "
            + "(FIELD: \(ItemRule.fields.joined(separator: ", ")))"
        guard let colon = text.firstIndex(of: ":"), let equals = text[colon...].firstIndex(of: "=") else {
            throw ValidationError(usage)
        }
        let kind = String(text[..<colon]), field = String(text[text.index(after: colon)..<equals])
        let pattern = String(text[text.index(after: equals)...])
        guard kind == "block" || kind == "keep", ItemRule.fields.contains(field), !pattern.isEmpty else {
            throw ValidationError(usage)
        }
        do {
            _ = try Regex(pattern)
        } catch {
            throw ValidationError("--rule '\(text)': '\(pattern)' is not a valid regular expression: \(error)")
        }
        return (kind, ItemRule(conditions: [.init(field: field, pattern: pattern)], place: "--rule"))
    }

    static func render(_ entries: [FeedPreview.Entry], feed: String) -> String {
        var lines: [String] = []
        for (index, entry) in entries.enumerated() {
            let heading = "--- item \(index + 1): \(TerminalText.oneLine(entry.title))"
                + (entry.link.map { " <\(TerminalText.oneLine($0))>" } ?? "")
            lines.append(heading)
            if let dropped = entry.dropped {
                lines.append("dropped: \(dropped)")
                continue
            }
            if let problem = entry.articleProblem {
                switch entry.waitsForPage {
                case .untilADayOld?:
                    lines.append("article: not used (\(problem)); a crawl leaves the item out and asks for its page again "
                                 + "at each fetch until the item is a day old, then keeps the feed's body")
                case .untilThePageIsRead?:
                    lines.append("article: not used (\(problem)); the feed's body is empty, so a crawl leaves the item out "
                                 + "and asks for its page again at each fetch")
                case .nextFetch?:
                    lines.append("article: not asked (\(problem)); a crawl leaves the item out and asks for its page "
                                 + "at the next fetch")
                case nil:
                    lines.append("article: not used (\(problem)); the feed's body is kept")
                }
            }
            if let document = entry.document { lines.append(document.text) }
        }
        let stored = entries.filter { $0.document != nil }.count
        let waiting = entries.filter { $0.waitsForPage != nil }.count
        let blank = entries.filter(\.isBlank).count
        lines.append("\(feed): \(counted(entries.count, "item")) shown, \(stored) would be stored, "
                     + (waiting > 0 ? "\(waiting) wait\(waiting == 1 ? "s" : "") for \(waiting == 1 ? "its page" : "their pages"), " : "")
                     + (blank > 0 ? "\(blank) blank (nothing to post), " : "")
                     + "\(entries.count - stored - waiting - blank) dropped by rules; nothing was stored")
        return lines.joined(separator: "\n")
    }
}
