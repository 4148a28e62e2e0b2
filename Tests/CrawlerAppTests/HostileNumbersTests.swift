import CrawlerTestKit
import Foundation
import Testing

/// Every number a server controls, at its largest, smallest and strangest, through the real binary.
/// Each hostile feed sits beside a healthy one, which must be stored; no run may trap, and a second
/// run (the restart after a crash loop would have begun) must behave the same.
@Suite struct HostileNumbersTests {
    let folder = TemporaryFolder()

    static let huge = "9223372036854775807"
    static let hugeNegative = "-9223372036854775808"
    static let longer = "99999999999999999999999999999"

    /// A channel carrying `extra` elements (ttl, sy:*, skipHours...) and one item named `name`.
    static func channel(_ extra: String, item name: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
        <channel><title>\(name)</title><link>https://example.org/</link>
        \(extra)
        <item><title>\(name) item</title><guid>\(name)</guid><link>https://example.org/\(name)</link>
        <description>the body of \(name)</description></item>
        </channel></rss>
        """
    }

    static let hostileChannels: [String: String] = [
        "ttl-max": "<ttl>\(huge)</ttl>",
        "ttl-longer": "<ttl>\(longer)</ttl>",
        "ttl-negative": "<ttl>\(hugeNegative)</ttl>",
        "sy-max": "<sy:updatePeriod>yearly</sy:updatePeriod><sy:updateFrequency>\(huge)</sy:updateFrequency>",
        "sy-zero": "<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>0</sy:updateFrequency>",
        "sy-negative": "<sy:updatePeriod>daily</sy:updatePeriod><sy:updateFrequency>-5</sy:updateFrequency>",
        "skip-all-hours": "<skipHours>" + (0..<24).map { "<hour>\($0)</hour>" }.joined() + "</skipHours>",
        "skip-all-days": "<skipDays>" + ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                                         "Sunday"].map { "<day>\($0)</day>" }.joined() + "</skipDays>",
        "skip-odd-hours": "<skipHours><hour>\(huge)</hour><hour>-1</hour><hour>24</hour></skipHours>",
    ]

    static let hostileHeaders: [String: [(String, String)]] = [
        "max-age-max": [("Cache-Control", "max-age=\(huge)")],
        "max-age-longer": [("Cache-Control", "max-age=\(longer)")],
        "max-age-negative": [("Cache-Control", "max-age=\(hugeNegative)")],
        "expires-far": [("Expires", "Sat, 01 Jan 99999 00:00:00 GMT")],
        "expires-past": [("Expires", "Thu, 01 Jan 1970 00:00:00 GMT")],
    ]

    static let hostileFailures: [String: ServedResponse] = [
        "retry-max": .throttled(503, retryAfter: huge),
        "retry-longer": .throttled(429, retryAfter: longer),
        "retry-negative": .throttled(503, retryAfter: hugeNegative),
        "retry-far-date": .throttled(503, retryAfter: "Sat, 01 Jan 99999 00:00:00 GMT"),
    ]

    static func response(for path: String) -> ServedResponse {
        let name = String(path.dropFirst())
        if let extra = hostileChannels[name] { return ServedResponse(text: channel(extra, item: name)) }
        if let headers = hostileHeaders[name] {
            return ServedResponse(status: 200, headers: [("Content-Type", "application/rss+xml")] + headers,
                                  body: Array(channel("", item: name).utf8))
        }
        if let failure = hostileFailures[name] { return failure }
        return ServedResponse(text: channel("", item: "healthy"))
    }

    @Test func noServerNumberTrapsAndEveryFeedGetsASavedSchedule() throws {
        let server = try LoopbackHTTPServer { request in Self.response(for: request.path) }
        let names = ["healthy"] + Self.hostileChannels.keys.sorted() + Self.hostileHeaders.keys.sorted()
            + Self.hostileFailures.keys.sorted()
        let feeds = names.map { "  - url: \(server.url("/" + $0))\n    name: \($0)\n" }.joined()
        try folder.write("store: ./out\ninterval: 10m\nfeeds:\n" + feeds, to: "feeds.yaml")

        for _ in 0..<2 {
            let run = try CrawlerProcess.run(["once"], in: folder.path)
            // 1: the throttled feeds failed (0 once they are held back); never a signal (132: a trap).
            #expect(run.status == 0 || run.status == 1, "stderr: \(run.stderr.suffix(2000))")
            #expect(run.stdout.contains("ok    healthy"))
            let status = try CrawlerProcess.run(["status"], in: folder.path)
            #expect(status.status == 0 || status.status == 1)
            for name in names { #expect(status.stdout.contains(name), "\(name) has no saved state") }
        }
        let stored = folder.files(under: "out/posts").compactMap { folder.read("out/posts/" + $0) }
        #expect(stored.contains { $0.contains("the body of healthy") })
        let storedHostile = Self.hostileChannels.count + Self.hostileHeaders.count
        #expect(stored.count == 1 + storedHostile)
    }
}
