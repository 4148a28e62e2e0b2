import ArgumentParser
import Config
import FeedModel
import Foundation
import Parse

struct ImportOPML: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-opml",
        abstract: "Add the subscriptions of an OPML file (from any feed reader) to feeds.yaml.",
        discussion: """
            Feeds already configured (same URL) are skipped. The new ones are appended at the end of \
            the feeds: list under a comment naming the file; everything else in feeds.yaml stays as it is. \
            Nested OPML folders become categories, outermost first; an outline's htmlUrl is kept as site_url \
            when it is an http(s) URL. An outline's title becomes the feed's name, white space trimmed and \
            invisible characters dropped, cut to 200 bytes (said on stderr); a name already taken, in any \
            case, gets -2, -3... \
            Duplicates are found under these spellings of a URL: scheme and host case, default port, \
            fragment, percent-escapes (%7E is ~); not under a host's punycode and Unicode forms. \
            An outline whose xmlUrl is not http:// or https://, or is a \
            loopback or private address (unless --allow-private-networks), is reported and skipped; the \
            others are added, and the exit status is 1. A file that is not well-formed XML adds nothing \
            (libxml2 reads around the damage and loses or cuts short what follows it): the error names \
            the line, and the exit status is 1.
            """
    )

    @Argument(help: "The OPML file.")
    var file: String

    @Option(name: .shortAndLong, help: "The configuration file to add to.")
    var config: String = "feeds.yaml"

    @Flag(name: .long, help: "Show what would be added without writing.")
    var dryRun = false

    @Flag(name: .long, help: "Accept xmlUrls written as loopback or private addresses.")
    var allowPrivateNetworks = false

    func run() throws {
        let configFile = try ConfigFile.load(config)
        guard let data = FileManager.default.contents(atPath: file) else {
            printError("crawler: cannot read \(file): \(String(cString: strerror(errno)))")
            throw ExitCode.failure
        }
        let outlines: [OPMLOutline]
        var damage: String?
        do {
            outlines = try OPMLReader.read([UInt8](data), damaged: { damage = $0 },
                                           recoded: { printError("crawler: \(file): \($0)") })
        } catch {
            printError("crawler: \(file): \(error)")
            throw ExitCode.failure
        }
        var added: [FeedConfig] = []
        var commentedOut: Set<String> = []
        var skipped = 0, repeated = 0
        var addedURLs = Set<String>()
        var refused = 0
        let allowPrivate = allowPrivateNetworks || configFile.config.allowPrivateNetworks
        let configured = configFile.config.feeds + configFile.config.disabledFeeds
        // Kept up to date as outlines are added: one lookup each, however long the lists.
        var knownURLs = Set(configured.map { URLIdentity.key($0.url) })
        var takenNames = Set(configured.map { FeedNames.key($0.name) })
        var counters: [String: Int] = [:]
        // A feed listed both live and commented out is live, whichever comes first.
        let live = Set(outlines.filter { !$0.isComment }.map { URLIdentity.key($0.feedURL) })
        for (index, outline) in outlines.enumerated() {
            if outline.isComment, live.contains(URLIdentity.key(outline.feedURL)) { continue }
            if let problem = OutlineCheck.problem(with: outline.feedURL, allowPrivate: allowPrivate) {
                printError("crawler: \(file): outline \(index + 1) (\"\(TerminalText.oneLine(outline.title))\"): \(problem); skipped")
                refused += 1
                continue
            }
            let identity = URLIdentity.key(outline.feedURL)
            guard knownURLs.insert(identity).inserted else {
                // In feeds.yaml already, or added from an earlier outline of this file (another folder).
                if addedURLs.contains(identity) {
                    // Which one, and the folders it loses (round 63: only a count was said).
                    let folders = outline.categories.map(Self.oneLine).filter { !$0.isEmpty }.joined(separator: " > ")
                    printError("crawler: \(file): outline \(index + 1) (\"\(TerminalText.oneLine(outline.title))\"): "
                               + "\(TerminalText.oneLine(outline.feedURL)) is listed again"
                               + (folders.isEmpty ? "" : " in \(folders)") + "; its first outline's folders are kept")
                    repeated += 1
                } else {
                    skipped += 1
                }
                continue
            }
            addedURLs.insert(identity)
            let name = ConfigFile.uniqueName(preferredName(for: outline, at: index), taken: takenNames, counters: &counters)
            takenNames.insert(FeedNames.key(name))
            // Folder titles become categories, which hold no line break or control either.
            let categories = outline.categories.map(Self.oneLine).filter { !$0.isEmpty }
            var feed = FeedConfig(name: name, url: outline.feedURL, categories: categories)
            // As feeds.yaml takes it: an htmlUrl it would refuse (`javascript:`, a control) is left out.
            feed.siteURL = outline.siteURL.flatMap { SiteURL.problem(with: $0) == nil ? $0 : nil }
            if outline.isComment { commentedOut.insert(name) }
            added.append(feed)
        }
        // libxml2's recovery reads what it can of a damaged file and drops the rest without a trace,
        // and an attribute cut short reads as a URL cut short: nothing of such a file is written.
        if let damage {
            printError("crawler: \(file): not well-formed XML (\(damage)); outlines after it may be missing or cut "
                       + "short: nothing was added; fix the file and import it again")
            throw ExitStatus.someFeedsFailed
        }
        if !added.isEmpty {
            try configFile.append(added, disabled: commentedOut, comment: "Imported from \((file as NSString).lastPathComponent)",
                                  dryRun: dryRun)
        }
        // Listed once written: a file that could not be replaced adds nothing.
        for feed in added { printOutput("add   \(feed.name)  \(feed.url)" + (commentedOut.contains(feed.name) ? "  (disabled)" : "")) }
        printOutput("\(dryRun ? "would add" : "added") \(counted(added.count, "feed")) to \(config); \(skipped) already there"
            + (repeated > 0 ? "; \(repeated) listed again in the file (its first outline's folders kept)" : "")
            + (refused > 0 ? "; \(refused) refused" : ""))
        if refused > 0 { throw ExitStatus.someFeedsFailed }
    }
}

