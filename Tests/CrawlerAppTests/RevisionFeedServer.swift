import CrawlerTestKit
import Foundation
import Synchronization

/// Feeds whose text a test changes between passes, served on 127.0.0.1 at /NAME.xml.
final class RevisionFeedServer: Sendable {
    private final class Texts: Sendable {
        let byName = Mutex<[String: String]>([:])
    }

    private let texts = Texts()
    let server: LoopbackHTTPServer

    init() throws {
        let texts = self.texts
        server = try LoopbackHTTPServer { request in
            let name = String(request.path.dropFirst().prefix { $0 != "." })
            guard let text = texts.byName.withLock({ $0[name] }) else { return ServedResponse(status: 404, text: "no such feed") }
            return ServedResponse(text: text)
        }
    }

    /// `channel`: the channel's title (a moved blog keeps its own); "Channel NAME" by default.
    func serve(_ name: String, channel: String? = nil, items: [String]) {
        texts.byName.withLock { $0[name] = GoldenDocument.rssFeed(items: items, channelTitle: channel ?? "Channel \(name)") }
    }

    /// NAME answers `document` as it is (an Atom feed, say).
    func serveRaw(_ name: String, _ document: String) {
        texts.byName.withLock { $0[name] = document }
    }

    /// NAME answers 404 from now on.
    func remove(_ name: String) {
        _ = texts.byName.withLock { $0.removeValue(forKey: name) }
    }

    func url(_ name: String) -> String { server.url("/\(name).xml") }

    /// A feeds.yaml for `names`, with `global` settings above and `perFeed` lines under a feed.
    func config(_ names: [String], global: String = "", perFeed: [String: String] = [:]) -> String {
        var text = "store: ./store\n" + global + "feeds:\n"
        for name in names {
            text += "  - url: \(url(name))\n    name: \(name)\n"
            if let extra = perFeed[name] { text += extra.split(separator: "\n").map { "    \($0)\n" }.joined() }
        }
        return text
    }

    static func item(guid: String, title: String, body: String, link: String? = nil,
                     date: String = "Wed, 02 Dec 2026 10:00:00 +0000") -> String {
        """
        <item><title>\(title)</title><guid isPermaLink="false">\(guid)</guid>\
        <link>\(link ?? "https://example.org/\(guid)")</link><pubDate>\(date)</pubDate>\
        <description><![CDATA[<p>\(body)</p>]]></description></item>
        """
    }
}

extension TemporaryFolder {
    /// The store's document files (relative to the store), with their text.
    func documents(under top: String = "posts") -> [String: String] {
        var texts: [String: String] = [:]
        for file in files(under: "store/" + top) { texts[top + "/" + file] = read("store/" + top + "/" + file) }
        return texts
    }
}
