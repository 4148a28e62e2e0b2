/// Many generated feeds on one loopback server: `/feed/<n>.xml`, each with distinct items,
/// for tests that crawl more than a handful of feeds.
public struct FeedFarm: Sendable {
    public let feeds: Int
    public let itemsPerFeed: Int
    /// Items also carried by the next feed (so cross-feed duplicates happen).
    public let sharedItems: Int
    /// Approximate size of each item's body.
    public let bodyBytes: Int

    public init(feeds: Int, itemsPerFeed: Int, sharedItems: Int = 0, bodyBytes: Int = 600) {
        self.feeds = feeds
        self.itemsPerFeed = itemsPerFeed
        self.sharedItems = sharedItems
        self.bodyBytes = bodyBytes
    }

    /// Distinct items across the whole farm.
    public var distinctItems: Int { feeds * itemsPerFeed }

    public func server() throws -> LoopbackHTTPServer {
        let farm = self
        return try LoopbackHTTPServer { request in
            let number = request.path.split(separator: "/").last.flatMap { Int($0.split(separator: ".")[0]) }
            guard let number, (0..<farm.feeds).contains(number) else { return ServedResponse(status: 404, text: "") }
            return ServedResponse(text: farm.document(feed: number))
        }
    }

    /// feeds.yaml listing every feed of the farm.
    public func config(server: LoopbackHTTPServer, store: String = "./store") -> String {
        // One loopback host serves every feed: no politeness gap, or tests would wait on it.
        var lines = ["store: \(store)", "concurrency: 8", "per_host_concurrency: 8", "host_gap: 0s", "timeout: 10s",
                     "feeds:"]
        for number in 0..<feeds {
            lines += ["  - url: \(server.url("/feed/\(number).xml"))", "    name: feed-\(number)",
                      "    categories: [Farm]"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func document(feed: Int) -> String {
        var items = (0..<itemsPerFeed).map { item(feed: feed, index: $0) }
        if feed + 1 < feeds {
            items += (0..<min(sharedItems, itemsPerFeed)).map { item(feed: feed + 1, index: $0) }
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <rss version="2.0"><channel><title>Farm feed \(feed)</title><link>https://farm.example/\(feed)/</link>
            \(items.joined(separator: "\n"))
            </channel></rss>
            """
    }

    private func item(feed: Int, index: Int) -> String {
        let day = 1 + (feed + index) % 28
        return """
            <item><title>Story \(index) of feed \(feed)</title><link>https://farm.example/\(feed)/\(index)</link>
            <guid>farm-\(feed)-\(index)</guid><pubDate>\(day < 10 ? "0" : "")\(day) Feb 2022 10:00:00 GMT</pubDate>
            <description><![CDATA[<p>Body of story \(index) from feed \(feed). \(String(repeating: "Lorem ipsum dolor sit amet. ", count: max(1, bodyBytes / 28)))</p><img src="/img/\(feed)-\(index).png">]]></description></item>
            """
    }
}