extension ImportOPML {
    /// The outline's title as a name, else its URL's host and path. A title cut short is said,
    /// by its start only: the message printed a kilobyte title whole.
    private func preferredName(for outline: OPMLOutline, at index: Int) -> String {
        let title = Self.oneLine(outline.title)
        let name = Self.shortened(title)
        if name != title {
            printError("crawler: \(file): outline \(index + 1) (\"\(TerminalText.oneLine(String(title.prefix(60))))…\"): its title "
                       + "is \(outline.title.utf8.count) bytes long; the feed's name is its first \(Self.longestName)")
        }
        return name.isEmpty ? Self.shortened(Self.oneLine(FeedURLNaming.defaultName(for: outline.feedURL))) : name
    }

    /// A title as a feed name: someone else's file may break it over lines (other controls it
    /// holds are shown escaped wherever the name is printed). Invisible format characters (a
    /// byte order mark, zero-width spaces and joiners, bidi marks) are dropped and white space is
    /// trimmed, as feeds.yaml refuses a name with them: `n\u{200B}` beside `n` was a second feed
    /// no one could tell apart. A title of nothing visible is no name.
    static func oneLine(_ title: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in title.unicodeScalars where !FeedNames.isFormat(scalar) {
            scalars.append(FeedNames.breaksLines(scalar) || scalar.properties.isWhitespace ? " " : scalar)
        }
        return String(scalars).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    /// Where a title is cut to make a name: a name heads rows of `list` and every log line of
    /// its feed. A title over feeds.yaml's 1,000 bytes stopped the whole import.
    static let longestName = 200

    /// `name` cut to at most `longestName` bytes, between two characters.
    static func shortened(_ name: String) -> String {
        guard name.utf8.count > longestName else { return name }
        var bytes = 0
        let kept = name.prefix { character in
            bytes += character.utf8.count
            return bytes <= longestName
        }
        return String(kept).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}

/// What is wrong with an imported xmlUrl: the file is someone else's, so it may name neither a
/// local file nor, unless allowed, a loopback or private address (a host name that resolves to
/// one is refused when the feed is fetched).
enum OutlineCheck {
    static func problem(with url: String, allowPrivate: Bool) -> String? {
        // What feeds.yaml cannot hold (a space...) first: refused here, it costs one outline; found
        // when the new file is checked, it stopped the whole import.
        let unwritable = FeedURLNaming.problem(with: url)
        if let unwritable, url.contains(" ") { return "refused: xmlUrl \(unwritable)" }
        guard URLAuthority.isWeb(url), let authority = URLAuthority(url) else {
            return "refused: xmlUrl '\(TerminalText.oneLine(url))' is not an http:// or https:// URL"
        }
        if let unwritable { return "refused: xmlUrl \(unwritable)" }
        guard !allowPrivate else { return nil }
        for endpoint in Endpoint.addressed(by: url) {
            guard let range = SpecialAddress.range(of: endpoint.address) else { continue }
            return "refused: \(TerminalText.oneLine(url)) is \(authority.host), a private address (\(range.rawValue); "
                + "pass --allow-private-networks to allow it)"
        }
        return nil
    }
}

struct ExportOPML: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-opml",
        abstract: "Print the configured feeds as OPML, for any feed reader.",
        discussion: """
            A feed's categories become nested folders and its site_url the outline's htmlUrl, as \
            import-opml reads them back. Feeds with enabled: false are exported too, commented out \
            (isComment="true"), and import-opml adds such outlines with enabled: false. URLs are written \
            as configured, a password in one included (another reader needs it to fetch the feed): keep \
            the file as private as feeds.yaml. Settings OPML has no place for (interval, headers, \
            credentials given as basic_auth:, rules) are not exported; stderr names each feed's.
            """
    )

    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String = "feeds.yaml"

    func run() throws {
        let file = try ConfigFile.load(config)
        let settings = file.config
        // Disabled feeds are subscriptions too; the file's order is kept.
        let feeds = (settings.feeds + settings.disabledFeeds).sorted { $0.line < $1.line }
        print(OPMLWriter.document(for: feeds, disabled: Set(settings.disabledFeeds.map(\.name))), terminator: "")
        // Written as configured (another reader needs them), where every other command masks them.
        let secret = feeds.filter { SecretRedaction.redactURL($0.url) != $0.url }.map(\.name)
        if !secret.isEmpty {
            printError("crawler: the URLs of \(secret.prefix(20).joined(separator: ", "))"
                       + (secret.count > 20 ? " and \(secret.count - 20) more" : "")
                       + " carry a password or token, written in the export in clear: keep the file as private as \(config)")
        }
        let leftBehind = OPMLLeftBehind.settings(in: file.text)
        let named = feeds.compactMap { feed in leftBehind[feed.line].map { "\(feed.name) (\($0.joined(separator: ", ")))" } }
        guard !named.isEmpty else { return }
        printError("crawler: OPML has no place for these feeds' own settings, which are not in the export (keep "
                   + "\(config) for them; import-opml gives them the defaults): " + named.prefix(20).joined(separator: "; ")
                   + (named.count > 20 ? "; and \(named.count - 20) more" : ""))
    }
}
