import ArgumentParser
import Config
import FeedModel

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the configured feeds, one line each: name, URL, interval, categories.",
        discussion: "Read from feeds.yaml alone (nothing is fetched, the store is not opened); feeds with enabled: false are marked disabled."
    )

    @Option(name: .shortAndLong, help: "The configuration file.")
    var config: String = "feeds.yaml"

    func run() throws {
        let settings = try ConfigFile.load(config).config
        printOutput(FeedList.render(enabled: settings.feeds, disabled: settings.disabledFeeds))
    }
}

/// The lines of `crawler list`, in the order of the file.
enum FeedList {
    static func render(enabled: [FeedConfig], disabled: [FeedConfig]) -> String {
        let off = Set(disabled.map(\.name))
        let feeds = (enabled + disabled).sorted { $0.line < $1.line }
        let nameWidth = min(40, feeds.map(\.name.displayWidth).max() ?? 0)
        // Measured as printed: a password in a URL is printed as ***.
        let urls = Dictionary(feeds.map { ($0.url, SecretRedaction.redactURL($0.url)) }, uniquingKeysWith: { first, _ in first })
        let urlWidth = min(80, urls.values.map(\.displayWidth).max() ?? 0)
        var lines = feeds.map { feed in
            var columns = [feed.name.padding(to: nameWidth), (urls[feed.url] ?? feed.url).padding(to: urlWidth),
                           "every " + interval(feed.interval)]
            // A category holding a comma is quoted: `categories: News, Tech` is one category, and
            // listed bare it looked like the two the operator meant.
            if !feed.categories.isEmpty {
                columns.append("[" + feed.categories.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ", ") + "]")
            }
            if off.contains(feed.name) { columns.append("disabled") }
            return columns.joined(separator: "  ")
        }
        let disabledNote = disabled.isEmpty ? "" : " (\(disabled.count) disabled)"
        lines.append(counted(feeds.count, "feed") + disabledNote)
        return lines.joined(separator: "\n")
    }

    /// In the form feeds.yaml takes: 45s, 30m, 1h30m, 2d.
    static func interval(_ seconds: Double) -> String {
        var rest = Int(seconds.rounded())
        var text = ""
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text.isEmpty ? "0s" : text
    }
}
