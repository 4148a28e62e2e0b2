internal import Yams
public import FeedModel

/// Writes the configured feeds as OPML 2.0 for any feed reader: a feed's categories become
/// nested folders (`[Tech, Rust]` sits in Rust inside Tech), as `import-opml` reads them back;
/// a feed's `site_url` is its `htmlUrl`; a feed with `enabled: false` is a commented-out outline
/// (OPML 2.0's `isComment="true"`).
public enum OPMLWriter {
    /// `disabled`: the names of the feeds written with `enabled: false`.
    public static func document(for feeds: [FeedConfig], disabled: Set<String> = [],
                                title: String = "crawler subscriptions") -> String {
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<opml version=\"2.0\">",
                     "  <head><title>\(escape(title))</title></head>", "  <body>"]
        let root = Folder(title: "", disabled: disabled)
        for feed in feeds { root.insert(feed, path: feed.categories[...]) }
        root.write(into: &lines, depth: 2)
        lines += ["  </body>", "</opml>"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Feeds and subfolders in the order they first appear in feeds.yaml. A class: each feed
    /// goes into its folder where it is, rather than into a copy written back (a copy of every
    /// feed of that folder, for each feed).
    private final class Folder {
        enum Member {
            case feed(FeedConfig)
            case folder(Folder)
        }

        let title: String
        let disabled: Set<String>
        private(set) var members: [Member] = []
        private var subfolders: [String: Folder] = [:]

        init(title: String, disabled: Set<String>) {
            self.title = title
            self.disabled = disabled
        }

        func insert(_ feed: FeedConfig, path: ArraySlice<String>) {
            guard let next = path.first else { return members.append(.feed(feed)) }
            let folder = subfolders[next] ?? {
                let folder = Folder(title: next, disabled: disabled)
                subfolders[next] = folder
                members.append(.folder(folder))
                return folder
            }()
            folder.insert(feed, path: path.dropFirst())
        }

        func write(into lines: inout [String], depth: Int) {
            let indent = String(repeating: "  ", count: depth)
            for member in members {
                switch member {
                case .feed(let feed):
                    let site = feed.siteURL.map { " htmlUrl=\"\(escape(urlText($0)))\"" } ?? ""
                    let comment = disabled.contains(feed.name) ? " isComment=\"true\"" : ""
                    lines.append("\(indent)<outline type=\"rss\" text=\"\(escape(feed.name))\" title=\"\(escape(feed.name))\" "
                                 + "xmlUrl=\"\(escape(urlText(feed.url)))\"\(site)\(comment)/>")
                case .folder(let folder):
                    lines.append("\(indent)<outline text=\"\(escape(folder.title))\" title=\"\(escape(folder.title))\">")
                    folder.write(into: &lines, depth: depth + 1)
                    lines.append("\(indent)</outline>")
                }
            }
        }
    }

    /// A URL holding a character XML cannot (U+FFFE, U+FFFF) goes percent-encoded: the same URL
    /// to a server, where U+FFFD in its place would be another.
    static func urlText(_ url: String) -> String {
        guard url.unicodeScalars.contains(where: { $0 == "\u{FFFE}" || $0 == "\u{FFFF}" }) else { return url }
        return url.unicodeScalars.map { scalar in
            guard scalar == "\u{FFFE}" || scalar == "\u{FFFF}" else { return String(scalar) }
            return String(scalar).utf8.map { "%" + String($0, radix: 16, uppercase: true) }.joined()
        }.joined()
    }

    static func escape(_ text: String) -> String {
        var output = ""
        // By scalar: a C1 control or bidi override (an imported title may hold one) goes out as a
        // character reference, the same text to a reader and nothing a terminal acts on.
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            // XML has no C0 control but these three, nor U+FFFE and U+FFFF, not even as a reference.
            case _ where scalar.value < 0x20 && !["\t", "\n", "\r"].contains(scalar): output += "\u{FFFD}"
            case "\u{FFFE}", "\u{FFFF}": output += "\u{FFFD}"
            case _ where TerminalText.isUnsafe(scalar): output += "&#x" + String(scalar.value, radix: 16) + ";"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}

/// What each feed of feeds.yaml sets beyond what OPML carries (url, name, categories, site_url,
/// enabled), for `export-opml` to say what it leaves behind: `interval:`, `keep:`, `revisions:`
/// and the rest went without a word, and came back from `import-opml` as defaults.
public enum OPMLLeftBehind {
    static let carried: Set<String> = ["url", "name", "categories", "site_url", "enabled"]

    /// By the line each feed's entry starts on (`FeedConfig.line`): the keys OPML cannot carry.
    public static func settings(in text: String) -> [Int: [String]] {
        guard let root = try? Yams.compose(yaml: text, ConfigParser.resolver), let feeds = root.mapping?["feeds"]?.sequence
        else { return [:] }
        var found: [Int: [String]] = [:]
        for entry in feeds {
            guard let mapping = entry.mapping else { continue }
            let keys = Array(mapping.keys.compactMap(\.string).filter { !carried.contains($0) })
            if !keys.isEmpty { found[entry.mark?.line ?? 0] = keys }
        }
        return found
    }
}
