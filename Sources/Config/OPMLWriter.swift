public import FeedModel

/// Writes the configured feeds as OPML 2.0, grouped by their first category, for any feed reader.
public enum OPMLWriter {
    public static func document(for feeds: [FeedConfig], title: String = "crawler subscriptions") -> String {
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<opml version=\"2.0\">",
                     "  <head><title>\(escape(title))</title></head>", "  <body>"]
        var groups: [(String?, [FeedConfig])] = []
        for feed in feeds {
            let folder = feed.categories.first
            if let index = groups.firstIndex(where: { $0.0 == folder }) { groups[index].1.append(feed) } else { groups.append((folder, [feed])) }
        }
        for (folder, members) in groups {
            let indent = folder == nil ? "    " : "      "
            if let folder { lines.append("    <outline text=\"\(escape(folder))\" title=\"\(escape(folder))\">") }
            for feed in members {
                lines.append("\(indent)<outline type=\"rss\" text=\"\(escape(feed.name))\" title=\"\(escape(feed.name))\" "
                             + "xmlUrl=\"\(escape(feed.url))\"/>")
            }
            if folder != nil { lines.append("    </outline>") }
        }
        lines += ["  </body>", "</opml>"]
        return lines.joined(separator: "\n") + "\n"
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
            case _ where TerminalText.isUnsafe(scalar): output += "&#x" + String(scalar.value, radix: 16) + ";"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
