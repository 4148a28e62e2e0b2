internal import Foundation

/// Builds, from a golden document of ../shared/format, the RSS item that SPEC.md's worked
/// example says produces it: the title with its “ ” restored, the date, and the body with
/// `{ }` where the document shows `&#123; &#125;`.
public struct GoldenDocument: Sendable {
    public let fileName: String
    public let text: String
    public let title: String
    public let date: String
    public let body: String

    /// The shared/format folder: beside the checkout (../shared/format), found by walking up.
    public static func formatFolder(from start: String = #filePath) -> String? {
        var folder = URL(fileURLWithPath: start).deletingLastPathComponent()
        for _ in 0..<8 {
            let candidate = folder.appendingPathComponent("shared/format").path
            if FileManager.default.fileExists(atPath: candidate + "/SPEC.md") { return candidate }
            folder.deleteLastPathComponent()
        }
        return nil
    }

    public init(path: String, originalTitle: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        text = String(decoding: data, as: UTF8.self)
        fileName = (path as NSString).lastPathComponent
        title = originalTitle
        let unescaped = text.replacingOccurrences(of: "&#123;", with: "{").replacingOccurrences(of: "&#125;", with: "}")
        guard let dateLine = unescaped.components(separatedBy: "\n").first(where: { $0.hasPrefix("date: ") }),
              let open = unescaped.range(of: "<div>   \n"),
              let close = unescaped.range(of: "  \n</div>\n", options: .backwards) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        date = String(dateLine.dropFirst("date: ".count))
        body = String(unescaped[open.upperBound..<close.lowerBound])
    }

    /// The RSS `<item>` for this document.
    public var rssItem: String {
        """
        <item>
          <title><![CDATA[\(title)]]></title>
          <link>https://finance.sina.com.cn/china/\(fileName).shtml</link>
          <guid isPermaLink="false">\(fileName)</guid>
          <pubDate>\(date)</pubDate>
          <description><![CDATA[\(body)]]></description>
        </item>
        """
    }

    /// A channel titled like the golden files' source feed, carrying `items`.
    public static func rssFeed(items: [String], channelTitle: String = "新浪财经－国內",
                               description: String = "新浪财经") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0">
        <channel>
          <title>\(channelTitle)</title>
          <link>https://finance.sina.com.cn/china/</link>
          <description>\(description)</description>
        \(items.joined(separator: "\n"))
        </channel>
        </rss>
        """
    }

    /// Both golden documents with the titles they were made from.
    public static func all() throws -> [GoldenDocument] {
        guard let folder = formatFolder() else { throw CocoaError(.fileNoSuchFile) }
        return [
            try GoldenDocument(path: folder + "/000_80ceae726f424f9f.txt",
                               originalTitle: "吉林771名省管干部接受集体谈话 抓实对“一把手”和领导班子监督"),
            try GoldenDocument(path: folder + "/002_f961b91e69b91120.txt",
                               originalTitle: "深圳新任市管干部廉政谈话全覆盖 上好廉洁履职第一课"),
        ]
    }
}
