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
            OPML folders become categories.
            """
    )

    @Argument(help: "The OPML file.")
    var file: String

    @Option(name: .shortAndLong, help: "The configuration file to add to.")
    var config: String = "feeds.yaml"

    @Flag(name: .long, help: "Show what would be added without writing.")
    var dryRun = false

    func run() throws {
        let configFile = try ConfigFile.load(config)
        guard let data = FileManager.default.contents(atPath: file) else {
            printError("crawler: cannot read \(file)")
            throw ExitCode.failure
        }
        let outlines: [OPMLOutline]
        do {
            outlines = try OPMLReader.read([UInt8](data))
        } catch {
            printError("crawler: \(file): \(error)")
            throw ExitCode.failure
        }
        var added: [FeedConfig] = []
        var skipped = 0
        for outline in outlines {
            guard !configFile.contains(url: outline.feedURL), !added.contains(where: { $0.url == outline.feedURL }) else {
                skipped += 1
                continue
            }
            let name = configFile.uniqueName(outline.title.isEmpty ? defaultName(for: outline.feedURL) : outline.title,
                                             taken: Set(added.map(\.name)))
            added.append(FeedConfig(name: name, url: outline.feedURL, categories: outline.categories))
        }
        for feed in added { printOutput("add   \(feed.name)  \(feed.url)") }
        if !added.isEmpty && !dryRun {
            try configFile.append(added, comment: "Imported from \((file as NSString).lastPathComponent)")
        }
        printOutput("\(dryRun ? "would add" : "added") \(added.count) feeds to \(config); \(skipped) already there")
    }
}

struct ExportOPML: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-opml",
        abstract: "Print the configured feeds as OPML, for any feed reader."
    )

    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String = "feeds.yaml"

    func run() throws {
        print(OPMLWriter.document(for: try ConfigFile.load(config).config.feeds), terminator: "")
    }
}
